package simulate

import "math"

// histogram counts non-negative durations in logarithmic bins, so that
// percentiles of any number of values fit in a few kilobytes. Values of zero
// are counted exactly; values from histMin to histMax seconds fall in bins
// histGrowth wide, and a percentile is reported as its bin's geometric
// midpoint, within 0.5% of the true value. Values below histMin are reported
// as histMin and values above histMax as histMax.
type histogram struct {
	zeros  int64
	counts [histBins]int64
	n      int64
	sum    float64
}

const (
	histMin    = 1e-6 // seconds
	histMax    = 1e7  // seconds, about 116 days
	histGrowth = 1.01
)

var (
	histLogMin    = math.Log(histMin)
	histLogGrowth = math.Log(histGrowth)
)

const histBins = 3010 // ceil(ln(histMax/histMin)/ln(histGrowth)) + 1

func (h *histogram) add(v float64) {
	h.n++
	h.sum += v
	if v <= 0 {
		h.zeros++
		return
	}
	i := int((math.Log(v) - histLogMin) / histLogGrowth)
	h.counts[min(max(i, 0), histBins-1)]++
}

func (h *histogram) mean() float64 {
	if h.n == 0 {
		return 0
	}
	return h.sum / float64(h.n)
}

// quantile returns the value below which a fraction q of the values lie.
func (h *histogram) quantile(q float64) float64 {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	seen := h.zeros
	if seen >= rank {
		return 0
	}
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(math.Exp(histLogMin+(float64(i)+0.5)*histLogGrowth), histMax)
		}
	}
	return histMax
}

func (h *histogram) percentiles() Percentiles {
	return Percentiles{P50: h.quantile(0.50), P95: h.quantile(0.95), P99: h.quantile(0.99)}
}
