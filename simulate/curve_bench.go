package simulate

import (
	"errors"
	"fmt"
	"time"

	"github.com/plan-cli/plan/hwprofile/bench"
)

// CurveFromSummaries turns benchmark summaries into a concurrency curve for model
// (or the file's only model when model is empty): at each concurrency k,
// aggregate decode = k x a request's decode speed (see stepEverywhere) and
// aggregate prefill = k x prefill_tokens_per_second (1 x both when the
// server ran the requests one by one), averaged over the summaries at k.
func CurveFromSummaries(sums []bench.Summary, model string) (string, []CurvePoint, error) {
	models := map[string]bool{}
	for _, s := range sums {
		models[s.Model] = true
	}
	if len(models) == 0 {
		return "", nil, errors.New("no benchmark summaries")
	}
	if model == "" {
		if len(models) > 1 {
			return "", nil, fmt.Errorf("%d models; choose one with --model", len(models))
		}
		for m := range models {
			model = m
		}
	} else if !models[model] {
		return "", nil, fmt.Errorf("no summaries for model %q", model)
	}
	type acc struct {
		n               int
		prefill, decode float64
	}
	levels := map[int]*acc{}
	var order []int
	use := usableSummaries(sums, model)
	step := stepEverywhere(use)
	for _, s := range use {
		// A server that ran the requests one by one serves one at a time
		// whatever k is.
		k := float64(s.Concurrency)
		if s.Serialized {
			k = 1
		}
		dec := s.DecodeTokensPerSecond
		if step[s.Concurrency] {
			dec = s.DecodeStepTokensPerSecond
		}
		a := levels[s.Concurrency]
		if a == nil {
			a = &acc{}
			levels[s.Concurrency] = a
			order = append(order, s.Concurrency)
		}
		a.n++
		a.decode += k * dec
		a.prefill += k * s.PrefillTokensPerSecond
	}
	if len(order) == 0 {
		return "", nil, fmt.Errorf("no usable summaries for model %q", model)
	}
	points := make([]CurvePoint, 0, len(order))
	for _, k := range order {
		a := levels[k]
		p := CurvePoint{Active: k, DecodeTokensPerSecond: a.decode / float64(a.n), PrefillTokensPerSecond: a.prefill / float64(a.n)}
		if !(p.PrefillTokensPerSecond > 0) {
			return "", nil, fmt.Errorf("model %q at concurrency %d: no prefill speed", model, k)
		}
		points = append(points, p)
	}
	return model, points, nil
}

// usableSummaries are the summaries of model with a concurrency and a
// decode speed.
func usableSummaries(sums []bench.Summary, model string) []bench.Summary {
	var out []bench.Summary
	for _, s := range sums {
		if s.Model == model && s.Concurrency >= 1 && s.DecodeTokensPerSecond > 0 {
			out = append(out, s)
		}
	}
	return out
}

// stepEverywhere tells, for each concurrency, whether every summary at it
// has decode_step_tokens_per_second, the speed between the pauses in which
// the server read other requests' prompts: the simulator stalls decoding
// for those prompts itself, so it takes that speed where all summaries
// have it, and decode_tokens_per_second (older results files) where any
// lacks it, rather than average the two. Not aggregate_tokens_per_second /
// k: that includes time to first token, and prefill is timed apart.
func stepEverywhere(sums []bench.Summary) map[int]bool {
	out := map[int]bool{}
	for _, s := range sums {
		has := s.DecodeStepTokensPerSecond > 0
		if prev, seen := out[s.Concurrency]; seen {
			has = has && prev
		}
		out[s.Concurrency] = has
	}
	return out
}

// OpenLoop draws the arrival offsets of an open-loop load: a Poisson
// stream of rate requests per second for duration, the very arrivals plan simulate draws
// with the same --rate, --duration and --seed.
func OpenLoop(rate float64, duration time.Duration, seed int) (bench.OpenLoop, error) {
	reqs, err := Generate(Arrivals{Rate: rate, Duration: duration.Seconds(), Shape: 1, Seed: uint64(seed)})
	if err != nil {
		return bench.OpenLoop{}, err
	}
	load := bench.OpenLoop{Rate: rate, Duration: duration, Arrivals: make([]time.Duration, len(reqs))}
	for i, r := range reqs {
		load.Arrivals[i] = time.Duration(r.Arrival * float64(time.Second))
	}
	if err := load.Validate(); err != nil {
		return bench.OpenLoop{}, err
	}
	return load, nil
}
