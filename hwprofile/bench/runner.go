package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Config is what to measure and how carefully.
type Config struct {
	Models        []string
	PromptTokens  []int // prompt lengths to sweep (context depth)
	MaxTokens     []int // output lengths to sweep
	ContextTokens []int // context windows to sweep; 0 sizes the window to fit prompt and output
	Concurrency   []int // numbers of requests sent at once
	Warmup        int   // discarded runs before measuring
	MinRuns       int   // measured runs at least
	MaxRuns       int   // measured runs at most
	TargetCI      float64
	Temperature   float64
	Seed          int
	Cold          bool          // unload each model first so its load time is measured from disk
	Timeout       time.Duration // per request; 0 means none
}

// DefaultConfig is a single-stream benchmark: 128 prompt tokens, 128 output
// tokens, one warm-up, 3 to 10 runs until the median is known within ±3%.
func DefaultConfig() Config {
	return Config{
		PromptTokens:  []int{128},
		MaxTokens:     []int{128},
		ContextTokens: []int{0},
		Concurrency:   []int{1},
		Warmup:        1,
		MinRuns:       3,
		MaxRuns:       10,
		TargetCI:      0.03,
		Seed:          1,
		Timeout:       5 * time.Minute,
	}
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch {
	case c.MinRuns < 3:
		return errors.New("at least 3 measured runs are needed (--min-runs >= 3)")
	case c.MaxRuns < c.MinRuns:
		return fmt.Errorf("--max-runs %d is below --min-runs %d", c.MaxRuns, c.MinRuns)
	case c.Warmup < 0:
		return errors.New("--warmup cannot be negative")
	case c.TargetCI <= 0:
		return errors.New("--target-ci must be above 0")
	}
	for _, ctx := range c.ContextTokens {
		for _, p := range c.PromptTokens {
			for _, m := range c.MaxTokens {
				if ctx > 0 && ctx < p+m {
					return fmt.Errorf("--context %d cannot hold --prompt-tokens %d plus --output-tokens %d", ctx, p, m)
				}
			}
		}
	}
	for _, list := range []struct {
		name string
		xs   []int
		min  int
	}{{"--prompt-tokens", c.PromptTokens, 1}, {"--output-tokens", c.MaxTokens, 1}, {"--context", c.ContextTokens, 0}, {"--concurrency", c.Concurrency, 1}} {
		if len(list.xs) == 0 {
			return fmt.Errorf("%s needs at least one value", list.name)
		}
		for _, x := range list.xs {
			if x < list.min {
				return fmt.Errorf("%s %d: must be at least %d", list.name, x, list.min)
			}
		}
	}
	return nil
}

// Progress is what the runner is doing, for a live display.
type Progress struct {
	Model           string
	Phase           string // "load", "calibrate", "warmup", "measure", "check"
	Run, MaxRuns    int
	Concurrency     int
	PromptTokens    int
	Tokens          int64 // output tokens streamed so far in this run
	TokensPerSecond float64
}

// Runner measures models on one backend.
type Runner struct {
	Backend  Backend
	Config   Config
	Env      Environment       // PlanVersion and Hardware; the rest is filled per model
	Record   func(v any) error // called with each Run and Summary as it finishes, one at a time
	Progress func(Progress)
	History  []Run // earlier runs, to tell the user when outputs changed

	recordMu sync.Mutex // Record is called from one goroutine at a time
}

// RunError is a failure during a benchmark; finished runs have been recorded.
type RunError struct {
	Model string
	What  string // e.g. "run 3 of 10 at concurrency 2"
	Err   error
}

func (e *RunError) Error() string { return fmt.Sprintf("%s, %s: %v", e.Model, e.What, e.Err) }
func (e *RunError) Unwrap() error { return e.Err }

