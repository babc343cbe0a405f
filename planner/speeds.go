package planner

import (
	"fmt"

	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/simulate"
)

// SpeedSources name where predicted speeds come from. Speeds tries them in
// order: the speeds measured in Bench for a model it holds; this machine's
// Calibration when the hardware is this machine (not WhatIf); the
// throughput model with the catalog efficiency.
type SpeedSources struct {
	Bench       string
	Calibration string
	// CalibrationGiven says the user named the calibration file, so that
	// a file that cannot be read is an error rather than a note.
	CalibrationGiven bool
	WhatIf           bool
}

// Speeds returns the predictor, with notes on the sources it took or left.
func (s SpeedSources) Speeds() (Speeds, []string, error) {
	var notes []string
	measured, err := measuredCurves(s.Bench, func(n string) { notes = append(notes, n) })
	if err != nil {
		return nil, nil, err
	}
	cal, haveCal, note, err := s.calibration()
	if err != nil {
		return nil, nil, err
	}
	if note != "" {
		notes = append(notes, note)
	}
	return func(m simulate.ModelShape, hw simulate.Hardware, ctx, k int) simulate.Prediction {
		if svc, ok := measured[m.Name]; ok {
			return measuredPrediction(svc, k)
		}
		if haveCal {
			if p, err := cal.Predict(m, ctx, k); err == nil {
				return p
			}
		}
		return simulate.Predict(m, hw, ctx, k, simulate.EfficiencyFor(hw))
	}, notes, nil
}

// measuredCurves reads a benchmark results file's concurrency curves by
// model; none without a file.
func measuredCurves(path string, warn func(string)) (map[string]*simulate.CurveService, error) {
	out := map[string]*simulate.CurveService{}
	if path == "" {
		return out, nil
	}
	sums, err := bench.ReadSummaries(path, warn)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range sums {
		if seen[s.Model] {
			continue
		}
		seen[s.Model] = true
		if _, points, err := simulate.CurveFromSummaries(sums, s.Model); err == nil {
			if svc, err := simulate.NewCurveService(points); err == nil {
				out[s.Model] = svc
			}
		}
	}
	return out, nil
}

// measuredPrediction is a measured curve read as a prediction at k.
func measuredPrediction(svc *simulate.CurveService, k int) simulate.Prediction {
	pre, dec := svc.Aggregate(k)
	return simulate.Prediction{
		DecodeTPS: dec, DecodeLow: dec, DecodeHigh: dec, PerRequestTPS: dec / float64(k),
		PrefillTPS: pre, PrefillLow: pre, PrefillHigh: pre, GPUShare: 1, Basis: "measured",
	}
}

// calibration reads this machine's calibration file when it applies. A
// file the user named that cannot be read is an error; the default one is
// then only left out, with a note.
func (s SpeedSources) calibration() (c simulate.Calibration, ok bool, note string, err error) {
	if s.Calibration == "" || s.WhatIf {
		return c, false, "", nil
	}
	c, err = simulate.ReadCalibration(s.Calibration)
	switch {
	case err != nil && s.CalibrationGiven:
		return c, false, "", fmt.Errorf("--calibration %s: %w", s.Calibration, err)
	case err != nil:
		return c, false, fmt.Sprintf("calibration %s not used: %v", s.Calibration, err), nil
	}
	return c, true, "speeds calibrated on this machine by " + s.Calibration, nil
}
