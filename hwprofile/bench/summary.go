package bench

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// finish summarises a level's runs, records the summary and returns it (nil
// when no run finished).
func (r *Runner) finish(ctx context.Context, model string, st *modelState, c combo, k int, runs, checks []Run) *Summary {
	if len(runs) == 0 {
		return nil
	}
	s := summarize(runs, checks)
	s.Environment = st.env
	s.Environment.ContextTokens, s.Environment.Concurrency, s.Environment.Time = c.numCtx, k, time.Now().UTC()
	s.Model, s.Concurrency, s.PromptTokensTarget = model, k, c.target
	s.MaxTokens, s.ContextTokens, s.LoadSeconds, s.AlreadyLoaded = c.maxTokens, c.numCtx, st.loadSecs, st.alreadyLoaded
	s.Memory = r.memory(ctx, model)
	s.Converged = converged(measured(runs), r.Config.TargetCI)
	s.Serialized = k > 1 && s.Parallelism > 0 && s.Parallelism < 1.2
	s.History = compareHistory(r.History, runs, st.env)
	s.Warnings = append(s.Warnings, warnings(s, r.Config)...)
	if err := r.record(s); err != nil {
		s.Warnings = append(s.Warnings, "summary not written: "+err.Error())
	}
	return &s
}

func (r *Runner) memory(ctx context.Context, model string) *Memory {
	m, ok := r.Backend.(MemoryReporter)
	if !ok || ctx.Err() != nil {
		return nil
	}
	ctx, cancel := metaContext(ctx)
	defer cancel()
	mem, loaded, err := m.LoadedMemory(ctx, model)
	if err != nil || !loaded {
		return nil
	}
	return &mem
}

// summarize computes the statistics of a level from its complete requests,
// leaving out those of the ramp.
func summarize(all, checks []Run) Summary {
	s := Summary{Kind: "summary"}
	runs := measured(all)
	s.RampRequests = len(all) - len(runs)
	if len(runs) == 0 {
		return s
	}
	var decode, step, prefill, ttft, e2e, itl50, itl95, itl99, prompt, out []float64
	for _, run := range runs {
		s.Requests++
		if run.Error != "" || !run.Complete {
			s.FailedRequests++
		}
	}
	for _, run := range usable(runs) {
		if run.ShortfallTokens > 0 {
			s.ShortRequests++
		}
		s.RateSource = run.RateSource
		decode = appendPositive(decode, run.DecodeTokensPerSecond)
		step = appendPositive(step, run.DecodeStepTokensPerSecond)
		prefill = appendPositive(prefill, run.PrefillTokensPerSecond)
		ttft, e2e = append(ttft, run.TTFTSeconds), append(e2e, run.E2ESeconds)
		itl50, itl95, itl99 = append(itl50, run.ITLSecondsP50), append(itl95, run.ITLSecondsP95), append(itl99, run.ITLSecondsP99)
		prompt, out = append(prompt, float64(run.PromptTokens)), append(out, float64(run.OutputTokens))
	}
	// Runs counts rounds: requests per client.
	s.Runs = s.Requests / max(1, runs[0].Concurrency)
	s.DecodeTokensPerSecond = Median(decode)
	if lo, hi, ok := MedianCI(decode, 0.95); ok {
		s.DecodeCI95Low, s.DecodeCI95High = lo, hi
		s.DecodeCIRelative = RelativeHalfWidth(s.DecodeTokensPerSecond, lo, hi)
	}
	s.DecodeStepTokensPerSecond = Median(step)
	s.PrefillTokensPerSecond = Median(prefill)
	s.TTFTSecondsP50, s.TTFTSecondsP95 = Percentile(ttft, 50), Percentile(ttft, 95)
	s.E2ESecondsP50, s.E2ESecondsP95 = Percentile(e2e, 50), Percentile(e2e, 95)
	s.ITLSecondsP50, s.ITLSecondsP95, s.ITLSecondsP99 = Median(itl50), Median(itl95), Median(itl99)
	s.PromptTokens = int(Median(prompt) + 0.5)
	s.OutputTokensMean = Mean(out)
	s.AggregateTokensPerSecond, s.Parallelism = aggregate(runs)
	s.OutputTokensIdentical = identical(all, checks)
	return s
}

// appendPositive appends x unless it is zero, which means "not measured".
func appendPositive(xs []float64, x float64) []float64 {
	if x > 0 {
		return append(xs, x)
	}
	return xs
}

