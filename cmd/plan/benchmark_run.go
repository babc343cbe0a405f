package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/internal/progress"
)

// newBackend builds the backend the options name.
func newBackend(o *benchmarkOptions) (bench.Backend, error) {
	b, err := backend.Open(o.backend, o.host, o.apiKey, modelServerClient(o.connectTimeout, 0))
	if err != nil {
		return nil, usagef("--host: %v", err)
	}
	return b, nil
}

func runBenchmark(ctx context.Context, e *env, o *benchmarkOptions) error {
	b, models, err := o.connect(ctx, e)
	if err != nil {
		return err
	}
	o.config.Models = models
	history := readHistory(e, o.results)
	file, err := openResults(e, o.results)
	if err != nil {
		return err
	}
	defer file.Close()
	prog := e.progressLine()
	r := newRunner(ctx, e, o, b, file, prog)
	r.History = history
	sums, runErr := r.Run(ctx)
	prog.Clear()
	err = writeOutput(e, o.output, func(w io.Writer) error {
		return bench.WriteSummaries(w, o.format, sums, file.Path(), e.widthFor(o.output))
	})
	bench.WriteNotes(e.stderr, sums, file.Path())
	if err != nil {
		return err
	}
	return benchmarkError(ctx, cmp.Or(runErr, file.Err()), file.Path())
}

// newRunner is the benchmark runner of the options on backend b, recording
// every finished request in file and showing progress on prog.
func newRunner(ctx context.Context, e *env, o *benchmarkOptions, b bench.Backend, file *bench.ResultsFile, prog *progress.Line) *bench.Runner {
	return &bench.Runner{
		Backend:  b,
		Config:   o.config,
		Env:      bench.Environment{PlanVersion: planVersion(), Hardware: hardwareSummary(ctx, e)},
		Record:   file.Append,
		Progress: benchProgress(prog),
	}
}

// openResults opens the results file, saying so when it had to cut off a
// half-written last line.
func openResults(e *env, path string) (*bench.ResultsFile, error) {
	f, err := bench.OpenResults(path)
	if err == nil && f.Dropped() > 0 {
		fmt.Fprintf(e.stderr, "plan: warning: %s ended in a half-written line (%d bytes, from an interrupted write); it is cut off\n", path, f.Dropped())
	}
	return f, err
}

// benchmarkError adds to a failure where the finished results are.
func benchmarkError(ctx context.Context, err error, path string) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return errInterrupted
	}
	return fmt.Errorf("%w\nfinished runs are kept in %s", err, path)
}

// readHistory loads earlier runs from the results file; a missing or damaged
// file only means there is nothing to compare with.
func readHistory(e *env, path string) []bench.Run {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	runs, _, err := bench.ReadResults(f, path)
	if err != nil {
		fmt.Fprintf(e.stderr, "plan: warning: %v (earlier results after that line are not compared)\n", err)
	}
	return runs
}

// hardwareSummary is the one-line description of this machine recorded with
// every result, e.g. "AMD EPYC, 2 cores / 2 threads, 23.5 GiB RAM, no GPU".
func hardwareSummary(ctx context.Context, e *env) string {
	p, err := hwprofile.Detect(ctx, e.detectOptions())
	if err != nil {
		return fmt.Sprintf("%s/%s, %d logical cores (detection failed: %v)", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), err)
	}
	return p.Summary()
}

// benchProgress shows a benchmark's progress on the status line.
func benchProgress(l *progress.Line) func(bench.Progress) {
	return func(pr bench.Progress) {
		msg := pr.Model
		if pr.Concurrency > 0 {
			msg += fmt.Sprintf("  prompt %d  concurrency %d", pr.PromptTokens, pr.Concurrency)
		}
		msg += "  " + pr.Phase
		if pr.Run > 0 {
			msg += fmt.Sprintf(" %d of %d", pr.Run, pr.MaxRuns)
		}
		if pr.Tokens > 0 {
			msg += fmt.Sprintf("  %d tokens  %.1f tokens/s", pr.Tokens, pr.TokensPerSecond)
		}
		l.Show(msg, pr.Tokens == 0)
	}
}
