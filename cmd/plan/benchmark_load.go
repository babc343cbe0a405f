package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/simulate"
)

// loadOptions are the settings of an open-loop load (plan benchmark --rate).
type loadOptions struct {
	rate     float64
	duration time.Duration
}

func addLoadFlags(cmd *cobra.Command, o *loadOptions) {
	f := cmd.Flags()
	f.Float64Var(&o.rate, "rate", 0, "open-loop load: send Poisson arrivals at this mean `rate` in requests per second instead of sweeping concurrency")
	f.DurationVar(&o.duration, "duration", time.Minute, "open-loop load: how long arrivals come")
}

// isLoad tells whether the command line asks for an open-loop load.
func isLoad(cmd *cobra.Command) bool {
	return cmd.Flags().Changed("rate") || cmd.Flags().Changed("duration")
}

// checkLoad validates the flags of an open-loop load.
func checkLoad(cmd *cobra.Command, o *benchmarkOptions) error {
	l, c := o.load, o.config
	switch {
	case !cmd.Flags().Changed("rate"):
		return usagef("--duration sets an open-loop load: give --rate too")
	case !(l.rate > 0) || math.IsInf(l.rate, 0):
		return usagef("invalid --rate %v: must be a positive number of requests per second", l.rate)
	case l.duration <= 0:
		return usagef("invalid --duration %v: must be positive", l.duration)
	case cmd.Flags().Changed("concurrency"):
		return usagef("--concurrency sweeps closed-loop clients; an open-loop load (--rate) sets no concurrency")
	case len(o.models) > 1:
		return usagef("an open-loop load (--rate) measures one --model")
	case len(c.PromptTokens) != 1 || len(c.MaxTokens) != 1 || len(c.ContextTokens) != 1:
		return usagef("an open-loop load (--rate) takes one --prompt-tokens, one --max-tokens and one --ctx")
	}
	return nil
}

// loadArrivals draws the load's arrival offsets: a Poisson stream of rate
// requests per second for duration, the very arrivals plan simulate draws
// with the same --rate, --duration and --seed.
func loadArrivals(l loadOptions, seed int) (bench.OpenLoop, error) {
	reqs, err := simulate.Generate(simulate.Arrivals{Rate: l.rate, Duration: l.duration.Seconds(), Shape: 1, Seed: uint64(seed)})
	if err != nil {
		return bench.OpenLoop{}, usagef("%v", err)
	}
	load := bench.OpenLoop{Rate: l.rate, Duration: l.duration, Arrivals: make([]time.Duration, len(reqs))}
	for i, r := range reqs {
		load.Arrivals[i] = time.Duration(r.Arrival * float64(time.Second))
	}
	if err := load.Validate(); err != nil {
		return bench.OpenLoop{}, usageError{err}
	}
	return load, nil
}

// runBenchmarkLoad runs an open-loop load and writes its summary.
func runBenchmarkLoad(ctx context.Context, e *env, o *benchmarkOptions) error {
	load, err := loadArrivals(o.load, o.config.Seed)
	if err != nil {
		return err
	}
	b, err := newBackend(o)
	if err != nil {
		return err
	}
	models, err := resolveModels(ctx, e, b, o)
	if err != nil {
		return err
	}
	if len(models) != 1 {
		return usagef("an open-loop load (--rate) measures one --model")
	}
	o.config.Models = models
	file, err := openResults(e, o.output)
	if err != nil {
		return err
	}
	defer file.Close()
	prog := newProgressLine(e)
	sum, runErr := newRunner(ctx, e, o, b, file, prog).RunOpenLoop(ctx, load)
	prog.clear()
	if sum != nil {
		if err := writeLoad(e, o.format, *sum, file.Path()); err != nil {
			return err
		}
	}
	if runErr == nil && sum != nil && sum.Sent > 0 && sum.Failed == sum.Sent {
		runErr = fmt.Errorf("all %d requests of the load failed: see the errors in %s", sum.Sent, file.Path())
	}
	return benchmarkError(ctx, cmp.Or(runErr, file.Err()), file.Path())
}

// writeLoad prints a load's summary in the chosen format on stdout, and its
// warnings and where the requests went on stderr.
func writeLoad(e *env, format string, s bench.LoadSummary, path string) error {
	var err error
	switch format {
	case "json":
		err = output.WriteJSON(e.stdout, struct {
			Result      bench.LoadSummary `json:"result"`
			ResultsFile string            `json:"results_file"`
		}{s, path})
	case "csv":
		err = writeLoadCSV(e.stdout, s)
	default:
		err = output.WriteTable(e.stdout, []string{"metric", "value"}, loadRows(s))
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s: %s\n", s.Model, w)
	}
	fmt.Fprintf(e.stderr, "requests appended to %s\n", path)
	return err
}