// aggregate returns the level's output tokens per second of wall time, and
// the parallelism actually seen. k clients that each always have one
// request in flight complete k / (mean end-to-end time) requests a second
// (Little's law), so the throughput is k x mean output tokens / mean
// end-to-end time, over the requests the statistics are made of (those
// the server cut short are left out, as from the rates). The parallelism is the summed time the server worked on
// the requests (see working) divided by the time during which it worked on
// at least one: about k when it ran k requests together, 1 when it ran them
// one by one.
func aggregate(runs []Run) (tokensPerSecond, parallelism float64) {
	done := usable(runs)
	if len(done) == 0 {
		return 0, 0
	}
	tokens, busy, e2e := 0, 0.0, 0.0
	for _, run := range done {
		tokens += run.OutputTokens
		e2e += run.E2ESeconds
		from, to := working(run)
		busy += (to - from).Seconds()
	}
	if e2e > 0 {
		tokensPerSecond = float64(done[0].Concurrency*tokens) / e2e
	}
	if span := workingTime(done).Seconds(); span > 0 {
		parallelism = busy / span
	}
	return tokensPerSecond, parallelism
}

// working is when the server worked on a request: from the start of its
// prompt (the first token less the server's prompt time) to its end. When
// the server reports no prompt time, from the first token: the client
// cannot tell the prompt from a wait in the server's queue.
func working(run Run) (from, to time.Duration) {
	from = max(run.start, run.firstToken) // no first token: none streamed
	if run.RateSource == "server" && run.PrefillTokensPerSecond > 0 {
		prompt := time.Duration(float64(run.PromptTokens) / run.PrefillTokensPerSecond * float64(time.Second))
		from = max(run.start, from-prompt)
	}
	return from, run.end
}

// workingTime is the length of the union of the requests' working intervals.
func workingTime(runs []Run) time.Duration {
	iv := make([][2]time.Duration, len(runs))
	for i, run := range runs {
		iv[i][0], iv[i][1] = working(run)
	}
	sort.Slice(iv, func(i, j int) bool { return iv[i][0] < iv[j][0] })
	var total time.Duration
	cur := iv[0]
	for _, x := range iv[1:] {
		if x[0] > cur[1] {
			total += cur[1] - cur[0]
			cur = x
			continue
		}
		cur[1] = max(cur[1], x[1])
	}
	return total + cur[1] - cur[0]
}

// identical tells whether the check repeats gave the same text as the first run.
func identical(runs, checks []Run) bool {
	if len(checks) == 0 {
		return false
	}
	first := map[int]string{}
	for _, run := range runs {
		if run.Run == 1 && run.Complete && run.Error == "" {
			first[run.Request] = run.OutputSHA256
		}
	}
	for _, c := range checks {
		if h, ok := first[c.Request]; !ok || h != c.OutputSHA256 || c.Error != "" || !c.Complete {
			return false
		}
	}
	return true
}

func warnings(s Summary, cfg Config) []string {
	var w []string
	if s.Serialized {
		w = append(w, fmt.Sprintf("the server ran the %d requests one after another (parallelism %.2f): raise its parallel slots, e.g. OLLAMA_NUM_PARALLEL", s.Concurrency, s.Parallelism))
	}
	switch {
	case s.FailedRequests == s.Requests:
		w = append(w, fmt.Sprintf("the server cut all %d requests short, without final statistics (Ollama stops a model that repeats itself; try --temperature 0.8): rates are timed on the client from what streamed", s.Requests))
	case s.FailedRequests > 0:
		w = append(w, fmt.Sprintf("%d of %d requests ended without final statistics (the server cut them short) and are left out of the rates", s.FailedRequests, s.Requests))
	}
	if s.ShortRequests > 0 {
		w = append(w, fmt.Sprintf("%d requests produced fewer than the %d tokens asked for (mean %.0f)", s.ShortRequests, s.MaxTokens, s.OutputTokensMean))
	}
	if !s.Converged && s.Runs >= cfg.MaxRuns {
		w = append(w, fmt.Sprintf("decode rate did not settle within ±%.0f%% in %d runs (raise --max-runs)", cfg.TargetCI*100, s.Runs))
	}
	if s.Memory != nil && s.Memory.VRAMBytes > 0 && s.Memory.SpillBytes > 0 {
		w = append(w, fmt.Sprintf("%.0f%% of the model is in system memory, not VRAM", 100*float64(s.Memory.SpillBytes)/float64(s.Memory.SizeBytes)))
	}
	return w
}
