package main

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/hwprofile/bench"
)

// defaultResultsPath is <data dir>/plan/benchmarks.jsonl, the data directory
// being $XDG_DATA_HOME or the platform's usual place.
func defaultResultsPath(e *env) string {
	return filepath.Join(dataDir(e), "plan", "benchmarks.jsonl")
}

func dataDir(e *env) string {
	if d := e.getenv("XDG_DATA_HOME"); d != "" {
		return d
	}
	home := e.getenv("HOME")
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Application Support")
	case "windows":
		if d := e.getenv("LOCALAPPDATA"); d != "" {
			return d
		}
	}
	return filepath.Join(home, ".local", "share")
}

// modelServerClient is the HTTP client of every command that talks to a
// model server: straight to the server named, never through a proxy from
// HTTP_PROXY or HTTPS_PROXY (the server is the user's own, usually on this
// machine or its network), connecting within connect and, when timeout is
// above 0, giving up on a whole exchange after timeout.
func modelServerClient(connect, timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: connect}).DialContext,
		ResponseHeaderTimeout: 0,
		MaxIdleConnsPerHost:   64,
	}}
}

// newBackend builds the backend the options name.
func newBackend(o *benchmarkOptions) (bench.Backend, error) {
	hc := modelServerClient(o.connectTimeout, 0)
	if o.backend == "openai" {
		u, err := backend.ParseHost(o.host, "8080")
		if err != nil {
			return nil, usagef("--host: %v", err)
		}
		return backend.NewOpenAI(u, hc, o.apiKey), nil
	}
	host := o.host
	if host == "" {
		host = backend.DefaultOllamaHost
	}
	u, err := backend.ParseHost(host, "11434")
	if err != nil {
		return nil, usagef("--host: %v", err)
	}
	return backend.NewOllama(u, hc), nil
}

func runBenchmark(ctx context.Context, e *env, o *benchmarkOptions) error {
	b, err := newBackend(o)
	if err != nil {
		return err
	}
	models, err := resolveModels(ctx, e, b, o)
	if err != nil {
		return err
	}
	o.config.Models = models
	history := readHistory(e, o.output)
	file, err := openResults(e, o.output)
	if err != nil {
		return err
	}
	defer file.Close()
	prog := newProgressLine(e)
	r := newRunner(ctx, e, o, b, file, prog)
	r.History = history
	sums, runErr := r.Run(ctx)
	prog.clear()
	if err := writeBenchmark(e, o, sums, file.Path()); err != nil {
		return err
	}
	return benchmarkError(ctx, cmp.Or(runErr, file.Err()), file.Path())
}

// newRunner is the benchmark runner of the options on backend b, recording
// every finished request in file and showing progress on prog.
func newRunner(ctx context.Context, e *env, o *benchmarkOptions, b bench.Backend, file *bench.ResultsFile, prog *progressLine) *bench.Runner {
	return &bench.Runner{
		Backend:  b,
		Config:   o.config,
		Env:      bench.Environment{PlanVersion: planVersion(), Hardware: hardwareSummary(ctx, e)},
		Record:   file.Append,
		Progress: prog.update,
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
	p, err := hwprofile.Detect(ctx, hwprofile.Options{Getenv: e.getenv, PlanVersion: planVersion()})
	if err != nil {
		return fmt.Sprintf("%s/%s, %d logical cores (detection failed: %v)", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), err)
	}
	return p.Summary()
}

// progressLine draws one status line on a terminal's stderr, at most ten times a second.
type progressLine struct {
	mu    sync.Mutex
	e     *env
	last  time.Time
	drawn bool
}

func newProgressLine(e *env) *progressLine { return &progressLine{e: e} }

func (p *progressLine) update(pr bench.Progress) {
	if p == nil || !p.e.stderrTTY {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if pr.Tokens > 0 && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
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
	fmt.Fprintf(p.e.stderr, "\r\033[K%s", msg)
	p.drawn = true
}

func (p *progressLine) clear() {
	if p.drawn {
		fmt.Fprint(p.e.stderr, "\r\033[K")
	}
}
