package calibrate

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/plan-cli/plan/simulate"
)

// File is the calibration file: the fitted costs with what they were measured on.
type File struct {
	Kind    string `json:"kind"` // "plan-calibration"
	Version int    `json:"version"`
	simulate.Calibration
}

// The kind and version of the calibration file format.
const (
	FileKind    = "plan-calibration"
	FileVersion = 1
)

// Marshal returns the calibration file of c, indented JSON.
func Marshal(c simulate.Calibration) ([]byte, error) {
	b, err := json.MarshalIndent(File{Kind: FileKind, Version: FileVersion, Calibration: c}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding calibration: %w", err)
	}
	return append(b, '\n'), nil
}

// ReadFile reads a calibration file written by plan benchmark --calibrate.
func ReadFile(path string) (simulate.Calibration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return simulate.Calibration{}, fmt.Errorf("reading calibration: %w (create it with plan benchmark --calibrate)", err)
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return simulate.Calibration{}, fmt.Errorf("%s: not a calibration file: %w", path, err)
	}
	if f.Kind != FileKind || f.Version != FileVersion {
		return simulate.Calibration{}, fmt.Errorf("%s: kind %q version %d; want %q version %d (rerun plan benchmark --calibrate)",
			path, f.Kind, f.Version, FileKind, FileVersion)
	}
	if len(f.Quants) == 0 {
		return simulate.Calibration{}, fmt.Errorf("%s: no quant types calibrated (rerun plan benchmark --calibrate)", path)
	}
	return f.Calibration, nil
}
