package simulate

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// The device classes of the throughput model: devices whose kernels reach
// a like share of their nominal figures, and whose catalog compute figure
// means the same thing.
const (
	ClassApple        = "Apple"
	ClassGeForce      = "NVIDIA GeForce"
	ClassNVIDIAPro    = "NVIDIA workstation"
	ClassNVIDIAHBM    = "NVIDIA datacenter HBM"
	ClassAMD          = "AMD"
	ClassOther        = "other"
	hbmBandwidthFloor = 900 // GB/s: datacenter parts at or above it use HBM
)

// DeviceClass is the throughput model's class of a catalog device: Apple
// chips (one class: with a class per tier, base, Pro, Max and Ultra, the
// fit came 1% closer in sample but 0.4% further for a chip left out of
// it); NVIDIA GeForce cards (whose catalog FP16 figure is the
// FP32-accumulate tensor rate); NVIDIA datacenter parts with HBM (A100,
// H100, H200, V100, A30: tensor peaks llama.cpp reaches a small share of);
// other NVIDIA workstation and datacenter cards; AMD; and other.
func DeviceClass(g GPU) string {
	switch {
	case g.Vendor == "Apple":
		return ClassApple
	case g.Vendor == "NVIDIA" && g.Class == "consumer":
		return ClassGeForce
	case g.Vendor == "NVIDIA" && g.Class == "datacenter" && g.BandwidthGBs >= hbmBandwidthFloor:
		return ClassNVIDIAHBM
	case g.Vendor == "NVIDIA":
		return ClassNVIDIAPro
	case g.Vendor == "AMD":
		return ClassAMD
	}
	return ClassOther
}

// classVendor is the vendor a class's fixed cost per token is shared with.
func classVendor(class string) string {
	v, _, _ := strings.Cut(class, " ")
	switch v {
	case "Apple", "NVIDIA", "AMD":
		return v
	}
	return ClassOther
}

// ThroughputConstants are the fitted constants of the throughput model
// (data/throughput/constants.json).
type ThroughputConstants struct {
	Source string `json:"source"`
	// FixedSeconds is the time of a decode step beyond streaming the
	// weights (kernel launches, synchronisation, sampling), by vendor.
	FixedSeconds map[string]float64        `json:"fixed_seconds"`
	Classes      map[string]ClassConstants `json:"classes"`
	Quants       map[string]QuantFactor    `json:"quants"`
}

// ClassConstants are a device class's efficiencies, the bands that hold
// about 90% of the published measurements of the class when each device is
// predicted from a fit without it, and what they were fitted on.
type ClassConstants struct {
	Bandwidth    float64 `json:"bandwidth_efficiency"`
	Compute      float64 `json:"compute_efficiency"`
	DecodeBand   Band    `json:"decode_band"`
	PrefillBand  Band    `json:"prefill_band"`
	Devices      int     `json:"devices"`
	DecodeCases  int     `json:"decode_cases"`
	PrefillCases int     `json:"prefill_cases"`
}

// QuantFactor is how much slower than F16 a quantization type's kernels
// run, beyond its size: decode time per byte, and prefill time per weight.
type QuantFactor struct {
	Decode  float64 `json:"decode"`
	Prefill float64 `json:"prefill"`
}

// factor returns the factors of a type: its own when fitted, otherwise
// those of its family (K-quants and i-quants as Q4_K_M, the other block
// types and MXFP4 as Q4_0, 16- and 32-bit types as F16); unknown types as
// Q4_K_M.
func (c ThroughputConstants) factor(quant string) QuantFactor {
	q := NormalizeQuant(quant)
	if f, ok := c.Quants[q]; ok {
		return f
	}
	family := "Q4_K_M"
	switch {
	case q == "" || q == "BF16" || q == "F32" || q == "F16":
		return QuantFactor{1, 1}
	case q == "MXFP4" || q == "Q4_1" || q == "Q5_0" || q == "Q5_1":
		family = "Q4_0"
	}
	if f, ok := c.Quants[family]; ok {
		return f
	}
	return QuantFactor{1, 1}
}

// fitCase is one published measurement, reduced to what the fit needs.
type fitCase struct {
	device, class, vendor, quant string
	decode                       bool
	seconds                      float64 // measured time per decode step or per prefill token
	weightSecs, kvSecs           float64 // weights and cache streamed at full bandwidth
	flopSecs                     float64 // a prefill token's work at the full compute rate
}

func newFitCase(p Published) (fitCase, bool) {
	class := DeviceClass(p.GPU)
	c := fitCase{device: p.GPU.Name, class: class, vendor: classVendor(class), quant: p.Model.Quant,
		decode: p.Decode, seconds: 1 / p.TPS}
	bw, tf := p.GPU.BandwidthGBs*1e9, p.GPU.ComputeTFLOPS()*1e12
	if p.Decode {
		if bw <= 0 {
			return c, false
		}
		c.weightSecs = p.Model.ActiveWeightBytes() / bw
		c.kvSecs = p.Model.KVBytesPerToken() * float64(p.Context) / bw
		return c, true
	}
	if tf <= 0 || p.GPU.ComputeEstimated() {
		return c, false
	}
	c.flopSecs = 2 * p.Model.active() / tf
	return c, true
}

