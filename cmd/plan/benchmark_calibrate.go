package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/hwprofile/calibrate"
	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/simulate"
)

// calibrateOptions are the flags of plan benchmark --calibrate.
type calibrateOptions struct {
	enabled bool
	file    string
}

// addCalibrateFlags registers --calibrate and --calibration on the benchmark command.
func addCalibrateFlags(cmd *cobra.Command, c *calibrateOptions) {
	f := cmd.Flags()
	f.BoolVar(&c.enabled, "calibrate", false, "measure generated models of each quantization type on the Ollama server and fit this machine's cost per token (plan help method)")
	f.StringVar(&c.file, "calibration", "", "calibration file --calibrate writes (default: calibration.json next to the results file)")
	if f.Lookup("rate") != nil {
		cmd.MarkFlagsMutuallyExclusive("calibrate", "rate")
	}
}

// calibrationSizes and calibrationQuants are what --calibrate measures; tests
// set smaller ones.
var (
	calibrationSizes  = calibrate.DefaultSizes
	calibrationQuants = calibrate.DefaultQuants
)

// runCalibrate runs plan benchmark --calibrate.
func runCalibrate(ctx context.Context, e *env, o *benchmarkOptions, c *calibrateOptions) error {
	if o.backend != "ollama" {
		return usagef("--calibrate creates models on an Ollama server; --backend %s cannot create them", o.backend)
	}
	if len(o.models) > 0 || o.pull {
		return usagef("--calibrate measures generated models of its own; leave out --model and --pull")
	}
	if c.file == "" {
		c.file = filepath.Join(filepath.Dir(o.results), "calibration.json")
	}
	b, err := calibrateBackend(o)
	if err != nil {
		return err
	}
	file, err := openResults(e, o.results)
	if err != nil {
		return err
	}
	defer file.Close()
	hw := hardwareSummary(ctx, e)
	prog := e.progressLine()
	res, runErr := calibrate.Run(ctx, calibrate.Options{
		Creator: b, Backend: b, Record: file.Append, Progress: benchProgress(prog),
		Env:   bench.Environment{PlanVersion: planVersion(), Hardware: hw},
		Sizes: calibrationSizes(), Quants: calibrationQuants(),
	})
	prog.Clear()
	if runErr = cmp.Or(runErr, file.Err()); runErr != nil {
		return benchmarkError(ctx, runErr, file.Path())
	}
	cal, err := simulate.FitCalibration(res.Points)
	if err != nil {
		return fmt.Errorf("%w; the measured runs are in %s", err, file.Path())
	}
	cal.Hardware, cal.ServerVersion, cal.Time = hw, b.ServerVersion(ctx), time.Now().UTC()
	cal.BandwidthGBs = calibrationBandwidth(ctx, e)
	data, err := simulate.MarshalCalibration(cal)
	if err != nil {
		return err
	}
	if err := output.WriteFileAtomic(c.file, data); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "plan: wrote %s\n", c.file)
	return writeOutput(e, o.output, func(w io.Writer) error {
		if o.format == "json" {
			return output.WriteJSON(w, simulate.CalibrationFile{Kind: simulate.CalibrationFileKind, Version: simulate.CalibrationFileVersion, Calibration: cal})
		}
		return calibrate.WriteTable(w, cal, c.file)
	})
}

// calibrateBackend returns the Ollama backend of the server the options name.
func calibrateBackend(o *benchmarkOptions) (*backend.Ollama, error) {
	bk, err := newBackend(o)
	if err != nil {
		return nil, err
	}
	ob, ok := bk.(*backend.Ollama)
	if !ok {
		return nil, usagef("--calibrate needs an Ollama server")
	}
	return ob, nil
}

// calibrationBandwidth is the machine's memory bandwidth in GB/s, 0 if it cannot be measured.
func calibrationBandwidth(ctx context.Context, e *env) float64 {
	bw, err := hwprofile.MeasureBandwidth(ctx, hwprofile.BandwidthOptions{})
	if err != nil {
		fmt.Fprintf(e.stderr, "plan: warning: %v (long-context predictions leave out the cache reads)\n", err)
		return 0
	}
	return bw.GBPerS
}
