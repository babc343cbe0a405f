package simulate

import (
	"encoding/json"
	"fmt"
	"os"
)

// CalibrationFile is the calibration file: the fitted costs with what they were measured on.
type CalibrationFile struct {
	Kind    string `json:"kind"` // "plan-calibration"
	Version int    `json:"version"`
	Calibration
}

// The kind and version of the calibration file format.
const (
	CalibrationFileKind    = "plan-calibration"
	CalibrationFileVersion = 1
)

// MarshalCalibration returns the calibration file of c, indented JSON.
func MarshalCalibration(c Calibration) ([]byte, error) {
	b, err := json.MarshalIndent(CalibrationFile{Kind: CalibrationFileKind, Version: CalibrationFileVersion, Calibration: c}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding calibration: %w", err)
	}
	return append(b, '\n'), nil
}

// ReadCalibration reads a calibration file written by plan benchmark --calibrate.
func ReadCalibration(path string) (Calibration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Calibration{}, fmt.Errorf("reading calibration: %w (create it with plan benchmark --calibrate)", err)
	}
	var f CalibrationFile
	if err := json.Unmarshal(b, &f); err != nil {
		return Calibration{}, fmt.Errorf("%s: not a calibration file: %w", path, err)
	}
	if f.Kind != CalibrationFileKind || f.Version != CalibrationFileVersion {
		return Calibration{}, fmt.Errorf("%s: kind %q version %d; want %q version %d (rerun plan benchmark --calibrate)",
			path, f.Kind, f.Version, CalibrationFileKind, CalibrationFileVersion)
	}
	if len(f.Quants) == 0 {
		return Calibration{}, fmt.Errorf("%s: no quant types calibrated (rerun plan benchmark --calibrate)", path)
	}
	return f.Calibration, nil
}
