package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// tally counts the output tokens streamed by the requests of one level or
// load since its start t0, and lets a ramp start clients as they stream.
type tally struct {
	t0     time.Time
	tokens atomic.Int64
	ramp   *ramp // nil when clients start together
}

func newTally(ramp *ramp) *tally { return &tally{t0: time.Now(), ramp: ramp} }

// add counts one streamed token and returns the level's total.
func (t *tally) add() int64 {
	n := t.tokens.Add(1)
	t.ramp.reach(n)
	return n
}

// ramp starts the k clients of a level one after another rather than all
// at once, so that the requests in flight sit at evenly spread points of
// their outputs, as requests of independent users do. Requests started
// together stay in lock-step (same length, same speed) and keep a server's
// caches in a state real traffic never leaves them in; on llama.cpp-based
// servers lock-step requests decode up to a fifth faster than staggered ones.
//
// Client w (from 0) starts once the level has streamed need[w] tokens: with
// output tokens per request, that is when client 0 is w/k of the way through
// its first output, the clients before w having started at the same spacing
// and every running request streaming at the same speed.
type ramp struct {
	mu   sync.Mutex
	need []int64
	gate []chan struct{}
	left int           // clients not yet started
	end  time.Duration // when the last client started, from t0; 0 until then
}

func newRamp(k, output int) *ramp {
	r := &ramp{need: make([]int64, k), gate: make([]chan struct{}, k), left: k}
	for w := range k {
		r.need[w] = int64(output) * int64(w*(w+1)/2) / int64(k)
		r.gate[w] = make(chan struct{})
	}
	r.reach(0)
	return r
}

// reach opens the gates of the clients whose turn n streamed tokens is.
func (r *ramp) reach(n int64) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for w, g := range r.gate {
		if g != nil && r.need[w] <= n {
			close(g)
			r.gate[w] = nil
		}
	}
}

// openAll starts every client still waiting: client 0's first request
// ended before the others' turns came (a short output, or an error).
func (r *ramp) openAll() { r.reach(1<<62 - 1) }

// wait holds client w until its turn, then notes its start; it returns
// false if ctx ended first. Without a ramp every client starts at once.
func (r *ramp) wait(ctx context.Context, w int, t0 time.Time) bool {
	if r == nil {
		return true
	}
	r.mu.Lock()
	g := r.gate[w]
	r.mu.Unlock()
	if g != nil {
		select {
		case <-g:
		case <-ctx.Done():
			return false
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.left--; r.left == 0 {
		r.end = max(time.Since(t0), 1)
	}
	return true
}

// steady tells whether a request that started at start ran with every
// client in flight from its start: it started once the last client had.
func (r *ramp) steady(start time.Duration) bool {
	if r == nil {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.end > 0 && start >= r.end
}
