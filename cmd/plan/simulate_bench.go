package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/simulate"
)

// readSummaries reads the summaries of a plan benchmark results file.
func readSummaries(path string) ([]bench.Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--bench: %w", err)
	}
	defer f.Close()
	_, sums, err := bench.ReadResults(f, path)
	return sums, err
}

// benchCurve turns benchmark summaries into a concurrency curve for model
// (or the file's only model when model is empty): at each concurrency k,
// aggregate decode = k x the decode speed of a request (see decodeStep) and
// aggregate prefill = k x prefill_tokens_per_second, averaged over the
// summaries at that k.
func benchCurve(sums []bench.Summary, model string) (string, []simulate.CurvePoint, error) {
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
	for _, s := range sums {
		if s.Model != model || s.Concurrency < 1 || !(s.DecodeTokensPerSecond > 0) {
			continue
		}
		k := float64(s.Concurrency)
		dec := k * decodeStep(s)
		a := levels[s.Concurrency]
		if a == nil {
			a = &acc{}
			levels[s.Concurrency] = a
			order = append(order, s.Concurrency)
		}
		a.n++
		a.decode += dec
		a.prefill += k * s.PrefillTokensPerSecond
	}
	if len(order) == 0 {
		return "", nil, fmt.Errorf("no usable summaries for model %q", model)
	}
	points := make([]simulate.CurvePoint, 0, len(order))
	for _, k := range order {
		a := levels[k]
		p := simulate.CurvePoint{Active: k, DecodeTokensPerSecond: a.decode / float64(a.n), PrefillTokensPerSecond: a.prefill / float64(a.n)}
		if !(p.PrefillTokensPerSecond > 0) {
			return "", nil, fmt.Errorf("model %q at concurrency %d: no prefill speed", model, k)
		}
		points = append(points, p)
	}
	return model, points, nil
}

// decodeStep is the decode speed of one request of a summary as the
// simulator takes it: decode_step_tokens_per_second, the speed between the
// pauses in which the server read other requests' prompts, since the
// simulator stalls decoding for those prompts itself; results files
// without it give decode_tokens_per_second. It is not
// aggregate_tokens_per_second / k: that includes time to first token, and
// prefill is timed apart.
func decodeStep(s bench.Summary) float64 {
	if s.DecodeStepTokensPerSecond > 0 {
		return s.DecodeStepTokensPerSecond
	}
	return s.DecodeTokensPerSecond
}