// FitThroughput fits the throughput model's constants to published
// measurements: for decode, a step time of fixed (by vendor) + (weights x
// the type's decode factor + cache) / (bandwidth x the class's efficiency),
// by alternating least squares on the relative error; for prefill, a time
// per token of 2 x weights x the type's prefill factor / (compute x the
// class's efficiency), by alternating medians. F16's factors are 1. The
// bands are left empty: FitBands sets them.
func FitThroughput(ms []Published) ThroughputConstants {
	var dec, pre []fitCase
	for _, p := range ms {
		if c, ok := newFitCase(p); ok && c.decode {
			dec = append(dec, c)
		} else if ok {
			pre = append(pre, c)
		}
	}
	k := ThroughputConstants{FixedSeconds: map[string]float64{}, Classes: map[string]ClassConstants{}, Quants: map[string]QuantFactor{}}
	eff, fixed, qd := fitDecode(dec)
	ce, qp := fitPrefill(pre)
	devices := map[string]map[string]bool{}
	for _, c := range append(slices.Clone(dec), pre...) {
		if devices[c.class] == nil {
			devices[c.class] = map[string]bool{}
		}
		devices[c.class][c.device] = true
	}
	for class, d := range devices {
		cc := ClassConstants{Bandwidth: eff[class], Compute: ce[class], Devices: len(d)}
		cc.DecodeCases, cc.PrefillCases = countClass(dec, class), countClass(pre, class)
		k.Classes[class] = cc
	}
	k.FixedSeconds = fixed
	for q := range union(qd, qp) {
		k.Quants[q] = QuantFactor{Decode: cmp.Or(qd[q], 1), Prefill: cmp.Or(qp[q], 1)}
	}
	k.Classes[ClassOther] = pooledClass(k.Classes)
	k.FixedSeconds[ClassOther] = medianOf(k.FixedSeconds)
	return k
}

func countClass(cs []fitCase, class string) int {
	n := 0
	for _, c := range cs {
		if c.class == class {
			n++
		}
	}
	return n
}

func union(a, b map[string]float64) map[string]bool {
	u := map[string]bool{}
	for q := range a {
		u[q] = true
	}
	for q := range b {
		u[q] = true
	}
	return u
}

// pooledClass stands for a device of no fitted class: the median
// efficiencies of the classes.
func pooledClass(classes map[string]ClassConstants) ClassConstants {
	var bw, ce []float64
	for _, c := range classes {
		if c.Bandwidth > 0 {
			bw = append(bw, c.Bandwidth)
		}
		if c.Compute > 0 {
			ce = append(ce, c.Compute)
		}
	}
	return ClassConstants{Bandwidth: median(bw), Compute: median(ce)}
}

func medianOf(m map[string]float64) float64 {
	var xs []float64
	for _, v := range m {
		xs = append(xs, v)
	}
	return median(xs)
}

const fitRounds = 200

// fitDecode returns the efficiency by class, the fixed time by vendor and
// the decode factor by type.
func fitDecode(cs []fitCase) (eff, fixed, factor map[string]float64) {
	eff, fixed, factor = map[string]float64{}, map[string]float64{}, map[string]float64{}
	inv := map[string]float64{} // 1 / efficiency by class
	for _, c := range cs {
		inv[c.class], fixed[c.vendor] = 1, 0
		if c.quant != "F16" {
			factor[c.quant] = 1
		}
	}
	qf := func(q string) float64 { return cmp.Or(factor[q], 1) }
	for range fitRounds {
		// Efficiency: minimise sum ((a + k x) / t - 1)^2 over k.
		num, den := map[string]float64{}, map[string]float64{}
		for _, c := range cs {
			x := (c.weightSecs*qf(c.quant) + c.kvSecs) / c.seconds
			num[c.class] += x * (1 - fixed[c.vendor]/c.seconds)
			den[c.class] += x * x
		}
		for class := range inv {
			inv[class] = num[class] / den[class]
		}
		// Fixed time: the same over a, no less than zero.
		num, den = map[string]float64{}, map[string]float64{}
		for _, c := range cs {
			u := 1 / c.seconds
			num[c.vendor] += u * (1 - inv[c.class]*(c.weightSecs*qf(c.quant)+c.kvSecs)/c.seconds)
			den[c.vendor] += u * u
		}
		for v := range fixed {
			fixed[v] = math.Max(0, num[v]/den[v])
		}
		// Type factors: the median that makes each case exact.
		ratios := map[string][]float64{}
		for _, c := range cs {
			if _, ok := factor[c.quant]; ok {
				r := ((c.seconds-fixed[c.vendor])/inv[c.class] - c.kvSecs) / c.weightSecs
				ratios[c.quant] = append(ratios[c.quant], r)
			}
		}
		for q, rs := range ratios {
			factor[q] = median(rs)
		}
	}
	for class, k := range inv {
		eff[class] = 1 / k
	}
	return eff, fixed, factor
}

