package bench_test

import (
	"fmt"

	"github.com/plan-cli/plan/hwprofile/bench"
)

// The runner stops repeating once the 95% interval of the median decode rate
// is within the target; with six rates the interval is their full range.
func ExampleMedianCI() {
	rates := []float64{51.2, 52.0, 52.4, 51.8, 52.9, 52.1}
	med := bench.Median(rates)
	lo, hi, ok := bench.MedianCI(rates, 0.95)
	fmt.Printf("median %.2f, 95%% interval [%.1f, %.1f] (%v), ±%.1f%%\n", med, lo, hi, ok, 100*bench.RelativeHalfWidth(med, lo, hi))
	// Output: median 52.05, 95% interval [51.2, 52.9] (true), ±1.6%
}
