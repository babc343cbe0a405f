package simulate

import (
	"math"
	"strings"
	"testing"
)

// syntheticPoints are exact speeds of the lines t = 2 ms + b_q x N for two
// sizes, and prefill t = 0.1 ms + b_q / 20 x N.
func syntheticPoints(slopes map[string]float64) []CalibrationPoint {
	var ps []CalibrationPoint
	for q, b := range slopes {
		for _, n := range []int64{20e6, 100e6} {
			ps = append(ps, CalibrationPoint{Model: q, Quant: q, Params: n,
				DecodeTPS: 1 / (2e-3 + b*float64(n)), PrefillTPS: 1 / (1e-4 + b/20*float64(n))})
		}
	}
	return ps
}

func near(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Abs(b) }

func TestFitCalibrationExact(t *testing.T) {
	slopes := map[string]float64{"F16": 1e-9, "Q8_0": 0.5e-9, "Q4_K_M": 0.7e-9}
	c, err := FitCalibration(syntheticPoints(slopes))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Quants) != 3 || c.Quants[0].Quant != "Q4_K_M" || c.Quants[2].Quant != "F16" {
		t.Fatalf("quants %+v; want Q4_K_M, Q8_0, F16 by bits", c.Quants)
	}
	for _, q := range c.Quants {
		if !near(q.Decode.OverheadSeconds, 2e-3, 1e-6) || !near(q.Decode.PerWeightSeconds, slopes[q.Quant], 1e-6) {
			t.Errorf("%s decode %+v; want 2e-3 + %g N", q.Quant, q.Decode, slopes[q.Quant])
		}
		if !near(q.Prefill.OverheadSeconds, 1e-4, 1e-4) || !near(q.Prefill.PerWeightSeconds, slopes[q.Quant]/20, 1e-6) {
			t.Errorf("%s prefill %+v; want 1e-4 + %g N", q.Quant, q.Prefill, slopes[q.Quant]/20)
		}
	}
	if c.DecodeBand != MinCalibrationBand || c.PrefillBand != MinCalibrationBand {
		t.Errorf("bands %+v %+v of an exact fit; want the minimum %+v", c.DecodeBand, c.PrefillBand, MinCalibrationBand)
	}
	for _, r := range c.Residuals {
		if r.HeldOutMissing || !near(r.HeldOutRatio, 1, 1e-6) || !near(r.FittedRatio, 1, 1e-6) {
			t.Errorf("residual %+v of an exact fit", r)
		}
	}
}

func TestFitCalibrationNoise(t *testing.T) {
	ps := syntheticPoints(map[string]float64{"F16": 1e-9, "Q8_0": 0.5e-9})
	ps[0].DecodeTPS *= 1.3 // one point 30% faster than its line
	c, err := FitCalibration(ps)
	if err != nil {
		t.Fatal(err)
	}
	if c.DecodeBand.High < 1.3 || math.Abs(c.DecodeBand.Low*c.DecodeBand.High-1) > 1e-9 {
		t.Errorf("decode band %+v does not hold the 30%% outlier symmetrically", c.DecodeBand)
	}
	if c.PrefillBand != MinCalibrationBand {
		t.Errorf("prefill band %+v; want the minimum", c.PrefillBand)
	}
}

func TestFitCalibrationNegativeOverhead(t *testing.T) {
	// Speeds exactly proportional to 1/N with a little extra time at the small
	// size would give a negative intercept: it is held at 0.
	ps := []CalibrationPoint{
		{Quant: "F16", Params: 10e6, DecodeTPS: 1 / (1e-9 * 10e6 * 0.9), PrefillTPS: 1000},
		{Quant: "F16", Params: 100e6, DecodeTPS: 1 / (1e-9 * 100e6), PrefillTPS: 100},
	}
	c, err := FitCalibration(ps)
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Quants[0].Decode; d.OverheadSeconds != 0 || d.PerWeightSeconds <= 0 {
		t.Errorf("decode %+v; want no overhead and a positive slope", d)
	}
}

func TestFitCalibrationErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		points []CalibrationPoint
		want   string
	}{
		{"none", nil, "no measured points"},
		{"one size", []CalibrationPoint{{Quant: "F16", Params: 1e6, DecodeTPS: 10, PrefillTPS: 10}}, "too few points"},
		{"slower when smaller", []CalibrationPoint{
			{Quant: "F16", Params: 1e6, DecodeTPS: 10, PrefillTPS: 10},
			{Quant: "F16", Params: 2e6, DecodeTPS: 20, PrefillTPS: 20}}, "not positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FitCalibration(tc.points)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("FitCalibration = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestCalibrationPredict(t *testing.T) {
	slopes := map[string]float64{"F16": 1e-9, "Q8_0": 0.5e-9, "Q4_K_M": 0.7e-9}
	c, err := FitCalibration(syntheticPoints(slopes))
	if err != nil {
		t.Fatal(err)
	}
	m := ModelShape{Params: 1e9, Quant: "Q4_K_M", BitsPerWeight: 4.8944}
	p, err := c.Predict(m, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 / (2e-3 + 0.7e-9*1e9); !near(p.DecodeTPS, want, 1e-6) || p.Basis != BasisCalibratedHere {
		t.Errorf("decode %g (%s); want %g calibrated here", p.DecodeTPS, p.Basis, want)
	}
	if p.DecodeLow != p.DecodeTPS*MinCalibrationBand.Low || p.DecodeHigh != p.DecodeTPS*MinCalibrationBand.High {
		t.Errorf("band %g to %g of %g; want the calibration band", p.DecodeLow, p.DecodeHigh, p.DecodeTPS)
	}

	// Q6_K (6.56 bits) lies between Q4_K_M (4.89) and Q8_0 (8.50).
	q6, err := c.Predict(ModelShape{Params: 1e9, Quant: "Q6_K"}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	w := (6.5633 - 4.8944) / (8.5008 - 4.8944)
	if want := 1 / (2e-3 + (0.7e-9+w*(0.5e-9-0.7e-9))*1e9); !near(q6.DecodeTPS, want, 1e-6) {
		t.Errorf("Q6_K decode %g; want %g", q6.DecodeTPS, want)
	}
	if q6.DecodeHigh/q6.DecodeTPS <= MinCalibrationBand.High || q6.DecodeLow/q6.DecodeTPS >= MinCalibrationBand.Low {
		t.Errorf("Q6_K band %g to %g of %g is not wider than a calibrated one", q6.DecodeLow, q6.DecodeHigh, q6.DecodeTPS)
	}

	// Q2_K lies below every calibrated type: Q4_K_M's cost, a wider band.
	q2, err := c.Predict(ModelShape{Params: 1e9, Quant: "Q2_K"}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !near(q2.DecodeTPS, p.DecodeTPS, 1e-9) || !near(q2.DecodeHigh/q2.DecodeTPS, MinCalibrationBand.High*uncalibratedFactor, 1e-9) {
		t.Errorf("Q2_K %g (up to %g); want Q4_K_M's %g with a band %g wider", q2.DecodeTPS, q2.DecodeHigh, p.DecodeTPS, uncalibratedFactor)
	}
	if _, err := c.Predict(ModelShape{Params: 1e9, Quant: "X9"}, 0, 1); err == nil {
		t.Error("an unknown quant type predicted")
	}
	if _, err := (Calibration{}).Predict(m, 0, 1); err == nil {
		t.Error("an empty calibration predicted")
	}
}

func TestCalibrationPredictContextAndConcurrency(t *testing.T) {
	c, err := FitCalibration(syntheticPoints(map[string]float64{"F16": 1e-9}))
	if err != nil {
		t.Fatal(err)
	}
	c.BandwidthGBs = 10
	m := ModelShape{Params: 1e9, Quant: "F16", Layers: 16, KVHeads: 8, HeadDim: 64}
	one, _ := c.Predict(m, 0, 1)
	long, _ := c.Predict(m, 4096, 1)
	kv := m.KVBytesPerToken() * 4096 / 10e9
	if want := 1 / (1/one.DecodeTPS + kv); !near(long.DecodeTPS, want, 1e-9) {
		t.Errorf("decode at 4096 tokens of context %g; want %g", long.DecodeTPS, want)
	}
	four, _ := c.Predict(m, 0, 4)
	mem := 16.0 / 8 / 10e9 // 2e-10 s per weight of the 1e-9 is reading
	if want := 4 / (2e-3 + 1e9*(mem+4*(1e-9-mem))); !near(four.DecodeTPS, want, 1e-4) {
		t.Errorf("aggregate decode of 4 %g; want %g", four.DecodeTPS, want)
	}
	if four.DecodeTPS <= one.DecodeTPS || four.PerRequestTPS >= one.PerRequestTPS {
		t.Errorf("4 requests: aggregate %g, each %g; one alone %g", four.DecodeTPS, four.PerRequestTPS, one.DecodeTPS)
	}
}
