package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// request is one request of a run, with what it needs to be recorded.
type request struct {
	Request
	run, index  int
	concurrency int
	target      int    // prompt tokens aimed at
	phase       string // "warmup", "measure", "check" or "load"
}

// measure sends one request and times it on the client: time to first token,
// gaps between streamed chunks, end-to-end time. Rates come from the server's
// counts and durations when it reports them, else from the client's clock.
func (r *Runner) measure(ctx context.Context, q request, tl *tally) Run {
	t0 := tl.t0
	run := r.newRun(q)
	text := sha256.New() // the output's hash, kept as it streams
	var times []time.Time
	most := maxChunks(q.MaxTokens)
	start := time.Now()
	rctx, cancel := r.requestContext(ctx)
	defer cancel()
	usage, err := r.Backend.Generate(rctx, q.Request, func(c Chunk) error {
		if len(times) >= most {
			return fmt.Errorf("the server streamed more than %d chunks for a request of at most %d tokens: stopped", most, q.MaxTokens)
		}
		times = append(times, time.Now())
		text.Write([]byte(c.Text))
		r.progressTokens(q, tl.add(), t0)
		return nil
	})
	end := time.Now()
	run.start, run.end = start.Sub(t0), end.Sub(t0)
	run.E2ESeconds = end.Sub(start).Seconds()
	if len(times) > 0 {
		run.firstToken = times[0].Sub(t0)
		run.TTFTSeconds = times[0].Sub(start).Seconds()
	}
	run.OutputSHA256 = hex.EncodeToString(text.Sum(nil))
	if err != nil {
		run.Error = r.requestError(ctx, rctx, err).Error()
		return run
	}
	if err := checkUsage(usage); err != nil {
		run.Error = err.Error()
		return run
	}
	fillRates(&run, usage, times, q.MaxTokens)
	return run
}

// checkUsage refuses the counts and times a server reported when any is
// negative: they would become negative rates.
func checkUsage(u Usage) error {
	if u.PromptTokens < 0 || u.OutputTokens < 0 || u.PromptDuration < 0 || u.DecodeDuration < 0 || u.LoadDuration < 0 {
		return fmt.Errorf("the server reported a negative count or duration (prompt %d tokens in %v, output %d tokens in %v, load %v): not a measurement",
			u.PromptTokens, u.PromptDuration, u.OutputTokens, u.DecodeDuration, u.LoadDuration)
	}
	return nil
}

// maxChunks bounds the chunks of one streamed answer: a server sends at
// most one a token, and a few without any (role, finish, usage), so far more
// than maxTokens chunks means a broken or hostile stream, which would
// otherwise grow the benchmark's memory for as long as it lasts.
func maxChunks(maxTokens int) int {
	if maxTokens <= 0 {
		return 1 << 20
	}
	return 4*maxTokens + 64
}

func (r *Runner) requestContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if r.Config.Timeout > 0 {
		return context.WithTimeout(ctx, r.Config.Timeout)
	}
	return context.WithCancel(ctx)
}

// requestError names a timeout as such, with the flag that changes it.
func (r *Runner) requestError(ctx, rctx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("request timed out after %v (raise --timeout)", r.Config.Timeout)
	}
	return err
}

func (r *Runner) newRun(q request) Run {
	return Run{
		Kind:               "run",
		Model:              q.Model,
		Phase:              q.phase,
		Run:                q.run,
		Request:            q.index,
		Concurrency:        q.concurrency,
		PromptTokensTarget: q.target,
		MaxTokens:          q.MaxTokens,
		ContextTokens:      q.ContextTokens,
		Temperature:        q.Temperature,
		Seed:               q.Seed,
		PromptSHA256:       hashText(q.Prompt),
	}
}

// fillRates sets token counts and rates from the server's usage and the chunk times.
func fillRates(run *Run, u Usage, times []time.Time, maxTokens int) {
	run.Complete = u.Done
	run.DoneReason = u.DoneReason
	run.PromptTokens = u.PromptTokens
	run.OutputTokens = u.OutputTokens
	if run.OutputTokens == 0 {
		// The server sent no usage: count streamed chunks (one token each on
		// the servers plan knows; an estimate elsewhere).
		run.OutputTokens = len(times)
		run.OutputCounted = "chunks"
	}
	run.ShortfallTokens = max(maxTokens-run.OutputTokens, 0)
	run.LoadSeconds = u.LoadDuration.Seconds()
	setITL(run, times)
	run.DecodeStepTokensPerSecond = stepRate(run.OutputTokens, times)
	run.ClientDecodeTokensPerSecond = clientRate(run.OutputTokens, times)
	if u.DecodeDuration > 0 && u.OutputTokens > 0 {
		run.RateSource = "server"
		run.DecodeTokensPerSecond = float64(u.OutputTokens) / u.DecodeDuration.Seconds()
		if u.PromptDuration > 0 {
			run.PrefillTokensPerSecond = float64(u.PromptTokens) / u.PromptDuration.Seconds()
		}
		return
	}
	run.RateSource = "client"
	run.DecodeTokensPerSecond = run.ClientDecodeTokensPerSecond
	if run.TTFTSeconds > 0 {
		run.PrefillTokensPerSecond = float64(u.PromptTokens) / run.TTFTSeconds
	}
}

// clientRate is the decode rate timed on the client: (tokens - 1) / (time of
// the last chunk - time of the first), counting at least one token a chunk;
// 0 with fewer than two chunks.
func clientRate(tokens int, times []time.Time) float64 {
	n := len(times)
	if n < 2 {
		return 0
	}
	span := times[n-1].Sub(times[0]).Seconds()
	if span <= 0 {
		return 0
	}
	return float64(max(tokens, n)-1) / span
}

// pauseGaps is how many times the mean gap between chunks a gap must be to
// count as a pause in which the server did something else.
const pauseGaps = 8

// stepRate is the decode speed of a request between pauses: tokens per
// chunk / the mean gap between chunks, leaving out the gaps longer than
// pauseGaps times the mean, which are the server reading other requests'
// prompts. The mean, not the median, since chunks that arrive together
// (a proxy's buffering) leave many gaps near zero. 0 with fewer than two
// gaps.
func stepRate(tokens int, times []time.Time) float64 {
	n := len(times) - 1
	if n < 2 || tokens <= 0 {
		return 0
	}
	limit := pauseGaps * times[n].Sub(times[0]).Seconds() / float64(n)
	sum, kept := 0.0, 0
	for i := 1; i <= n; i++ {
		if g := times[i].Sub(times[i-1]).Seconds(); g <= limit {
			sum, kept = sum+g, kept+1
		}
	}
	if sum <= 0 {
		return 0
	}
	return float64(tokens) / float64(len(times)) * float64(kept) / sum
}

// setITL sets the inter-token latency percentiles from the gaps between chunks.
func setITL(run *Run, times []time.Time) {
	if len(times) < 2 {
		return
	}
	gaps := make([]float64, len(times)-1)
	for i := 1; i < len(times); i++ {
		gaps[i-1] = times[i].Sub(times[i-1]).Seconds()
	}
	run.ITLSecondsP50 = Percentile(gaps, 50)
	run.ITLSecondsP95 = Percentile(gaps, 95)
	run.ITLSecondsP99 = Percentile(gaps, 99)
}

func hashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
