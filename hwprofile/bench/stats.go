package bench

import (
	"math"
	"sort"
)

// sorted returns a sorted copy of xs.
func sorted(xs []float64) []float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s
}

// Median returns the median of xs, or 0 for no values.
func Median(xs []float64) float64 { return Percentile(xs, 50) }

// Percentile returns the p-th percentile (0–100) of xs by linear interpolation
// between closest ranks (the method of NumPy's default), or 0 for no values.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := sorted(xs)
	pos := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// Mean returns the arithmetic mean of xs, or 0 for no values.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// MedianCI returns a distribution-free confidence interval for the median at
// the given level (e.g. 0.95): the order statistics x(j) and x(n+1-j) with the
// largest j whose binomial coverage is at least level. ok is false when no
// such interval exists (fewer than 6 values at 95%).
func MedianCI(xs []float64, level float64) (lo, hi float64, ok bool) {
	n := len(xs)
	j := 0
	for k := 1; k <= n/2; k++ {
		if medianCoverage(n, k) < level {
			break
		}
		j = k
	}
	if j == 0 {
		return 0, 0, false
	}
	s := sorted(xs)
	return s[j-1], s[n-j], true
}

// medianCoverage is P(x(k) <= median <= x(n+1-k)) = sum_{i=k}^{n-k} C(n,i) / 2^n.
func medianCoverage(n, k int) float64 {
	sum := 0.0
	for i := k; i <= n-k; i++ {
		sum += math.Exp(logChoose(n, i) - float64(n)*math.Ln2)
	}
	return sum
}

func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// RelativeHalfWidth is the larger distance from the median to either end of
// the interval, as a fraction of the median.
func RelativeHalfWidth(median, lo, hi float64) float64 {
	if median == 0 {
		return math.Inf(1)
	}
	return math.Max(median-lo, hi-median) / median
}
