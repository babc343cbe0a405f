package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/hwprofile/calibrate"
	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
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
	f.BoolVar(&c.enabled, "calibrate", false, "measure generated models of each quantization type on the Ollama server and fit this machine's cost per token (see Calibration below)")
	f.StringVar(&c.file, "calibration", "", "calibration file --calibrate writes (default: calibration.json next to the results file)")
	if f.Lookup("rate") != nil {
		cmd.MarkFlagsMutuallyExclusive("calibrate", "rate")
	}
	cmd.Long += calibrateLong
}

const calibrateLong = `

Calibration (--calibrate, Ollama only)
  Creates small generated models with random weights on the server (nothing is
  downloaded): plan-calibrate-20m and -100m (19.4M and 100.6M weights) as f16,
  q8_0, q6_K, q5_K_M, q4_K_M and q4_0; measures each with a 128-token prompt
  and 64 output tokens (temperature 0.8, fixed seed, 3 to 5 runs); and deletes
  them again, also after an error or Ctrl-C. Runs and summaries go to the
  results file as usual. It then fits, per quantization type q,
    decode seconds per token  = a + b_q x weights
    prefill seconds per token = a' + b'_q x weights
  (a and a' shared by all types; least squares on relative error) and writes the
  costs, the measured points, each point's error when predicted from the
  others, the uncertainty band, hardware, memory bandwidth and server version
  to --calibration, for predicting other models on this machine (basis
  "calibrated here"). The models run with the server's own thread count, as
  yours do; on a machine busy with other work that can be slow.`

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
		c.file = filepath.Join(filepath.Dir(o.output), "calibration.json")
	}
	b, client, err := calibrateClients(o)
	if err != nil {
		return err
	}
	file, err := openResults(e, o.output)
	if err != nil {
		return err
	}
	defer file.Close()
	hw := hardwareSummary(ctx, e)
	prog := newProgressLine(e)
	res, runErr := calibrate.Run(ctx, calibrate.Options{
		Client: client, Backend: b, Record: file.Append, Progress: prog.update,
		Env:   bench.Environment{PlanVersion: planVersion(), Hardware: hw},
		Sizes: calibrationSizes(), Quants: calibrationQuants(),
	})
	prog.clear()
	if runErr = cmp.Or(runErr, file.Err()); runErr != nil {
		return benchmarkError(ctx, runErr, file.Path())
	}
	cal, err := simulate.FitCalibration(res.Points)
	if err != nil {
		return fmt.Errorf("%w; the measured runs are in %s", err, file.Path())
	}
	cal.Hardware, cal.ServerVersion, cal.Time = hw, b.ServerVersion(ctx), time.Now().UTC()
	cal.BandwidthGBs = calibrationBandwidth(ctx, e)
	data, err := calibrate.Marshal(cal)
	if err != nil {
		return err
	}
	if err := output.WriteFileAtomic(c.file, data); err != nil {
		return err
	}
	if o.format == "json" {
		return output.WriteJSON(e.stdout, calibrate.File{Kind: calibrate.FileKind, Version: calibrate.FileVersion, Calibration: cal})
	}
	return writeCalibrationTable(e.stdout, cal, c.file)
}

// calibrateClients returns the benchmark backend and the API client of the server the options name.
func calibrateClients(o *benchmarkOptions) (*backend.Ollama, *api.Client, error) {
	host := o.host
	if host == "" {
		host = backend.DefaultOllamaHost
	}
	u, err := backend.ParseHost(host, "11434")
	if err != nil {
		return nil, nil, usagef("--host: %v", err)
	}
	bk, err := newBackend(o)
	if err != nil {
		return nil, nil, err
	}
	ob, ok := bk.(*backend.Ollama)
	if !ok {
		return nil, nil, usagef("--calibrate needs an Ollama server")
	}
	return ob, api.NewClient(u, modelServerClient(o.connectTimeout, 0)), nil
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

// writeCalibrationTable prints the fitted costs and the measured points.
func writeCalibrationTable(w io.Writer, c simulate.Calibration, path string) error {
	var rows [][]string
	for _, q := range c.Quants {
		rows = append(rows, []string{q.Quant, fmt.Sprintf("%.2f", q.BitsPerWeight),
			ms(q.Decode.OverheadSeconds), msPerMillion(q.Decode.PerWeightSeconds),
			ms(q.Prefill.OverheadSeconds), msPerMillion(q.Prefill.PerWeightSeconds)})
	}
	if err := output.WriteTable(w, []string{"QUANT", "BITS", "DECODE OVERHEAD", "DECODE PER 1M WEIGHTS", "PREFILL OVERHEAD", "PREFILL PER 1M WEIGHTS"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	rows = nil
	for _, r := range c.Residuals {
		held := "-"
		if !r.HeldOutMissing {
			held = fmt.Sprintf("%+.1f%%", 100*(r.HeldOutRatio-1))
		}
		rows = append(rows, []string{r.Model, r.Phase, show.Speed(r.Measured), show.Speed(r.Fitted),
			fmt.Sprintf("%+.1f%%", 100*(r.FittedRatio-1)), held})
	}
	if err := output.WriteTable(w, []string{"MODEL", "PHASE", "MEASURED TOK/S", "FITTED TOK/S", "FIT ERROR", "HELD-OUT ERROR"}, rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nbands (measured / predicted): decode %.2f to %.2f, prefill %.2f to %.2f\n",
		c.DecodeBand.Low, c.DecodeBand.High, c.PrefillBand.Low, c.PrefillBand.High)
	var about []string
	if c.BandwidthGBs > 0 {
		about = append(about, fmt.Sprintf("memory bandwidth %.1f GB/s", c.BandwidthGBs))
	}
	if c.Hardware != "" {
		about = append(about, c.Hardware)
	}
	if c.ServerVersion != "" {
		about = append(about, "Ollama "+c.ServerVersion)
	}
	if len(about) > 0 {
		fmt.Fprintln(w, strings.Join(about, "; "))
	}
	fmt.Fprintf(w, "calibration written to %s\n", path)
	return nil
}

// ms formats seconds as milliseconds; msPerMillion formats seconds per weight as milliseconds per million weights.
func ms(s float64) string           { return fmt.Sprintf("%.3f ms", s*1e3) }
func msPerMillion(s float64) string { return fmt.Sprintf("%.3f ms", s*1e9) }
