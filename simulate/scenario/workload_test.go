package scenario

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/plan-cli/plan/simulate"
)

func TestSimulateUsageSourceArrivals(t *testing.T) {
	origin := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	rows := []usageRow{
		{start: origin.Add(time.Hour), end: origin.Add(2 * time.Hour), b: simulate.Bucket{Requests: 20000, PromptTokens: 10, OutputTokens: 5, Model: "a"}},
		{start: origin, end: origin.Add(3 * time.Hour), b: simulate.Bucket{Requests: 30000, Model: "b"}},
		{start: origin.Add(90 * time.Minute), end: origin.Add(90 * time.Minute), b: simulate.Bucket{Requests: 1, Model: "c"}},
	}
	pass := func() []simulate.Request {
		var out []simulate.Request
		src := simulate.NewBucketSource(buckets(rows, origin), 3, 0, math.Inf(1))
		for r, ok := src.Next(); ok; r, ok = src.Next() {
			out = append(out, r)
		}
		return out
	}
	reqs := pass()
	if len(reqs) != 50001 {
		t.Fatalf("%d arrivals; want 50001", len(reqs))
	}
	byModel := map[string][]float64{}
	for i, r := range reqs {
		if i > 0 && r.Arrival < reqs[i-1].Arrival {
			t.Fatalf("arrival %d at %v s before the one at %v s", i, r.Arrival, reqs[i-1].Arrival)
		}
		byModel[r.Model] = append(byModel[r.Model], r.Arrival)
	}
	for _, tt := range []struct {
		model  string
		lo, hi float64
	}{{"a", 3600, 7200}, {"b", 0, 3 * 3600}, {"c", 5400, 5400}} {
		var sum float64
		for _, at := range byModel[tt.model] {
			if at < tt.lo || at > tt.hi {
				t.Errorf("model %s: arrival at %v s outside [%v, %v]", tt.model, at, tt.lo, tt.hi)
			}
			sum += at
		}
		mean, want := sum/float64(len(byModel[tt.model])), (tt.lo+tt.hi)/2
		if math.Abs(mean-want) > 0.01*(tt.hi-tt.lo)+1e-9 {
			t.Errorf("model %s: mean arrival %v s; want about %v (uniform in the bucket)", tt.model, mean, want)
		}
	}
	if again := pass(); !slices.Equal(reqs, again) {
		t.Error("a second pass with the same seed gives other arrivals")
	}
	if first := simulate.BusiestHours(simulate.NewBucketSource(buckets(rows, origin), 3, 0, math.Inf(1)), 1); first != 1 {
		t.Errorf("busiest hour %d; want 1", first)
	}
}
