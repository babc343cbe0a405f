package bench

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// finish summarises a level's runs, records the summary and returns it (nil
// when no measured request finished: say, Ctrl-C during the ramp).
func (r *Runner) finish(ctx context.Context, model string, st *modelState, c combo, k int, runs, checks []Run) *Summary {
	if len(measured(runs)) == 0 {
		return nil
	}
	s := summarize(runs, checks, k*r.Config.MinRuns)
	s.Temperature = r.Config.Temperature
	s.Environment = st.env
	s.Environment.ContextTokens, s.Environment.Concurrency, s.Environment.Time = c.numCtx, k, time.Now().UTC()
	s.Model, s.Concurrency, s.PromptTokensTarget = model, k, c.target
	s.MaxTokens, s.ContextTokens, s.LoadSeconds, s.AlreadyLoaded = c.maxTokens, c.numCtx, st.loadSecs, st.alreadyLoaded
	s.Memory = r.memory(ctx, model)
	s.Converged = s.DecodeCI95High > 0 && s.DecodeCIRelative <= r.Config.TargetCI
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

// summarize computes the statistics of a level from the requests of its
// basis (see basis; minValid valid requests are needed for the valid ones to
// be it), leaving out those of the ramp and the tail.
func summarize(all, checks []Run, minValid int) Summary {
	s := Summary{Kind: "summary"}
	runs := measured(all)
	s.RampRequests = len(all) - len(runs)
	if len(runs) == 0 {
		return s
	}
	countRequests(&s, runs)
	set, b := basis(runs, minValid)
	s.DecodeBasis = b
	var step, prefill, ttft, e2e, itl50, itl95, itl99, prompt, out []float64
	for _, run := range set {
		s.RateSource = run.RateSource
		step = appendPositive(step, run.DecodeStepTokensPerSecond)
		prefill = appendPositive(prefill, run.PrefillTokensPerSecond)
		ttft, e2e = append(ttft, run.TTFTSeconds), append(e2e, run.E2ESeconds)
		itl50, itl95, itl99 = append(itl50, run.ITLSecondsP50), append(itl95, run.ITLSecondsP95), append(itl99, run.ITLSecondsP99)
		out = append(out, float64(run.OutputTokens))
	}
	for _, run := range runs { // a request cut short has no prompt count; any other tells it
		prompt = appendPositive(prompt, float64(run.PromptTokens))
	}
	if b == BasisStream {
		s.RateSource = "client"
	}
	// Runs counts rounds: requests per client.
	s.Runs = s.Requests / max(1, runs[0].Concurrency)
	setDecode(&s, rates(set, b))
	s.DecodeStepTokensPerSecond = Median(step)
	s.PrefillTokensPerSecond = Median(prefill)
	s.TTFTSecondsP50, s.TTFTSecondsP95 = Percentile(ttft, 50), Percentile(ttft, 95)
	s.E2ESecondsP50, s.E2ESecondsP95 = Percentile(e2e, 50), Percentile(e2e, 95)
	s.ITLSecondsP50, s.ITLSecondsP95, s.ITLSecondsP99 = Median(itl50), Median(itl95), Median(itl99)
	s.PromptTokens = int(Median(prompt) + 0.5)
	s.OutputTokensMean = Mean(out)
	s.AggregateTokensPerSecond, s.Parallelism = aggregate(set)
	s.OutputTokensIdentical = identical(all, checks)
	return s
}

// countRequests counts the measured requests: all, failed (an error, or no
// final statistics), short (fewer tokens than asked for) and valid.
func countRequests(s *Summary, runs []Run) {
	for _, run := range runs {
		s.Requests++
		if run.Error != "" || !run.Complete {
			s.FailedRequests++
		}
		if run.Error == "" && run.ShortfallTokens > 0 {
			s.ShortRequests++
		}
		if valid(run) {
			s.ValidRequests++
		}
	}
}

// setDecode sets the median decode rate and its 95% interval.
func setDecode(s *Summary, decode []float64) {
	s.DecodeTokensPerSecond = Median(decode)
	if lo, hi, ok := MedianCI(decode, 0.95); ok {
		s.DecodeCI95Low, s.DecodeCI95High = lo, hi
		s.DecodeCIRelative = RelativeHalfWidth(s.DecodeTokensPerSecond, lo, hi)
	}
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
// end-to-end time, over the requests the statistics are made of (see
// basis). The parallelism is the summed time the server worked on
// the requests (see working) divided by the time during which it worked on
// at least one: about k when it ran k requests together, 1 when it ran them
// one by one.
func aggregate(done []Run) (tokensPerSecond, parallelism float64) {
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
	if b := basisWarning(s, cfg); b != "" {
		w = append(w, b)
	}
	if !s.Converged && s.Runs >= cfg.MaxRuns {
		w = append(w, fmt.Sprintf("decode rate did not settle within ±%.0f%% in %d runs (raise --max-runs)", cfg.TargetCI*100, s.Runs))
	}
	if s.Memory != nil && s.Memory.VRAMBytes > 0 && s.Memory.SpillBytes > 0 {
		w = append(w, fmt.Sprintf("%.0f%% of the model is in system memory, not VRAM", 100*float64(s.Memory.SpillBytes)/float64(s.Memory.SizeBytes)))
	}
	return w
}

// basisWarning says how many requests were too short to measure and where
// the decode figure comes from instead; "" when every request was valid.
func basisWarning(s Summary, cfg Config) string {
	short := s.Requests - s.ValidRequests
	if short == 0 {
		return ""
	}
	what := fmt.Sprintf("%d of %d requests were not valid decode measurements (%d ended without final statistics, %d with fewer than half the %d tokens asked for)",
		short, s.Requests, s.FailedRequests, short-s.FailedRequests, s.MaxTokens)
	if s.DecodeBasis == BasisComplete {
		return fmt.Sprintf("%s: the decode rate comes from the %d valid ones", what, s.ValidRequests)
	}
	return fmt.Sprintf("%s, leaving %d valid, fewer than --min-runs %d per client: the decode rate is timed on the client from the tokens all %d streamed (decode_basis %s)",
		what, s.ValidRequests, cfg.MinRuns, s.Requests, BasisStream)
}