// fitPrefill returns the compute efficiency by class and the prefill
// factor by type.
func fitPrefill(cs []fitCase) (eff, factor map[string]float64) {
	eff, factor = map[string]float64{}, map[string]float64{}
	for _, c := range cs {
		if c.quant != "F16" {
			factor[c.quant] = 1
		}
	}
	qf := func(q string) float64 { return cmp.Or(factor[q], 1) }
	for range fitRounds {
		byClass, byQuant := map[string][]float64{}, map[string][]float64{}
		for _, c := range cs {
			byClass[c.class] = append(byClass[c.class], c.flopSecs*qf(c.quant)/c.seconds)
		}
		for class, rs := range byClass {
			eff[class] = median(rs)
		}
		for _, c := range cs {
			if _, ok := factor[c.quant]; ok {
				byQuant[c.quant] = append(byQuant[c.quant], c.seconds*eff[c.class]/c.flopSecs)
			}
		}
		for q, rs := range byQuant {
			factor[q] = median(rs)
		}
	}
	return eff, factor
}

// outerQuantile is the q-quantile of xs taken outwards: the value at rank
// q x (n-1) rounded down below the median and up above it, so that a band
// between the 5% and 95% quantiles of few values still holds 90% of them.
func outerQuantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	if q < 0.5 {
		return s[int(math.Floor(pos))]
	}
	return s[int(math.Ceil(pos))]
}

// ThroughputCheck is the throughput model's error on one published
// measurement: measured / predicted speed, with the constants fitted to
// every measurement (InSample) and to all but those of its device
// (LeftOut).
type ThroughputCheck struct {
	Case              Published
	Class             string
	InSample, LeftOut float64
}

// minBandCases is the fewest left-out ratios a class needs for bands of
// its own; a class with fewer takes the bands of all classes pooled,
// widened to hold each of its own.
const minBandCases = 8

// FitWithBands fits the constants to the measurements, predicts each
// device's measurements from a fit without that device, and sets each
// class's bands to the 5th and 95th percentiles of those left-out ratios,
// so that a band holds about 90% of the published measurements of its
// class (a class of fewer than minBandCases: the pooled band, widened to
// hold all of them). It returns the constants and every measurement's check.
func FitWithBands(ms []Published) (ThroughputConstants, []ThroughputCheck) {
	all := FitThroughput(ms)
	var checks []ThroughputCheck
	for _, device := range publishedDevices(ms) {
		var rest []Published
		for _, m := range ms {
			if m.GPU.Name != device {
				rest = append(rest, m)
			}
		}
		without := FitThroughput(rest)
		for _, m := range ms {
			if m.GPU.Name != device {
				continue
			}
			if _, ok := newFitCase(m); !ok {
				continue
			}
			checks = append(checks, ThroughputCheck{Case: m, Class: DeviceClass(m.GPU),
				InSample: measuredRatio(all, m), LeftOut: measuredRatio(without, m)})
		}
	}
	setBands(&all, checks)
	return all, checks
}

func publishedDevices(ms []Published) []string {
	var ds []string
	for _, m := range ms {
		if !slices.Contains(ds, m.GPU.Name) {
			ds = append(ds, m.GPU.Name)
		}
	}
	return ds
}

// measuredRatio is measured / predicted speed of a measurement under the
// constants.
func measuredRatio(k ThroughputConstants, m Published) float64 {
	hw := m.GPU.Hardware()
	p := Predict(m.Model, hw, m.Context, 1, k.Efficiency(hw.Class))
	if m.Decode {
		return m.TPS / p.DecodeTPS
	}
	return m.TPS / p.PrefillTPS
}

// setBands sets each class's bands from the left-out ratios.
func setBands(k *ThroughputConstants, checks []ThroughputCheck) {
	ratios := func(class string, decode bool) []float64 {
		var rs []float64
		for _, c := range checks {
			if c.Case.Decode == decode && (class == "" || c.Class == class) {
				rs = append(rs, c.LeftOut)
			}
		}
		return rs
	}
	band := func(class string, decode bool) Band {
		own := ratios(class, decode)
		if len(own) >= minBandCases {
			return Band{Low: outerQuantile(own, 0.05), High: outerQuantile(own, 0.95)}
		}
		all := ratios("", decode)
		b := Band{Low: outerQuantile(all, 0.05), High: outerQuantile(all, 0.95)}
		for _, r := range own {
			b = b.widen(r)
		}
		return b
	}
	for class, cc := range k.Classes {
		cc.DecodeBand, cc.PrefillBand = band(class, true), band(class, false)
		k.Classes[class] = cc
	}
}
