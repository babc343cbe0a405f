package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/hwprofile/bench"
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
		return usagef("an open-loop load (--rate) takes one --prompt-tokens, one --output-tokens and one --context")
	}
	return nil
}

// runBenchmarkLoad runs an open-loop load and writes its summary.
func runBenchmarkLoad(ctx context.Context, e *env, o *benchmarkOptions) error {
	load, err := simulate.OpenLoop(o.load.rate, o.load.duration, o.config.Seed)
	if err != nil {
		return usageError{err}
	}
	b, models, err := o.connect(ctx, e)
	if err != nil {
		return err
	}
	if len(models) != 1 {
		return usagef("an open-loop load (--rate) measures one --model")
	}
	o.config.Models = models
	file, err := openResults(e, o.results)
	if err != nil {
		return err
	}
	defer file.Close()
	prog := e.progressLine()
	sum, runErr := newRunner(ctx, e, o, b, file, prog).RunOpenLoop(ctx, load)
	prog.Clear()
	if sum != nil {
		err := writeOutput(e, o.output, func(w io.Writer) error { return bench.WriteLoad(w, o.format, *sum, file.Path()) })
		bench.WriteLoadNotes(e.stderr, *sum, file.Path())
		if err != nil {
			return err
		}
	}
	if runErr == nil && sum != nil && sum.Sent > 0 && sum.Failed == sum.Sent {
		runErr = fmt.Errorf("all %d requests of the load failed: see the errors in %s", sum.Sent, file.Path())
	}
	return benchmarkError(ctx, cmp.Or(runErr, file.Err()), file.Path())
}
