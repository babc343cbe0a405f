package simulate

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCompletionHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h completionHeap
	var want []completion
	order := func(a, b completion) int {
		switch {
		case a.before(b):
			return -1
		case b.before(a):
			return 1
		}
		return 0
	}
	for range 1000 {
		if len(h) > 0 && rng.IntN(3) == 0 {
			slices.SortFunc(want, order)
			if got := h.pop(); got != want[0] {
				t.Fatalf("pop = %v; want %v", got, want[0])
			}
			want = want[1:]
			continue
		}
		// Few distinct times, so that ties between replicas occur.
		c := completion{t: float64(rng.IntN(20)), replica: rng.IntN(4)}
		h.push(c)
		want = append(want, c)
	}
	slices.SortFunc(want, order)
	for _, w := range want {
		if got := h.pop(); got != w {
			t.Fatalf("pop = %v; want %v", got, w)
		}
	}
}

func TestRing(t *testing.T) {
	var q ring
	next, want := 0, 0
	for round := range 50 {
		for range round % 7 * 5 {
			q.push(Request{PromptTokens: next})
			next++
		}
		for range min(q.len(), 3+round%4) {
			if got := q.pop().PromptTokens; got != want {
				t.Fatalf("pop = %d; want %d", got, want)
			}
			want++
		}
	}
	if q.len() != next-want {
		t.Errorf("len = %d; want %d", q.len(), next-want)
	}
}

func TestHistogramQuantile(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var h histogram
	var vals []float64
	for range 100_000 {
		v := rng.ExpFloat64() * 3
		if rng.IntN(4) == 0 {
			v = 0
		}
		h.add(v)
		vals = append(vals, v)
	}
	slices.Sort(vals)
	for _, q := range []float64{0.1, 0.5, 0.9, 0.95, 0.99, 1} {
		want := vals[int(math.Ceil(q*float64(len(vals))))-1]
		got := h.quantile(q)
		if math.Abs(got-want) > 0.005*want {
			t.Errorf("quantile(%v) = %v; want %v within 0.5%%", q, got, want)
		}
	}
	var empty histogram
	if empty.quantile(0.5) != 0 || empty.mean() != 0 {
		t.Error("empty histogram: want zeros")
	}
}
