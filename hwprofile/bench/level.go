package bench

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// level is the shared state of one concurrency level's closed loop.
type level struct {
	mu   sync.Mutex
	runs []Run
	err  error
	what string // which request failed
	done bool
}

// runLevel measures one concurrency level as a closed loop: k clients each
// send their next request as soon as the last one finished, until the median
// decode rate is known within the target (after MinRuns requests per client)
// or MaxRuns requests per client are done. Every finished request is recorded
// at once. Then the first request of each client is repeated, all together,
// as a check that outputs are reproducible.
func (r *Runner) runLevel(ctx context.Context, model string, st *modelState, c combo, k int) (*Summary, error) {
	lv := &level{}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	eachClient(k, func(w int, t0 time.Time, live *atomic.Int64) {
		r.client(lctx, cancel, lv, model, st, c, k, w, t0, live)
	})
	runs := lv.sorted()
	if ctx.Err() != nil {
		return r.finish(ctx, model, st, c, k, runs, nil), context.Cause(ctx)
	}
	if lv.err != nil {
		return r.finish(ctx, model, st, c, k, runs, nil), r.failure(model, lv.what, lv.err)
	}
	if len(decodeRates(runs)) == 0 {
		err := fmt.Errorf("none of the %d requests streamed any output to time", len(runs))
		return r.finish(ctx, model, st, c, k, runs, nil), &RunError{Model: model, What: fmt.Sprintf("concurrency %d", k), Err: err}
	}
	r.progress(Progress{Model: model, Phase: "check", Concurrency: k, PromptTokens: c.target})
	checks, err := r.batch(ctx, model, st, c, k)
	s := r.finish(ctx, model, st, c, k, runs, checks)
	if err != nil {
		return s, r.failure(model, fmt.Sprintf("reproducibility check at concurrency %d", k), err)
	}
	return s, nil
}

// client is one of the k request loops of a level.
func (r *Runner) client(ctx context.Context, cancel func(), lv *level, model string, st *modelState, c combo, k, w int, t0 time.Time, live *atomic.Int64) {
	for i := 1; !lv.finished() && ctx.Err() == nil; i++ {
		if w == 0 {
			r.progress(Progress{Model: model, Phase: "measure", Run: i, MaxRuns: r.Config.MaxRuns, Concurrency: k, PromptTokens: c.target})
		}
		run := r.measure(ctx, r.request(model, st, c, i, w, k, "measure"), t0, live)
		if ctx.Err() != nil {
			return // cancelled mid-request: not finished, not recorded
		}
		r.stamp(&run, st, c)
		what := fmt.Sprintf("run %d of up to %d at concurrency %d", i, r.Config.MaxRuns, k)
		if k > 1 {
			what = fmt.Sprintf("request %d of client %d of %d", i, w+1, k)
		}
		if err := r.settle(ctx, lv, run, k); err != nil {
			lv.fail(err, what)
			cancel()
			return
		}
	}
}

// settle records a finished request and decides whether the level is done.
func (r *Runner) settle(ctx context.Context, lv *level, run Run, k int) error {
	if err := r.record(run); err != nil {
		return err
	}
	if run.Error != "" {
		lv.add(run)
		return errors.New(run.Error)
	}
	if !run.Complete {
		if err := r.checkAlive(ctx); err != nil {
			lv.add(run)
			return err
		}
	}
	n, runs := lv.add(run)
	if n >= k*r.Config.MaxRuns || n >= k*r.Config.MinRuns && converged(runs, r.Config.TargetCI) {
		lv.finish()
	}
	return nil
}

func (lv *level) add(run Run) (int, []Run) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	lv.runs = append(lv.runs, run)
	return len(lv.runs), append([]Run(nil), lv.runs...)
}

func (lv *level) fail(err error, what string) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if lv.err == nil {
		lv.err, lv.what = err, what
	}
	lv.done = true
}

func (lv *level) finish() {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	lv.done = true
}

func (lv *level) finished() bool {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	return lv.done
}

// sorted returns the runs in the order they started.
func (lv *level) sorted() []Run {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	runs := append([]Run(nil), lv.runs...)
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].start < runs[j].start })
	return runs
}

// stamp adds the environment to a finished request.
func (r *Runner) stamp(run *Run, st *modelState, c combo) {
	run.Environment = st.env
	run.Environment.ContextTokens = c.numCtx
	run.Environment.Concurrency = run.Concurrency
	run.Environment.Time = time.Now().UTC()
}

func (r *Runner) failure(model, what string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &RunError{Model: model, What: what, Err: err}
}

// batch sends the first request of each of k clients again, all at once,
// and records each as it finishes.
func (r *Runner) batch(ctx context.Context, model string, st *modelState, c combo, k int) ([]Run, error) {
	lv := &level{}
	eachClient(k, func(w int, t0 time.Time, live *atomic.Int64) {
		run := r.measure(ctx, r.request(model, st, c, 1, w, k, "check"), t0, live)
		if ctx.Err() != nil {
			return
		}
		r.stamp(&run, st, c)
		if err := r.settle(ctx, lv, run, k); err != nil {
			lv.fail(err, "check")
		}
	})
	if ctx.Err() != nil {
		return lv.sorted(), context.Cause(ctx)
	}
	return lv.sorted(), lv.err
}

// eachClient runs fn for clients 0..k-1 at once, sharing a start time and a
// count of streamed tokens, and returns when all are done.
func eachClient(k int, fn func(w int, t0 time.Time, live *atomic.Int64)) {
	var wg sync.WaitGroup
	var live atomic.Int64
	t0 := time.Now()
	for w := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w, t0, &live)
		}()
	}
	wg.Wait()
}
