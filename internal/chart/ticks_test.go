package chart

import (
	"math"
	"slices"
	"testing"
)

func TestNiceStep(t *testing.T) {
	for _, tc := range []struct{ raw, want float64 }{
		{1, 1}, {1.2, 2}, {2, 2}, {2.1, 5}, {4.9, 5}, {5.1, 10}, {0.013, 0.02}, {730, 1000}, {3e200, 5e200},
		{0, 1}, {-3, 1}, {math.Inf(1), 1}, {math.NaN(), 1},
	} {
		if got := niceStep(tc.raw); math.Abs(got-tc.want) > 1e-12*tc.want {
			t.Errorf("niceStep(%v) = %v; want %v", tc.raw, got, tc.want)
		}
	}
}

func TestNiceAxis(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lo, hi float64
		ticks  []float64
	}{
		{"zero to ten", 0, 10, []float64{0, 2, 4, 6, 8, 10}},
		{"widened to a tick", 0, 7.3, []float64{0, 2, 4, 6, 8}},
		{"negative", -3, 7, []float64{-4, -2, 0, 2, 4, 6, 8}},
		{"reversed", 7, -3, []float64{-4, -2, 0, 2, 4, 6, 8}},
		{"one value", 5, 5, []float64{2, 3, 4, 5, 6, 7, 8}},
		{"zero alone", 0, 0, []float64{-1, -0.5, 0, 0.5, 1}},
		{"fractions", 0, 0.37, []float64{0, 0.1, 0.2, 0.3, 0.4}},
		{"months", 1, 24, []float64{0, 5, 10, 15, 20, 25}},
		{"millions", 0, 3.2e6, []float64{0, 1e6, 2e6, 3e6, 4e6}},
		{"beyond float precision", 1e16, 1e16 + 4, []float64{1e16, 1e16 + 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := niceAxis(tc.lo, tc.hi, 5)
			if !slices.EqualFunc(a.ticks, tc.ticks, func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y)) }) {
				t.Errorf("ticks = %v; want %v", a.ticks, tc.ticks)
			}
			if a.lo > min(tc.lo, tc.hi) || a.hi < max(tc.lo, tc.hi) {
				t.Errorf("axis %v to %v does not cover %v to %v", a.lo, a.hi, tc.lo, tc.hi)
			}
		})
	}
}

func TestNiceAxisHuge(t *testing.T) {
	for _, r := range [][2]float64{{-math.MaxFloat64, math.MaxFloat64}, {0, math.MaxFloat64}, {-1e308, -1e307}} {
		a := niceAxis(r[0], r[1], 5)
		if len(a.ticks) < 2 || len(a.ticks) > maxTicks {
			t.Errorf("%v: %d ticks", r, len(a.ticks))
		}
		for _, v := range append(a.ticks, a.lo, a.hi, a.step, a.frac(r[0]), a.frac(r[1])) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%v: axis %+v holds %v", r, a, v)
			}
		}
		if f := a.frac(r[1]); f < 0 || f > 1 {
			t.Errorf("%v: frac(hi) = %v; want within 0..1", r, f)
		}
	}
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct {
		v, step float64
		want    string
	}{
		{0, 1, "0"},
		{5, 1, "5"},
		{2.5, 0.5, "2.5"},
		{0.3, 0.1, "0.3"},
		{0.25, 0.05, "0.25"},
		{1500, 500, "1.5k"},
		{2000, 1000, "2k"},
		{-2000, 1000, "-2k"},
		{800, 200, "800"},
		{1200, 200, "1.2k"},
		{2e6, 1e6, "2M"},
		{3e9, 1e9, "3B"},
		{1.25e12, 2.5e11, "1.25T"},
		{2.5e15, 5e14, "2.5e+15"},
		{1e-5, 1e-5, "1e-05"},
	} {
		if got := label(tc.v, tc.step); got != tc.want {
			t.Errorf("label(%v, %v) = %q; want %q", tc.v, tc.step, got, tc.want)
		}
	}
}

// A line chart's x axis ends at its data: 36 months is not drawn to 40.
func TestDataAxis(t *testing.T) {
	a := dataAxis(0, 36, 5)
	if a.lo != 0 || a.hi != 36 || a.ticks[len(a.ticks)-1] > 36 {
		t.Errorf("dataAxis(0, 36) = %v to %v, ticks %v; want 0 to 36", a.lo, a.hi, a.ticks)
	}
}
