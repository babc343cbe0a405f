package simulate

import (
	"math"
	"slices"
	"testing"
)

func TestGenerateMeanAndVariance(t *testing.T) {
	for _, shape := range []float64{0, 0.25, 1, 4} {
		reqs, err := Generate(Arrivals{Rate: 10, Duration: 20_000, Shape: shape, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		k := shape
		if k == 0 {
			k = 1
		}
		var sum, sumSq float64
		prev := 0.0
		for _, r := range reqs {
			gap := r.Arrival - prev
			prev = r.Arrival
			sum += gap
			sumSq += gap * gap
		}
		n := float64(len(reqs))
		mean := sum / n
		cv2 := (sumSq/n - mean*mean) / (mean * mean) // 1/k for gamma gaps
		if math.Abs(mean-0.1) > 0.003 || math.Abs(cv2-1/k) > 0.05/k {
			t.Errorf("shape %v: gap mean %v, squared CV %v; want 0.1, %v", shape, mean, cv2, 1/k)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a := Arrivals{Rate: 2, Duration: 1000, Shape: 0.5, Seed: 42, PromptTokens: 7, OutputTokens: 9, Model: "m"}
	x, err := Generate(a)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := Generate(a)
	if !slices.Equal(x, y) || len(x) == 0 {
		t.Fatalf("same seed gave different requests (%d and %d)", len(x), len(y))
	}
	if x[0].Model != "m" || x[0].PromptTokens != 7 || x[len(x)-1].Arrival >= 1000 {
		t.Errorf("requests = %+v ... %+v", x[0], x[len(x)-1])
	}
}

func TestArrivalsErrors(t *testing.T) {
	for _, a := range []Arrivals{
		{Rate: 0, Duration: 1},
		{Rate: math.NaN(), Duration: 1},
		{Rate: 1, Duration: -1},
		{Rate: 1, Duration: math.Inf(1)},
		{Rate: 1, Duration: 1, Shape: -1},
		{Rate: 1, Duration: 1, PromptTokens: -1},
	} {
		if _, err := NewGenerator(a); err == nil {
			t.Errorf("NewGenerator(%+v): no error", a)
		}
	}
}

// With a daily profile, the arrivals of each hour of the day follow its
// weight: over 200 days at 1 request/s, the count of hour h is
// 3600 x 200 x weight(h) / mean weight, within 2%, and the total is the flat
// rate's.
func TestGenerateDaily(t *testing.T) {
	w := DailyProfiles["office"]
	g, err := NewGenerator(Arrivals{Rate: 1, Duration: 200 * 86400, Hourly: w, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	var counts [24]float64
	n := 0.0
	prev := -1.0
	for r, ok := g.Next(); ok; r, ok = g.Next() {
		if r.Arrival < prev {
			t.Fatalf("arrival %v after %v", r.Arrival, prev)
		}
		prev = r.Arrival
		counts[int(r.Arrival/3600)%24]++
		n++
	}
	norm := NormalizeHourly(w)
	for h, c := range counts {
		want := 3600 * 200 * norm[h]
		if math.Abs(c/want-1) > 0.02 {
			t.Errorf("hour %d: %v arrivals, want %v", h, c, want)
		}
	}
	if math.Abs(n/(200*86400)-1) > 0.005 {
		t.Errorf("%v arrivals in 200 days at 1/s", n)
	}
}

func TestDailyProfileErrors(t *testing.T) {
	zero := make([]float64, 24)
	neg := slices.Clone(DailyProfiles["office"])
	neg[3] = -1
	for _, w := range [][]float64{{1, 2}, zero, neg} {
		if _, err := NewGenerator(Arrivals{Rate: 1, Duration: 10, Hourly: w}); err == nil {
			t.Errorf("weights %v: no error", w)
		}
	}
	// Hours of weight 0 get no arrivals.
	w := make([]float64, 24)
	w[5] = 1
	reqs, err := Generate(Arrivals{Rate: 1, Duration: 3 * 86400, Hourly: w, Seed: 1})
	if err != nil || len(reqs) == 0 {
		t.Fatalf("%d requests, %v", len(reqs), err)
	}
	for _, r := range reqs {
		if h := int(r.Arrival/3600) % 24; h != 5 {
			t.Fatalf("arrival at %v s, hour %d; only hour 5 has weight", r.Arrival, h)
		}
	}
}
