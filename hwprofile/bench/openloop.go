package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// OpenLoop is an open-loop load: each request is sent at its own offset from
// the start, whether or not earlier ones have finished, so the server sees
// the arrivals of real users instead of clients waiting for their answers.
type OpenLoop struct {
	Rate     float64         // offered requests per second, as the arrivals were drawn
	Duration time.Duration   // how long arrivals come
	Arrivals []time.Duration // send offsets from the start, ascending, within Duration
}

// Validate reports the first setting of the load that cannot work.
func (l OpenLoop) Validate() error {
	switch {
	case !(l.Rate > 0) || math.IsInf(l.Rate, 0):
		return fmt.Errorf("rate %v: must be a positive number of requests per second", l.Rate)
	case l.Duration <= 0:
		return fmt.Errorf("duration %v: must be positive", l.Duration)
	case len(l.Arrivals) == 0:
		return fmt.Errorf("no arrivals in %v at %v requests/s (lengthen --duration or raise --rate)", l.Duration, l.Rate)
	}
	for i, at := range l.Arrivals {
		if at < 0 || at > l.Duration || i > 0 && at < l.Arrivals[i-1] {
			return fmt.Errorf("arrival %d at %v: arrivals must be ascending within [0, %v]", i+1, at, l.Duration)
		}
	}
	return nil
}

// LoadRun is one request of an open-loop load, as recorded in the results
// file: a Run (phase "load", concurrency 0) with its place in the schedule.
type LoadRun struct {
	Run
	ScheduledSeconds float64 `json:"scheduled_seconds"` // arrival offset from the load's start
	SentSeconds      float64 `json:"sent_seconds"`      // when it was actually sent, from the same start
	InFlightAtSend   int     `json:"in_flight_at_send"` // requests in flight when it was sent, itself included
}

// LoadSummary describes an open-loop load. Served throughput and mean in
// flight are taken over the window from the load's start to the end of the
// last finished request.
type LoadSummary struct {
	Kind               string      `json:"kind"` // "load_summary"
	Environment        Environment `json:"environment"`
	Model              string      `json:"model"`
	PromptTokens       int         `json:"prompt_tokens"` // median counted by the server
	PromptTokensTarget int         `json:"prompt_tokens_target"`
	MaxTokens          int         `json:"max_tokens"`
	ContextTokens      int         `json:"context_tokens"`

	OfferedRate     float64 `json:"offered_rate_per_second"`
	DurationSeconds float64 `json:"duration_seconds"`
	Sent            int     `json:"sent"`
	Completed       int     `json:"completed"`  // finished by the server with all tokens asked for
	Failed          int     `json:"failed"`     // ended with an error (refused, timed out, ...)
	CutShort        int     `json:"cut_short"`  // ended without the server's final statistics, or with fewer tokens
	Unfinished      int     `json:"unfinished"` // still running when the load was interrupted; not recorded

	WindowSeconds           float64  `json:"window_seconds"`
	ServedRequestsPerSecond float64  `json:"served_requests_per_second"` // completed / window
	OutputTokensPerSecond   float64  `json:"output_tokens_per_second"`   // output tokens of completed requests / window
	E2ESecondsP50           float64  `json:"e2e_seconds_p50"`
	E2ESecondsP95           float64  `json:"e2e_seconds_p95"`
	E2ESecondsP99           float64  `json:"e2e_seconds_p99"`
	TTFTSecondsP50          float64  `json:"ttft_seconds_p50"`
	TTFTSecondsP95          float64  `json:"ttft_seconds_p95"`
	TTFTSecondsP99          float64  `json:"ttft_seconds_p99"`
	MeanInFlight            float64  `json:"mean_in_flight"`       // time-average of requests sent and not yet finished
	SendLagSecondsMax       float64  `json:"send_lag_seconds_max"` // latest send behind its schedule
	Warnings                []string `json:"warnings,omitempty"`
}

// loadState gathers the finished requests of an open-loop load.
type loadState struct {
	mu       sync.Mutex
	runs     []LoadRun
	err      error // why the load stopped early
	inFlight atomic.Int64
}