// Run benchmarks every model and returns one summary per combination measured.
// On error or cancellation it returns the summaries finished so far (including
// a partial one for the combination under way) with the error.
func (r *Runner) Run(ctx context.Context) ([]Summary, error) {
	if err := r.Config.Validate(); err != nil {
		return nil, err
	}
	var all []Summary
	for _, model := range r.Config.Models {
		sums, err := r.runModel(ctx, model)
		all = append(all, sums...)
		if err != nil {
			return all, err
		}
	}
	return all, nil
}

// combo is one point of the sweep.
type combo struct {
	target, maxTokens, ctxTokens, numCtx int
}

// modelState is what is known about the model being measured.
type modelState struct {
	env   Environment
	scale promptScale
	// alreadyLoaded is true when the model was in memory before the load, so
	// the load time measures no load.
	alreadyLoaded bool
	words         map[int]int // prompt words per target, corrected by the warm-up run
	loadedCtx     int
	loadSecs      float64
}

func (r *Runner) runModel(ctx context.Context, model string) ([]Summary, error) {
	st, err := r.prepare(ctx, model)
	if err != nil {
		return nil, err
	}
	var sums []Summary
	for _, c := range r.combos() {
		got, err := r.runCombo(ctx, model, st, c)
		sums = append(sums, got...)
		if err != nil {
			return sums, err
		}
	}
	return sums, nil
}

func (r *Runner) combos() []combo {
	_, setsContext := r.Backend.(Loader)
	var out []combo
	for _, ctxTok := range r.Config.ContextTokens {
		for _, p := range r.Config.PromptTokens {
			for _, m := range r.Config.MaxTokens {
				c := combo{target: p, maxTokens: m, ctxTokens: ctxTok}
				if setsContext {
					c.numCtx = contextFor(ctxTok, p, m) // else the server's own setting applies: 0
				}
				out = append(out, c)
			}
		}
	}
	return out
}

// stillRising tells whether a level's aggregate throughput gained at least
// 5% over the best level before it, which is worth trying a higher level for.
func stillRising(aggregate, best float64) bool {
	return aggregate >= best*1.05
}

// metaTimeout bounds requests for information (model lists, versions, memory),
// so a server that accepts connections but never answers cannot hang plan.
const metaTimeout = 30 * time.Second

func metaContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, metaTimeout)
}

// isLoaded tells whether the server already holds the model in memory.
func (r *Runner) isLoaded(ctx context.Context, model string) bool {
	m, ok := r.Backend.(MemoryReporter)
	if !ok {
		return false
	}
	ctx, cancel := metaContext(ctx)
	defer cancel()
	_, loaded, err := m.LoadedMemory(ctx, model)
	return err == nil && loaded
}

// contextFor is the context window to load: the one asked for, or the
// smallest multiple of 1024 (at least 2048) that holds prompt and output.
func contextFor(asked, prompt, output int) int {
	if asked > 0 {
		return asked
	}
	need := prompt + output + 64
	return max(2048, (need+1023)/1024*1024)
}

// prepare describes the model and records the environment.
func (r *Runner) prepare(ctx context.Context, model string) (*modelState, error) {
	ctx, cancel := metaContext(ctx)
	defer cancel()
	env := r.Env
	env.Model = model
	if id, ok := r.Backend.(Identity); ok {
		env.Backend, env.Host, env.BackendVersion = id.Kind(), id.Host(), id.ServerVersion(ctx)
	}
	if d, ok := r.Backend.(Describer); ok {
		info, err := d.DescribeModel(ctx, model)
		if err != nil {
			return nil, err
		}
		env.Digest, env.ParameterCount, env.ParameterSize = info.Digest, info.ParameterCount, info.ParameterSize
		env.Quantization, env.Family = info.Quantization, info.Family
	}
	return &modelState{env: env, scale: defaultScale, words: map[int]int{}}, nil
}

