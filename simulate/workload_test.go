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