func (ls *loadState) add(run LoadRun) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.runs = append(ls.runs, run)
}

func (ls *loadState) fail(err error) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.err == nil {
		ls.err = err
	}
}

// RunOpenLoop loads, calibrates and warms up the one model of the Config
// (which must name one prompt length, output length and context window), then
// sends the load's requests at their offsets and waits for all of them. Every
// finished request is recorded at once as a LoadRun. A request that fails is
// counted and the load goes on, unless the server stopped answering or the
// record could not be written; then, as on cancellation, requests under way
// are abandoned and the summary of those finished is returned with the error.
func (r *Runner) RunOpenLoop(ctx context.Context, load OpenLoop) (*LoadSummary, error) {
	c, err := r.loadCombo(load)
	if err != nil {
		return nil, err
	}
	model := r.Config.Models[0]
	st, err := r.prepare(ctx, model)
	if err != nil {
		return nil, err
	}
	if err := r.load(ctx, model, st, c.numCtx); err != nil {
		return nil, &RunError{Model: model, What: "loading", Err: err}
	}
	if err := r.warmup(ctx, model, st, c); err != nil {
		return nil, &RunError{Model: model, What: "warm-up", Err: err}
	}
	ls := &loadState{}
	sent := r.sendAll(ctx, load, model, st, c, ls)
	s := summarizeLoad(ls.runs, load, sent)
	s.Environment, s.Model = st.env, model
	s.Environment.ContextTokens, s.Environment.Time = c.numCtx, time.Now().UTC()
	s.PromptTokensTarget, s.MaxTokens, s.ContextTokens = c.target, c.maxTokens, c.numCtx
	if ctx.Err() != nil {
		return s, context.Cause(ctx)
	}
	if ls.err != nil {
		return s, &RunError{Model: model, What: fmt.Sprintf("open-loop load at %g requests/s", load.Rate), Err: ls.err}
	}
	return s, nil
}

// loadCombo checks that the Config describes one load and returns it.
func (r *Runner) loadCombo(load OpenLoop) (combo, error) {
	if err := r.Config.Validate(); err != nil {
		return combo{}, err
	}
	if err := load.Validate(); err != nil {
		return combo{}, err
	}
	cfg := r.Config
	if len(cfg.Models) != 1 || len(cfg.PromptTokens) != 1 || len(cfg.MaxTokens) != 1 || len(cfg.ContextTokens) != 1 {
		return combo{}, errors.New("an open-loop load takes one model, one --prompt-tokens, one --output-tokens and one --context")
	}
	return r.combos()[0], nil
}