func (r *Runner) runCombo(ctx context.Context, model string, st *modelState, c combo) ([]Summary, error) {
	if err := r.load(ctx, model, st, c.numCtx); err != nil {
		return nil, &RunError{Model: model, What: "loading", Err: err}
	}
	if err := r.warmup(ctx, model, st, c); err != nil {
		return nil, &RunError{Model: model, What: "warm-up", Err: err}
	}
	var sums []Summary
	best := 0.0
	levels := r.Config.Concurrency
	for i, k := range levels {
		s, err := r.runLevel(ctx, model, st, c, k)
		if s != nil {
			sums = append(sums, *s)
		}
		if err != nil {
			return sums, err
		}
		if i > 0 && i < len(levels)-1 && !stillRising(s.AggregateTokensPerSecond, best) {
			sums[len(sums)-1].Warnings = append(s.Warnings, fmt.Sprintf("aggregate throughput stopped rising at concurrency %d (%.1f vs %.1f tokens/s): levels %v skipped", k, s.AggregateTokensPerSecond, best, levels[i+1:]))
			break
		}
		best = max(best, s.AggregateTokensPerSecond)
	}
	return sums, nil
}

// load loads the model with the context window, once per window; with Cold it
// first unloads it so the load time is measured from scratch.
func (r *Runner) load(ctx context.Context, model string, st *modelState, numCtx int) error {
	if st.loadedCtx == numCtx {
		return nil
	}
	l, ok := r.Backend.(Loader)
	if !ok {
		st.loadedCtx = numCtx
		return nil
	}
	r.progress(Progress{Model: model, Phase: "load"})
	ctx, cancel := r.requestContext(ctx)
	defer cancel()
	if r.Config.Cold {
		if err := l.Unload(ctx, model); err != nil {
			return err
		}
	}
	st.alreadyLoaded = r.isLoaded(ctx, model)
	d, err := l.Load(ctx, model, numCtx)
	if err != nil {
		return err
	}
	st.loadedCtx, st.loadSecs = numCtx, d.Seconds()
	return nil
}

// warmup calibrates prompt length (two short probes) and sends the warm-up
// runs, whose results are discarded.
func (r *Runner) warmup(ctx context.Context, model string, st *modelState, c combo) error {
	if err := r.calibrate(ctx, model, st, c); err != nil {
		return err
	}
	for i := 0; i < r.Config.Warmup; i++ {
		r.progress(Progress{Model: model, Phase: "warmup", Run: i + 1, MaxRuns: r.Config.Warmup, Concurrency: 1, PromptTokens: c.target})
		q := r.request(model, st, c, -1-i, 0, 1, "warmup")
		run := r.measure(ctx, q, newTally(nil))
		if run.Error != "" {
			return errors.New(run.Error)
		}
		st.correct(c.target, run.PromptTokens)
	}
	return ctx.Err()
}

// wordsFor is the prompt length in words for a target in tokens.
func (st *modelState) wordsFor(target int) int {
	if w, ok := st.words[target]; ok {
		return w
	}
	return st.scale.words(target)
}

// correct rescales the word count of a target from a prompt of that length
// that the server counted as got tokens, keeping the fitted fixed part.
func (st *modelState) correct(target, got int) {
	w := st.wordsFor(target)
	variable := float64(got) - st.scale.fixed
	if got <= 0 || variable <= 0 || float64(target) <= st.scale.fixed {
		return
	}
	st.words[target] = max(1, int(float64(w)*(float64(target)-st.scale.fixed)/variable+0.5))
}

// calibrate fits how many prompt tokens a word makes for this model's
// tokenizer and template, from two one-token generations.
func (r *Runner) calibrate(ctx context.Context, model string, st *modelState, c combo) error {
	if st.scale != defaultScale {
		return nil
	}
	r.progress(Progress{Model: model, Phase: "calibrate"})
	// Long probes average over word lengths; the longer stays within an
	// eighth of the context so the server cannot truncate it.
	w2 := min(256, max(16, c.numCtx/8))
	w1 := max(4, w2/8)
	t1, err := r.probe(ctx, model, c.numCtx, w1, -100)
	if err != nil {
		return err
	}
	t2, err := r.probe(ctx, model, c.numCtx, w2, -101)
	if err != nil {
		return err
	}
	if s, ok := fitScale(w1, t1, w2, t2); ok {
		st.scale = s
	}
	return nil
}

