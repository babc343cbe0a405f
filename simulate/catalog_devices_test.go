package simulate

import (
	"math"
	"testing"
)

// Every device of the catalog predicts positive, finite decode and prefill
// speeds for every catalog model, with a wider prefill band where its
// compute figure is an estimate.
func TestEveryCatalogDevicePredicts(t *testing.T) {
	gpus, err := GPUs()
	if err != nil {
		t.Fatal(err)
	}
	models, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	ok := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) }
	for _, g := range gpus {
		if !ok(g.ComputeTFLOPS()) {
			t.Errorf("%s: no compute figure", g.Name)
		}
		hw := g.Hardware()
		hw.CPUBandwidthGBs, hw.CPUTFLOPS = 50, 1
		for _, m := range models {
			s, err := m.Shape(m.DefaultQuant)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range []int{1, 4} {
				p := Predict(s, hw, 4096, k, DefaultEfficiency())
				if !ok(p.DecodeTPS) || !ok(p.PrefillTPS) || !ok(p.PrefillLow) || !(p.PrefillHigh > p.PrefillLow) {
					t.Errorf("%s, %s x%d: decode %v, prefill %v (%v-%v)", g.Name, m.Tag, k, p.DecodeTPS, p.PrefillTPS, p.PrefillLow, p.PrefillHigh)
				}
				if g.ComputeEstimated() && p.PrefillHigh/p.PrefillTPS < DefaultPrefillBand.High*EstimatedComputeBand-1e-9 {
					t.Errorf("%s: estimated compute, prefill band %v-%v not widened", g.Name, p.PrefillLow, p.PrefillHigh)
				}
			}
		}
	}
}

// A part with no compute figure gets one estimated from its bandwidth and
// its vendor's parts, marked as an estimate.
func TestEstimateCompute(t *testing.T) {
	gpus := []GPU{
		{Name: "a", Vendor: "X", BandwidthGBs: 100, FP16TFLOPS: 10},
		{Name: "b", Vendor: "X", BandwidthGBs: 200, FP16TFLOPS: 40},
		{Name: "c", Vendor: "X", BandwidthGBs: 300, FP16TFLOPS: 30},
		{Name: "new", Vendor: "X", BandwidthGBs: 500},
	}
	estimateCompute(gpus)
	if g := gpus[3]; g.ComputeTFLOPS() != 50 || !g.ComputeEstimated() {
		t.Errorf("estimate %v (%q), want the median 0.1 TFLOPS per GB/s x 500 = 50, marked", g.ComputeTFLOPS(), g.ComputeBasis)
	}
}
