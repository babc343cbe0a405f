package chart

import (
	"math"
	"strconv"
	"strings"
)

// axis is a numeric axis: its range, extended to whole ticks, and the ticks.
type axis struct {
	lo, hi float64
	ticks  []float64
	step   float64
}

// maxTicks bounds the ticks of an axis whatever its range.
const maxTicks = 50

// niceAxis returns an axis covering lo to hi with about target ticks at a
// "nice" step: 1, 2 or 5 times a power of ten. The range is widened to the
// ticks on either side when that stays finite. An empty range (lo == hi) is
// widened to one unit either side of it, or of its magnitude if larger than
// a unit, so one value still gets an axis.
func niceAxis(lo, hi float64, target int) axis {
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		d := max(1, math.Abs(lo)/2)
		lo, hi = lo-d, hi+d
	}
	step := niceStep(hi/float64(target) - lo/float64(target))
	a := axis{lo: lo, hi: hi, step: step}
	if l := math.Floor(lo/step) * step; !math.IsInf(l, 0) {
		a.lo = l
	}
	if h := math.Ceil(hi/step) * step; !math.IsInf(h, 0) {
		a.hi = h
	}
	a.ticks = tickValues(a.lo, a.hi, step)
	return a
}

// dataAxis is niceAxis kept to the range of the data: a line chart's x axis
// ends where its data ends (a 36-month horizon is not drawn to 40).
func dataAxis(lo, hi float64, target int) axis {
	a := niceAxis(lo, hi, target)
	if lo < hi {
		a.lo, a.hi = lo, hi
		a.ticks = tickValues(lo, hi, a.step)
	}
	return a
}

// niceStep returns the smallest of 1, 2 or 5 times a power of ten that is at
// least raw, a positive span per tick.
func niceStep(raw float64) float64 {
	if !(raw > 0) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if s := m * p; s >= raw*(1-1e-9) && !math.IsInf(s, 0) {
			return s
		}
	}
	return 5 * p
}

// tickValues returns the multiples of step from lo to hi, or just lo and hi
// when the values lose precision (a step below the spacing of floats near
// them) or would be too many.
func tickValues(lo, hi, step float64) []float64 {
	first, last := math.Ceil(lo/step), math.Floor(hi/step)
	if !(last-first < maxTicks) || first > last {
		return []float64{lo, hi}
	}
	var out []float64
	for k := first; k <= last; k++ {
		v := k * step
		if math.Abs(v) < step*1e-9 {
			v = 0 // avoid -0 and rounding dust at zero
		}
		if len(out) > 0 && v <= out[len(out)-1] {
			return []float64{lo, hi}
		}
		out = append(out, v)
	}
	return out
}

// frac returns where v lies on the axis, 0 at lo and 1 at hi; halving first
// keeps huge ranges finite.
func (a axis) frac(v float64) float64 {
	span := a.hi/2 - a.lo/2
	if span == 0 {
		return 0.5
	}
	return (v/2 - a.lo/2) / span
}

// label formats a tick value so that ticks step apart read differently:
// plain decimals below a thousand, then k, M, B and T for thousands,
// millions, billions and trillions, and exponent notation beyond 10^15 or
// below 10^-4.
func label(v, step float64) string {
	a := math.Abs(v)
	switch {
	case v == 0:
		return "0"
	case a >= 1e15 || a < 1e-4:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	scale, suffix := 1.0, ""
	for _, s := range []struct {
		scale  float64
		suffix string
	}{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}} {
		if a >= s.scale {
			scale, suffix = s.scale, s.suffix
			break
		}
	}
	s := strconv.FormatFloat(v/scale, 'f', decimals(step/scale), 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + suffix
}

// decimals returns how many decimals show multiples of step exactly, at most
// ten.
func decimals(step float64) int {
	if !(step > 0) || math.IsInf(step, 0) {
		return 0
	}
	d := 0
	for f := step; d < 10 && math.Abs(f-math.Round(f)) > 1e-9*f; f *= 10 {
		d++
	}
	return d
}
