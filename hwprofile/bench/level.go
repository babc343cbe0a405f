package bench

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
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
// send their next request as soon as the last one finished, until the level
// has k x MinRuns valid requests (see valid) and the median decode rate is
// known within the target or k x MaxRuns requests are done, or until the
// request budget (k x MaxRuns x requestBudget) is spent (see enough). The
// clients start one after another (see ramp); requests that started before
// the last client did are recorded as phase "ramp", and those that end after
// the level is done as phase "tail", and both are left out of the
// statistics: they ran with fewer requests beside them. Every finished request is recorded at once. Then
// the first request of each client is repeated, started the same way, as a
// check that outputs are reproducible.
func (r *Runner) runLevel(ctx context.Context, model string, st *modelState, c combo, k int) (*Summary, error) {
	lv := &level{}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var rp *ramp
	if k > 1 {
		rp = newRamp(k, c.maxTokens)
	}
	eachClient(k, rp, func(w int, tl *tally) {
		r.client(lctx, cancel, lv, model, st, c, k, w, tl)
	})
	runs := lv.sorted()
	if ctx.Err() != nil {
		return r.finish(ctx, model, st, c, k, runs, nil), context.Cause(ctx)
	}
	if lv.err != nil {
		return r.finish(ctx, model, st, c, k, runs, nil), r.failure(model, lv.what, lv.err)
	}
	if m := measured(runs); len(rates(basis(m, k*r.Config.MinRuns))) == 0 {
		err := fmt.Errorf("none of the %d measured requests was valid or streamed two tokens to time", len(m))
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

// client is one of the k request loops of a level. Once the level is done
// the others finish the requests they have in flight (cancelling them could
// leave a server with a slot in an odd state) and stop.
func (r *Runner) client(ctx context.Context, cancel func(), lv *level, model string, st *modelState, c combo, k, w int, tl *tally) {
	if !tl.ramp.wait(ctx, w, tl.t0) {
		return
	}
	for i := 1; !lv.finished() && ctx.Err() == nil; i++ {
		if w == 0 {
			r.progress(Progress{Model: model, Phase: "measure", Run: i, MaxRuns: r.runsUpTo(i), Concurrency: k, PromptTokens: c.target})
		}
		run := r.measure(ctx, r.request(model, st, c, i, w, k, "measure"), tl)
		if w == 0 {
			tl.ramp.openAll()
		}
		if ctx.Err() != nil {
			return // cancelled mid-request: not finished, not recorded
		}
		switch {
		case !tl.ramp.steady(run.start):
			run.Phase = "ramp"
		case lv.finished():
			run.Phase = "tail"
		}
		r.stamp(&run, st, c)
		what := fmt.Sprintf("run %d of up to %d at concurrency %d", i, r.runsUpTo(i), k)
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
	if r.enough(measured(lv.add(run)), k) {
		lv.finish()
	}
	return nil
}

// enough tells whether a level of k clients has measured enough: k x MinRuns
// valid requests with a narrow interval or after k x MaxRuns requests, or
// the request budget spent, whatever the number of valid ones.
func (r *Runner) enough(runs []Run, k int) bool {
	c := r.Config
	n, v := len(runs), len(validRuns(runs))
	if n >= k*c.MaxRuns*requestBudget {
		return true
	}
	return v >= k*c.MinRuns && (n >= k*c.MaxRuns || converged(runs, c.TargetCI))
}

// add keeps a finished request and returns a copy of all kept so far.
func (lv *level) add(run Run) []Run {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	lv.runs = append(lv.runs, run)
	return append([]Run(nil), lv.runs...)
}

// measured returns the requests the statistics are made of: all but those
// of the ramp and the tail.
func measured(runs []Run) []Run {
	out := make([]Run, 0, len(runs))
	for _, run := range runs {
		if run.Phase != "ramp" && run.Phase != "tail" {
			out = append(out, run)
		}
	}
	return out
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

// batch sends the first request of each of k clients again, started as
// they were the first time (see ramp), since a batched server need not
// give the same text to a prompt batched otherwise, and records each as it
// finishes.
func (r *Runner) batch(ctx context.Context, model string, st *modelState, c combo, k int) ([]Run, error) {
	lv := &level{}
	var rp *ramp
	if k > 1 {
		rp = newRamp(k, c.maxTokens)
	}
	eachClient(k, rp, func(w int, tl *tally) {
		if !rp.wait(ctx, w, tl.t0) {
			return
		}
		run := r.measure(ctx, r.request(model, st, c, 1, w, k, "check"), tl)
		if w == 0 {
			rp.openAll()
		}
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

// eachClient runs fn for clients 0..k-1 at once, sharing a start time, a
// count of streamed tokens and the ramp (nil: none), and returns when all
// are done.
func eachClient(k int, rp *ramp, fn func(w int, tl *tally)) {
	var wg sync.WaitGroup
	tl := newTally(rp)
	for w := range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(w, tl)
		}()
	}
	wg.Wait()
}
