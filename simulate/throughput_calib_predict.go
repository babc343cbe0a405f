package simulate

import (
	"fmt"
	"math"
)

// Predict models the speed of model on the machine the calibration was
// measured on. With N active weights, b the fitted cost per weight of the
// model's quant type, a the overhead, m = bits per weight / 8 / bandwidth the
// time to stream one weight from memory, and kv = key/value bytes per token x
// contextTokens / bandwidth the time to read one request's cache, one decode
// step of k concurrent requests takes
//
//	a + N x (min(m, b) + k x max(0, b - m)) + k x kv
//
// seconds: the weights are read once per step, and the rest of the cost per
// weight (arithmetic, dequantization) is paid once per request. At k = 1 that
// is a + b x N + kv. Aggregate decode speed is k / step, each request's 1 /
// step. Prefill speed is 1 / (a' + b' x N) with the prefill line of the type.
//
// A type that was not calibrated takes a cost per weight interpolated
// linearly in bits per weight between the calibrated types on either side;
// its band holds the predictions with either neighbour's cost and is
// uncalibratedFactor wider still. Outside the calibrated range it takes the
// nearest type's cost and a band uncalibratedFactor wider. The calibration holds for models that run where
// its models ran (all on the GPU or all on the CPU).
func (c Calibration) Predict(model ModelShape, contextTokens, concurrency int) (Prediction, error) {
	quant := normQuant(model.Quant)
	bits := model.BitsPerWeight
	if bits <= 0 {
		bits, _ = BitsPerWeight(quant)
	}
	dec, decBand, err := c.line(quant, bits, func(q QuantCost) (Line, Band) { return q.Decode, q.DecodeBand }, c.DecodeBand)
	if err != nil {
		return Prediction{}, err
	}
	pre, preBand, err := c.line(quant, bits, func(q QuantCost) (Line, Band) { return q.Prefill, q.PrefillBand }, c.PrefillBand)
	if err != nil {
		return Prediction{}, err
	}
	k := float64(max(concurrency, 1))
	n := model.active()
	var mem, kv float64
	if c.BandwidthGBs > 0 {
		mem = bits / 8 / (c.BandwidthGBs * 1e9)
		kv = model.KVBytesPerToken() * float64(max(contextTokens, 0)) / (c.BandwidthGBs * 1e9)
	}
	read, work := math.Min(mem, dec.PerWeightSeconds), math.Max(0, dec.PerWeightSeconds-mem)
	step := dec.OverheadSeconds + n*(read+k*work) + k*kv
	p := Prediction{
		DecodeTPS:     k / step,
		PerRequestTPS: 1 / step,
		PrefillTPS:    1 / pre.At(n),
		DecodeBound:   BoundCompute,
		PrefillBound:  BoundCompute,
		GPUShare:      1,
		Basis:         BasisCalibratedHere,
	}
	if n*read+k*kv > k*n*work {
		p.DecodeBound = BoundBandwidth
	}
	p.DecodeLow, p.DecodeHigh = band(p.DecodeTPS, decBand)
	p.PrefillLow, p.PrefillHigh = band(p.PrefillTPS, preBand)
	return p, nil
}

// line returns the fitted line of a quant type (of which pick chooses the
// phase) and the band of a prediction made with it, built from b, the band
// of all types: on a machine shared with other work the run-to-run noise is
// common to all types, and one type's few points understate it.
func (c Calibration) line(quant string, bits float64, pick func(QuantCost) (Line, Band), b Band) (Line, Band, error) {
	if len(c.Quants) == 0 {
		return Line{}, Band{}, fmt.Errorf("calibration holds no quant types; run plan benchmark --calibrate")
	}
	var lo, hi *QuantCost
	for i := range c.Quants {
		q := &c.Quants[i]
		if normQuant(q.Quant) == quant {
			l, _ := pick(*q)
			return l, b, nil
		}
		if q.BitsPerWeight <= bits && (lo == nil || q.BitsPerWeight > lo.BitsPerWeight) {
			lo = q
		}
		if q.BitsPerWeight >= bits && (hi == nil || q.BitsPerWeight < hi.BitsPerWeight) {
			hi = q
		}
	}
	if bits <= 0 {
		return Line{}, Band{}, fmt.Errorf("quant type %q: bits per weight unknown, and it was not calibrated", quant)
	}
	if lo == nil || hi == nil {
		near := lo
		if near == nil {
			near = hi
		}
		l, _ := pick(*near)
		return l, Band{b.Low / uncalibratedFactor, b.High * uncalibratedFactor}, nil
	}
	l, _ := pick(*lo)
	h, _ := pick(*hi)
	w := 0.0
	if hi.BitsPerWeight > lo.BitsPerWeight {
		w = (bits - lo.BitsPerWeight) / (hi.BitsPerWeight - lo.BitsPerWeight)
	}
	mid := Line{
		OverheadSeconds:  l.OverheadSeconds + w*(h.OverheadSeconds-l.OverheadSeconds),
		PerWeightSeconds: l.PerWeightSeconds + w*(h.PerWeightSeconds-l.PerWeightSeconds),
	}
	// The band holds the predictions with either neighbour's line: the ratio
	// of the costs per weight bounds the ratio of the speeds, as the shared
	// overhead only brings the speeds closer.
	rl, rh := mid.PerWeightSeconds/l.PerWeightSeconds, mid.PerWeightSeconds/h.PerWeightSeconds
	down, up := math.Min(1, math.Min(rl, rh)), math.Max(1, math.Max(rl, rh))
	return mid, Band{b.Low * down / uncalibratedFactor, b.High * up * uncalibratedFactor}, nil
}
