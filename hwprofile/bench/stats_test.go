package bench

import (
	"math"
	"testing"
)

func TestPercentile(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		p    float64
		want float64
	}{
		{"empty", nil, 50, 0},
		{"one", []float64{7}, 95, 7},
		{"odd median", []float64{3, 1, 2}, 50, 2},
		{"even median", []float64{4, 1, 3, 2}, 50, 2.5},
		{"p95 interpolates", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}, 95, 20},
		{"p0 is min", []float64{5, 9, 2}, 0, 2},
		{"p100 is max", []float64{5, 9, 2}, 100, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.xs, tt.p); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("Percentile(%v, %v) = %v; want %v", tt.xs, tt.p, got, tt.want)
			}
		})
	}
}

func TestMedianCI(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		wantOK bool
		wantJ  int // 1-based lower order statistic
	}{
		{"3 values: no 95% interval", 3, false, 0},
		{"5 values: no 95% interval", 5, false, 0},
		{"6 values: min and max", 6, true, 1},
		{"9 values: 2nd and 8th", 9, true, 2},
		{"20 values: 6th and 15th", 20, true, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xs := make([]float64, tt.n)
			for i := range xs {
				xs[i] = float64(tt.n - i) // reversed, so sorting matters
			}
			lo, hi, ok := MedianCI(xs, 0.95)
			if ok != tt.wantOK {
				t.Fatalf("MedianCI(n=%d) ok = %v; want %v", tt.n, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if lo != float64(tt.wantJ) || hi != float64(tt.n+1-tt.wantJ) {
				t.Errorf("MedianCI(n=%d) = [%v, %v]; want [%d, %d]", tt.n, lo, hi, tt.wantJ, tt.n+1-tt.wantJ)
			}
		})
	}
}

func TestMedianCoverageMatchesTable(t *testing.T) {
	// Known exact values: n=6,k=1: 62/64; n=9,k=2: 1-2*(1+9)/512.
	if got, want := medianCoverage(6, 1), 62.0/64; math.Abs(got-want) > 1e-12 {
		t.Errorf("medianCoverage(6,1) = %v; want %v", got, want)
	}
	if got, want := medianCoverage(9, 2), 1-20.0/512; math.Abs(got-want) > 1e-12 {
		t.Errorf("medianCoverage(9,2) = %v; want %v", got, want)
	}
}