// sendAll sends every request of the load at its offset, each in its own
// goroutine, and waits until all have ended. It returns how many it sent.
func (r *Runner) sendAll(ctx context.Context, load OpenLoop, model string, st *modelState, c combo, ls *loadState) int {
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	restore := r.countProgress(len(load.Arrivals))
	defer restore()
	var wg sync.WaitGroup
	tl := newTally(nil)
	t0 := tl.t0
	sent := 0
	for i, at := range load.Arrivals {
		if !sleepUntil(lctx, t0.Add(at)) {
			break
		}
		sent++
		r.progress(Progress{Model: model, Phase: "load", Run: i + 1, MaxRuns: len(load.Arrivals), PromptTokens: c.target})
		q := r.request(model, st, c, i+1, 0, 0, "load")
		n := int(ls.inFlight.Add(1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer ls.inFlight.Add(-1)
			r.sendOne(lctx, cancel, ls, q, st, c, loadTimes{at: at, inFlight: n}, tl)
		}()
	}
	wg.Wait()
	return sent
}

// loadTimes places one request of a load: its offset in the schedule and
// the requests in flight when it was sent.
type loadTimes struct {
	at       time.Duration
	inFlight int
}

// sendOne sends one request of the load and records it once it has ended.
func (r *Runner) sendOne(ctx context.Context, cancel func(), ls *loadState, q request, st *modelState, c combo, lt loadTimes, tl *tally) {
	run := r.measure(ctx, q, tl)
	if ctx.Err() != nil {
		return // abandoned mid-request: not finished, not recorded
	}
	r.stamp(&run, st, c)
	lr := LoadRun{Run: run, ScheduledSeconds: lt.at.Seconds(), SentSeconds: run.start.Seconds(), InFlightAtSend: lt.inFlight}
	ls.add(lr)
	if err := r.record(lr); err != nil {
		ls.fail(err)
		cancel()
		return
	}
	if run.Error != "" || !run.Complete {
		if err := r.checkAlive(ctx); err != nil {
			ls.fail(err)
			cancel()
		}
	}
}

// countProgress makes the progress of the load's requests count against the
// load's size instead of MaxRuns, until the returned function is called.
func (r *Runner) countProgress(n int) (restore func()) {
	p := r.Progress
	if p == nil {
		return func() {}
	}
	r.Progress = func(pr Progress) {
		if pr.Phase == "load" {
			pr.MaxRuns = n
		}
		p(pr)
	}
	return func() { r.Progress = p }
}

// sleepUntil waits until t; it returns false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// summarizeLoad computes the statistics of a load from its finished requests.
func summarizeLoad(runs []LoadRun, load OpenLoop, sent int) *LoadSummary {
	s := &LoadSummary{Kind: "load_summary", OfferedRate: load.Rate, DurationSeconds: load.Duration.Seconds(), Sent: sent,
		Unfinished: sent - len(runs)}
	var e2e, ttft, prompt []float64
	tokens := 0
	for _, lr := range runs {
		run := lr.Run
		s.WindowSeconds = max(s.WindowSeconds, run.end.Seconds())
		s.SendLagSecondsMax = max(s.SendLagSecondsMax, lr.SentSeconds-lr.ScheduledSeconds)
		switch {
		case run.Error != "":
			s.Failed++
			continue
		case !run.Complete || run.ShortfallTokens > 0:
			s.CutShort++
			continue
		}
		s.Completed++
		tokens += run.OutputTokens
		e2e, ttft = append(e2e, run.E2ESeconds), append(ttft, run.TTFTSeconds)
		prompt = append(prompt, float64(run.PromptTokens))
	}
	s.PromptTokens = int(Median(prompt) + 0.5)
	s.E2ESecondsP50, s.E2ESecondsP95, s.E2ESecondsP99 = Percentile(e2e, 50), Percentile(e2e, 95), Percentile(e2e, 99)
	s.TTFTSecondsP50, s.TTFTSecondsP95, s.TTFTSecondsP99 = Percentile(ttft, 50), Percentile(ttft, 95), Percentile(ttft, 99)
	if s.WindowSeconds > 0 {
		s.ServedRequestsPerSecond = float64(s.Completed) / s.WindowSeconds
		s.OutputTokensPerSecond = float64(tokens) / s.WindowSeconds
		s.MeanInFlight = inFlightSeconds(runs) / s.WindowSeconds
	}
	s.Warnings = loadWarnings(s)
	return s
}

// inFlightSeconds is the summed time each request spent in flight (sent to
// end), which over the window gives the mean number in flight.
func inFlightSeconds(runs []LoadRun) float64 {
	total := 0.0
	for _, lr := range runs {
		total += (lr.end - lr.start).Seconds()
	}
	return total
}

// loadWarnings says what makes a load's figures less trustworthy.
func loadWarnings(s *LoadSummary) []string {
	var w []string
	if s.SendLagSecondsMax > 0.05 {
		w = append(w, fmt.Sprintf("a request was sent %.0f ms behind its schedule: this machine was too busy to keep the arrival times", s.SendLagSecondsMax*1000))
	}
	if s.Failed > 0 {
		w = append(w, fmt.Sprintf("%d of %d requests failed and are left out of the latencies and throughput", s.Failed, s.Sent))
	}
	if s.CutShort > 0 {
		w = append(w, fmt.Sprintf("%d of %d requests ended short of --output-tokens or without the server's final statistics (try --temperature 0.8) and are left out", s.CutShort, s.Sent))
	}
	if s.Unfinished > 0 {
		w = append(w, fmt.Sprintf("%d requests were under way when the load stopped and are not recorded", s.Unfinished))
	}
	return w
}