func (r *Runner) probe(ctx context.Context, model string, numCtx, nWords, id int) (int, error) {
	req := Request{Model: model, Prompt: promptMaker{seed: r.Config.Seed}.make(id, 0, nWords), MaxTokens: 1,
		ContextTokens: numCtx, Temperature: r.Config.Temperature, Seed: r.Config.Seed}
	rctx, cancel := r.requestContext(ctx)
	defer cancel()
	u, err := r.Backend.Generate(rctx, req, func(Chunk) error { return nil })
	if err != nil {
		return 0, r.requestError(ctx, rctx, err)
	}
	return u.PromptTokens, nil
}

// promptKey gives each sweep point and concurrency level prompts of its own,
// so no level re-sends another's prompts; warm-up prompts share key 0.
func promptKey(c combo, k int, phase string) uint64 {
	if phase == "warmup" {
		return 0
	}
	return uint64(k)<<48 ^ uint64(c.target)<<32 ^ uint64(c.maxTokens)<<16 ^ uint64(c.numCtx)
}

// request builds request index of run number run.
func (r *Runner) request(model string, st *modelState, c combo, run, index, k int, phase string) request {
	return request{
		Request: Request{
			Model:         model,
			Prompt:        promptMaker{seed: r.Config.Seed, key: promptKey(c, k, phase)}.make(run, index, st.wordsFor(c.target)),
			MaxTokens:     c.maxTokens,
			ContextTokens: c.numCtx,
			Temperature:   r.Config.Temperature,
			Seed:          r.Config.Seed,
		},
		run: run, index: index, concurrency: k, target: c.target, phase: phase,
	}
}

// checkAlive tells a generation the server cut short from a server that died.
func (r *Runner) checkAlive(ctx context.Context) error {
	d, ok := r.Backend.(Describer)
	if !ok {
		return nil
	}
	ctx, cancel := metaContext(ctx)
	defer cancel()
	if _, err := d.ListModels(ctx); err != nil {
		return fmt.Errorf("the server stopped answering: %w", err)
	}
	return nil
}

func (r *Runner) record(v any) error {
	if r.Record == nil {
		return nil
	}
	r.recordMu.Lock()
	defer r.recordMu.Unlock()
	return r.Record(v)
}

func (r *Runner) progress(p Progress) {
	if r.Progress != nil {
		r.Progress(p)
	}
}

func (r *Runner) progressTokens(q request, n int64, t0 time.Time) {
	if r.Progress == nil || q.phase == "warmup" {
		return
	}
	el := time.Since(t0).Seconds()
	r.Progress(Progress{Model: q.Model, Phase: q.phase, Run: q.run, MaxRuns: r.runsUpTo(q.run), Concurrency: q.concurrency,
		PromptTokens: q.target, Tokens: n, TokensPerSecond: float64(n) / max(el, 1e-9)})
}

// converged tells whether the 95% interval of the median decode rate of the
// valid requests is within target.
func converged(runs []Run, target float64) bool {
	xs := rates(validRuns(runs), BasisComplete)
	lo, hi, ok := MedianCI(xs, 0.95)
	return ok && RelativeHalfWidth(Median(xs), lo, hi) <= target
}

// runsUpTo is the most runs a level may take, as far as run i knows: MaxRuns,
// or the request budget once more were needed to find MinRuns valid ones.
func (r *Runner) runsUpTo(i int) int {
	if i <= r.Config.MaxRuns {
		return r.Config.MaxRuns
	}
	return r.Config.MaxRuns * requestBudget
}
