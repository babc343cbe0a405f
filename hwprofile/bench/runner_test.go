package bench

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBackend streams Tokens chunks of "a" with a fixed gap, and reports
// server durations as if it decoded at Rate tokens per second.
type fakeBackend struct {
	mu       sync.Mutex
	Rate     float64
	Gap      time.Duration
	Serial   bool // one request at a time, like OLLAMA_NUM_PARALLEL=1
	FailAt   int  // the n-th measured request fails as if the server died (0: never)
	CutShort int  // every n-th request ends without final statistics (0: never)
	calls    int
	serial   sync.Mutex
}

func (f *fakeBackend) Generate(ctx context.Context, req Request, onChunk func(Chunk) error) (Usage, error) {
	if f.Serial {
		f.serial.Lock()
		defer f.serial.Unlock()
	}
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	if f.FailAt > 0 && n >= f.FailAt {
		return Usage{}, errors.New("connection refused")
	}
	prompt := len(strings.Fields(req.Prompt)) + 3
	promptTime := time.Duration(float64(prompt) / (10 * f.Rate) * float64(time.Second))
	if f.Serial {
		time.Sleep(promptTime) // a server that takes requests one by one also reads their prompts
	}
	for i := 0; i < req.MaxTokens; i++ {
		if f.Gap > 0 {
			time.Sleep(f.Gap)
		}
		if err := ctx.Err(); err != nil {
			return Usage{}, err
		}
		if err := onChunk(Chunk{Text: "a"}); err != nil {
			return Usage{}, err
		}
	}
	if f.CutShort > 0 && n%f.CutShort == 0 {
		return Usage{}, nil
	}
	return Usage{
		PromptTokens: prompt, OutputTokens: req.MaxTokens,
		PromptDuration: promptTime,
		DecodeDuration: time.Duration(float64(req.MaxTokens) / f.Rate * float64(time.Second)),
		Done:           true, DoneReason: "length",
	}, nil
}

func testConfig() Config {
	c := DefaultConfig()
	c.Models = []string{"m"}
	c.PromptTokens, c.MaxTokens = []int{64}, []int{8}
	return c
}

func TestRunnerConvergesOnStableRate(t *testing.T) {
	var recorded []any
	r := &Runner{Backend: &fakeBackend{Rate: 100}, Config: testConfig(), Record: func(v any) error { recorded = append(recorded, v); return nil }}
	sums, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(sums) != 1 {
		t.Fatalf("got %d summaries; want 1", len(sums))
	}
	s := sums[0]
	if s.Runs != 6 || !s.Converged {
		t.Errorf("runs = %d, converged = %v; want 6 runs (the fewest with a 95%% median interval), converged", s.Runs, s.Converged)
	}
	if s.DecodeTokensPerSecond < 99.9 || s.DecodeTokensPerSecond > 100.1 {
		t.Errorf("decode = %v; want 100 (the server-reported rate)", s.DecodeTokensPerSecond)
	}
	if !s.OutputTokensIdentical {
		t.Errorf("output_tokens_identical = false; want true for a deterministic backend")
	}
	if got := len(recorded); got != 6+1+1 { // 6 runs, 1 check, 1 summary
		t.Errorf("recorded %d records; want 8", got)
	}
	// Prompt length follows the calibration: words+3 tokens per prompt.
	if s.PromptTokens < 60 || s.PromptTokens > 68 {
		t.Errorf("prompt tokens = %d; want about 64", s.PromptTokens)
	}
}

func TestRunnerKeepsRunsWhenServerDies(t *testing.T) {
	var runs []Run
	cfg := testConfig()
	// 2 calibration probes + 1 warm-up + 2 measured runs, then the server is gone.
	r := &Runner{Backend: &fakeBackend{Rate: 100, FailAt: 6}, Config: cfg, Record: func(v any) error {
		if run, ok := v.(Run); ok && run.Error == "" {
			runs = append(runs, run)
		}
		return nil
	}}
	sums, err := r.Run(context.Background())
	var re *RunError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "run 3 of up to 10") {
		t.Fatalf("Run error = %v; want a RunError naming run 3", err)
	}
	if len(runs) != 2 {
		t.Errorf("kept %d finished runs; want 2", len(runs))
	}
	if len(sums) != 1 || sums[0].Runs != 3 || sums[0].FailedRequests != 1 {
		t.Errorf("summaries = %+v; want one partial summary of 3 runs with 1 failed request", sums)
	}
}