// loadRows are the lines of the table of a load's summary.
func loadRows(s bench.LoadSummary) [][]string {
	triple := func(a, b, c float64) string {
		return show.Seconds(a) + " / " + show.Seconds(b) + " / " + show.Seconds(c)
	}
	return [][]string{
		{"model", s.Model},
		{"prompt / output tokens", fmt.Sprintf("%d / %d", s.PromptTokens, s.MaxTokens)},
		{"offered rate", fmt.Sprintf("%.3g requests/s for %s", s.OfferedRate, time.Duration(s.DurationSeconds*float64(time.Second)))},
		{"sent / completed / failed / cut short", fmt.Sprintf("%d / %d / %d / %d", s.Sent, s.Completed, s.Failed, s.CutShort)},
		{"served", fmt.Sprintf("%.3f requests/s, %.1f output tokens/s over %.1fs", s.ServedRequestsPerSecond, s.OutputTokensPerSecond, s.WindowSeconds)},
		{"e2e p50 / p95 / p99", triple(s.E2ESecondsP50, s.E2ESecondsP95, s.E2ESecondsP99)},
		{"ttft p50 / p95 / p99", triple(s.TTFTSecondsP50, s.TTFTSecondsP95, s.TTFTSecondsP99)},
		{"mean in flight", fmt.Sprintf("%.2f", s.MeanInFlight)},
	}
}

var loadCSVHeader = []string{"model", "prompt_tokens", "max_tokens", "offered_rate_per_second", "duration_seconds", "sent", "completed",
	"failed", "cut_short", "unfinished", "window_seconds", "served_requests_per_second", "output_tokens_per_second",
	"e2e_seconds_p50", "e2e_seconds_p95", "e2e_seconds_p99", "ttft_seconds_p50", "ttft_seconds_p95", "ttft_seconds_p99",
	"mean_in_flight", "send_lag_seconds_max"}

func writeLoadCSV(w io.Writer, s bench.LoadSummary) error {
	cw := output.NewCSV(w)
	cw.Write(loadCSVHeader)
	cw.Write([]string{s.Model, strconv.Itoa(s.PromptTokens), strconv.Itoa(s.MaxTokens), num(s.OfferedRate), num(s.DurationSeconds),
		strconv.Itoa(s.Sent), strconv.Itoa(s.Completed), strconv.Itoa(s.Failed), strconv.Itoa(s.CutShort), strconv.Itoa(s.Unfinished),
		num(s.WindowSeconds), num(s.ServedRequestsPerSecond), num(s.OutputTokensPerSecond),
		num(s.E2ESecondsP50), num(s.E2ESecondsP95), num(s.E2ESecondsP99), num(s.TTFTSecondsP50), num(s.TTFTSecondsP95), num(s.TTFTSecondsP99),
		num(s.MeanInFlight), num(s.SendLagSecondsMax)})
	cw.Flush()
	return cw.Error()
}

const benchmarkLoadLong = `

Open-loop load (--rate R --duration D)
  Instead of the sweep, send requests to one model at Poisson arrivals of mean rate
  R per second for D, each at its own time whether or not earlier ones finished,
  as users would; then wait for the last. The arrival times are those plan simulate
  draws with the same --rate, --duration and --seed, so a simulation replays the
  very same arrivals. The model is loaded, prompts calibrated and --warmup runs
  sent first; every request gets its own prompt of --prompt-tokens with
  --max-tokens output, and is appended to -o as it ends (phase "load", with
  scheduled_seconds, sent_seconds and in_flight_at_send). A failed request is
  counted and the load goes on, unless the server stopped answering.
  offered rate        R, the mean arrival rate asked for.
  sent / completed / failed / cut short
                      requests sent; finished by the server with --max-tokens
                      tokens; ended with an error; ended without the server's
                      final statistics or with fewer tokens.
  served              completed requests, and their output tokens, per second of
                      the window: from the load's start to the end of the last
                      request (the makespan plan simulate reports).
  e2e p50/p95/p99     client time from sending to the end of the stream, over the
                      completed requests; this includes the wait for a free slot.
  ttft p50/p95/p99    client time from sending to the first streamed text.
  mean in flight      summed time requests spent sent and unfinished / window:
                      the time-average number in the server (Little's law).
  send lag max        (json, csv) how far the latest send fell behind its schedule.`