func TestRunnerCountsCutShortGenerations(t *testing.T) {
	cfg := testConfig()
	cfg.MaxRuns = 6
	r := &Runner{Backend: &fakeBackend{Rate: 100, CutShort: 4}, Config: cfg}
	sums, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	s := sums[0]
	if s.FailedRequests == 0 || len(s.Warnings) == 0 {
		t.Errorf("failed = %d, warnings = %v; want cut-short requests counted and warned about", s.FailedRequests, s.Warnings)
	}
}

func TestRunnerDetectsSerialisedServer(t *testing.T) {
	cfg := testConfig()
	cfg.Concurrency = []int{1, 2}
	cfg.MaxRuns = 3
	r := &Runner{Backend: &fakeBackend{Rate: 100, Gap: 2 * time.Millisecond, Serial: true}, Config: cfg}
	sums, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(sums) != 2 {
		t.Fatalf("got %d summaries; want 2", len(sums))
	}
	s := sums[1]
	if s.Parallelism > 1.2 || !s.Serialized || !strings.Contains(strings.Join(s.Warnings, "\n"), "one after another") {
		t.Errorf("parallelism = %.2f, warnings = %v; want a serialisation warning", s.Parallelism, s.Warnings)
	}
}

func TestStillRising(t *testing.T) {
	tests := []struct {
		aggregate, best float64
		want            bool
	}{
		{110, 100, true},
		{105, 100, true},
		{104.9, 100, false},
		{90, 100, false},
	}
	for _, tt := range tests {
		if got := stillRising(tt.aggregate, tt.best); got != tt.want {
			t.Errorf("stillRising(%v, %v) = %v; want %v", tt.aggregate, tt.best, got, tt.want)
		}
	}
}

// slowingBackend runs requests one at a time, each taking 20 ms longer for
// every other request waiting, so aggregate throughput falls from
// concurrency 1 to 2 by far more than timing noise.
type slowingBackend struct {
	fakeBackend
	mu      sync.Mutex // guards waiting
	serve   sync.Mutex // one request at a time
	waiting int
}

func (s *slowingBackend) Generate(ctx context.Context, req Request, onChunk func(Chunk) error) (Usage, error) {
	s.mu.Lock()
	s.waiting++
	s.mu.Unlock()
	s.serve.Lock()
	defer s.serve.Unlock()
	s.mu.Lock()
	extra := time.Duration(s.waiting-1) * 20 * time.Millisecond
	s.waiting--
	s.mu.Unlock()
	time.Sleep(extra)
	return s.fakeBackend.Generate(ctx, req, onChunk)
}

func TestRunnerSkipsLevelsOnceThroughputFalls(t *testing.T) {
	cfg := testConfig()
	cfg.Concurrency = []int{1, 2, 4}
	cfg.MaxRuns = 3
	b := &slowingBackend{fakeBackend: fakeBackend{Rate: 100, Gap: time.Millisecond}}
	sums, err := (&Runner{Backend: b, Config: cfg}).Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(sums) != 2 || !strings.Contains(strings.Join(sums[1].Warnings, "\n"), "levels [4] skipped") {
		t.Errorf("got %d summaries, warnings %v; want level 4 skipped", len(sums), sums[len(sums)-1].Warnings)
	}
}

func TestRunnerParallelServer(t *testing.T) {
	cfg := testConfig()
	cfg.Concurrency = []int{2}
	cfg.MaxRuns = 3
	r := &Runner{Backend: &fakeBackend{Rate: 100, Gap: 2 * time.Millisecond}, Config: cfg}
	sums, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if p := sums[0].Parallelism; p < 1.5 {
		t.Errorf("parallelism = %.2f; want about 2 for a server that runs requests together", p)
	}
}

func TestRunnerStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	r := &Runner{Backend: &fakeBackend{Rate: 100}, Config: testConfig(), Record: func(v any) error {
		if _, ok := v.(Run); ok {
			if n++; n == 2 {
				cancel()
			}
		}
		return nil
	}}
	sums, err := r.Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run error = %v; want context.Canceled", err)
	}
	if len(sums) != 1 || sums[0].Runs != 2 {
		t.Errorf("summaries = %+v; want the 2 finished runs summarised", sums)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"default ok", func(*Config) {}, ""},
		{"too few runs", func(c *Config) { c.MinRuns = 2 }, "at least 3"},
		{"max below min", func(c *Config) { c.MaxRuns = 2 }, "below"},
		{"zero concurrency", func(c *Config) { c.Concurrency = []int{0} }, "--concurrency 0"},
		{"no prompt sizes", func(c *Config) { c.PromptTokens = nil }, "--prompt-tokens needs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v; want %q", err, tt.want)
			}
		})
	}
}

func TestCompareHistory(t *testing.T) {
	env := Environment{Host: "h", Digest: "sha256:bbbbbbbbbbbbbbbb", BackendVersion: "0.6.5"}
	old := Run{Kind: "run", Phase: "measure", Model: "m", Concurrency: 1, Complete: true, PromptSHA256: "p", OutputSHA256: "x",
		Environment: Environment{Host: "h", Digest: "sha256:aaaaaaaaaaaaaaaa", BackendVersion: "0.6.5", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	now := Run{Kind: "run", Phase: "measure", Model: "m", Concurrency: 1, Complete: true, PromptSHA256: "p", Environment: Environment{Host: "h"}}
	tests := []struct {
		name   string
		output string
		env    Environment
		want   string
	}{
		{"same", "x", env, "outputs identical"},
		{"digest changed", "y", env, "the model changed (digest sha256:aaaaa → sha256:bbbbb)"},
		{"same digest", "y", old.Environment, "with the same digest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur := now
			cur.OutputSHA256 = tt.output
			if got := compareHistory([]Run{old}, []Run{cur}, tt.env); !strings.Contains(got, tt.want) {
				t.Errorf("compareHistory = %q; want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestPromptWordsAreEvenLength(t *testing.T) {
	for _, w := range words {
		if len(w) != 5 {
			t.Errorf("prompt word %q has %d letters; want 5 so prompt lengths are predictable", w, len(w))
		}
	}
}

// promptRecorder is a fakeBackend that remembers every prompt it was sent.
type promptRecorder struct {
	fakeBackend
	prompts []string
}

func (p *promptRecorder) Generate(ctx context.Context, req Request, onChunk func(Chunk) error) (Usage, error) {
	p.mu.Lock()
	p.prompts = append(p.prompts, req.Prompt)
	p.mu.Unlock()
	return p.fakeBackend.Generate(ctx, req, onChunk)
}

func TestPromptsDifferAcrossLevels(t *testing.T) {
	cfg := testConfig()
	cfg.Concurrency = []int{1, 2}
	cfg.MaxRuns = 3
	b := &promptRecorder{fakeBackend: fakeBackend{Rate: 100}}
	var measured []Run
	r := &Runner{Backend: b, Config: cfg, Record: func(v any) error {
		if run, ok := v.(Run); ok && run.Phase == "measure" {
			measured = append(measured, run)
		}
		return nil
	}}
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, run := range measured {
		if seen[run.PromptSHA256] {
			t.Fatalf("prompt of run %d request %d at concurrency %d was sent before", run.Run, run.Request, run.Concurrency)
		}
		seen[run.PromptSHA256] = true
	}
}

func TestRunnerTimesCutShortRequestsOnTheClient(t *testing.T) {
	cfg := testConfig()
	cfg.MaxRuns = 3
	r := &Runner{Backend: &fakeBackend{Rate: 100, CutShort: 1, Gap: time.Millisecond}, Config: cfg}
	sums, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	s := sums[0]
	if s.RateSource != "client" || s.DecodeBasis != BasisStream || s.DecodeTokensPerSecond <= 0 || s.FailedRequests != s.Requests ||
		!strings.Contains(strings.Join(s.Warnings, "\n"), "decode_basis client-stream") {
		t.Errorf("summary = %+v; want client-timed rates and a warning", s)
	}
	if s.Requests != 3*cfg.MaxRuns {
		t.Errorf("requests = %d; want the budget of 3 x --max-runs %d spent looking for valid ones", s.Requests, cfg.MaxRuns)
	}
}

func TestRunnerKeepsSendingUntilMinRunsAreValid(t *testing.T) {
	cfg := testConfig()
	cfg.MaxRuns = 3
	// Calls 1-2 are the probes, 3 the warm-up; every even one is cut short.
	r := &Runner{Backend: &fakeBackend{Rate: 100, CutShort: 2}, Config: cfg}
	sums, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	s := sums[0]
	if s.Requests != 6 || s.ValidRequests != 3 || s.DecodeBasis != BasisComplete || math.Abs(s.DecodeTokensPerSecond-100) > 0.1 {
		t.Errorf("requests %d, valid %d, basis %q, decode %.1f; want 6 requests sent to find 3 valid, their server rate 100",
			s.Requests, s.ValidRequests, s.DecodeBasis, s.DecodeTokensPerSecond)
	}
}

func TestValid(t *testing.T) {
	full := Run{Complete: true, MaxTokens: 128, OutputTokens: 128, DecodeTokensPerSecond: 100}
	tests := []struct {
		name string
		edit func(*Run)
		want bool
	}{
		{"all tokens", func(*Run) {}, true},
		{"half the tokens", func(r *Run) { r.OutputTokens = 64 }, true},
		{"stopped early", func(r *Run) { r.OutputTokens = 63 }, false},
		{"cut short", func(r *Run) { r.Complete = false }, false},
		{"failed", func(r *Run) { r.Error = "connection reset" }, false},
		{"no rate", func(r *Run) { r.DecodeTokensPerSecond = 0 }, false},
	}
	for _, tt := range tests {
		run := full
		tt.edit(&run)
		if got := valid(run); got != tt.want {
			t.Errorf("%s: valid(%+v) = %v; want %v", tt.name, run, got, tt.want)
		}
	}
}

func TestRampSpreadsClientsOverTheOutput(t *testing.T) {
	got := newRamp(4, 160).need
	// Client w starts when client 0 is w/4 through its 160 tokens: 0, 40,
	// 80, 120 tokens, with the clients between streaming beside it.
	want := []int64{0, 40, 40 + 80, 40 + 80 + 120}
	for w := range want {
		if got[w] != want[w] {
			t.Errorf("need = %v; want %v", got, want)
			break
		}
	}
}

func TestRunnerStaggersClients(t *testing.T) {
	cfg := testConfig()
	cfg.Concurrency, cfg.MaxTokens, cfg.MaxRuns = []int{4}, []int{40}, 3
	var mu sync.Mutex
	var runs []Run
	gap := 2 * time.Millisecond
	r := &Runner{Backend: &fakeBackend{Rate: 100, Gap: gap}, Config: cfg, Record: func(v any) error {
		if run, ok := v.(Run); ok && run.Phase != "check" {
			mu.Lock()
			runs = append(runs, run)
			mu.Unlock()
		}
		return nil
	}}
	sums, err := r.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	first := map[int]Run{}
	for _, run := range runs {
		if run.Run == 1 {
			first[run.Request] = run
		}
	}
	rp := newRamp(4, 40)
	if first[0].Phase != "ramp" {
		t.Errorf("client 1's first request: phase %q; want ramp", first[0].Phase)
	}
	for w := 1; w < 4; w++ {
		lag := first[w].start - first[0].start
		if least := time.Duration(rp.need[w]/int64(w)) * gap; lag < least {
			t.Errorf("client %d started %v after client 0; want at least %v (%d tokens streamed first)", w+1, lag, least, rp.need[w])
		}
		if want := map[bool]string{true: "measure", false: "ramp"}[w == 3]; first[w].Phase != want {
			t.Errorf("client %d's first request: phase %q; want %q", w+1, first[w].Phase, want)
		}
	}
	phases := map[string]int{}
	for _, run := range runs {
		phases[run.Phase]++
	}
	s := sums[0]
	if phases["ramp"] != 3 || phases["tail"] > 3 || s.RampRequests != phases["ramp"]+phases["tail"] ||
		s.Requests < 12 || s.Requests > 15 || phases["measure"] != s.Requests {
		t.Errorf("phases %v, left out %d, measured %d; want the 3 requests started before the last client and at most 3 ending after the level was done left out, 12 to 15 measured",
			phases, s.RampRequests, s.Requests)
	}
}

func TestDecodeStepLeavesOutPauses(t *testing.T) {
	t0 := time.Now()
	var times []time.Time
	at := time.Duration(0)
	for i := range 40 {
		if i == 20 {
			at += 60 * time.Millisecond // the server reads another prompt
		}
		at += 2 * time.Millisecond
		times = append(times, t0.Add(at))
	}
	var run Run
	fillRates(&run, Usage{Done: true, PromptTokens: 10, OutputTokens: 40, DecodeDuration: at}, times, 40)
	if got := run.DecodeStepTokensPerSecond; math.Abs(got-500) > 1 {
		t.Errorf("step speed = %.1f tokens/s; want 500 (one token every 2 ms)", got)
	}
	if run.DecodeTokensPerSecond > 300 {
		t.Errorf("decode speed = %.1f tokens/s; want the pause in it (40 tokens in 140 ms)", run.DecodeTokensPerSecond)
	}

	// Chunks that arrive in pairs (a buffering proxy) leave half the gaps
	// near zero; the speed is still one token every 2 ms.
	times = times[:0]
	at = 0
	for i := range 40 {
		if i%2 == 0 {
			at += 4 * time.Millisecond
		}
		times = append(times, t0.Add(at+time.Duration(i%2)*time.Microsecond))
	}
	if got := stepRate(40, times); math.Abs(got-500) > 15 {
		t.Errorf("step speed with paired chunks = %.1f tokens/s; want about 500", got)
	}
}
