package calibrate

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/gguf"
	"github.com/plan-cli/plan/internal/ollamatest"
	"github.com/plan-cli/plan/simulate"
)

// The sizes of the held-out check: smaller than the command's defaults to fit
// the test's time budget, with the same spread of overhead and weights.
func checkSizes() (fit []Size, heldOut Size) {
	spec := func(embd, blocks, heads, kv, ff int) gguf.Spec {
		return gguf.Spec{EmbeddingLength: embd, BlockCount: blocks, HeadCount: heads, HeadCountKV: kv,
			FeedForwardLength: ff, ContextLength: 4096, Seed: 1}
	}
	return []Size{
			{Name: "10m", Spec: spec(512, 3, 8, 4, 1536)},
			{Name: "50m", Spec: spec(1024, 4, 16, 8, 3072)},
		},
		Size{Name: "25m", Spec: spec(768, 4, 12, 4, 2304)}
}

// shape is the throughput model's view of a measured point.
func shape(p simulate.CalibrationPoint) simulate.ModelShape {
	bits, _ := simulate.BitsPerWeight(p.Quant)
	return simulate.ModelShape{Name: p.Model, Params: p.Params, Quant: p.Quant, BitsPerWeight: bits}
}

// TestCalibrationPredictsHeldOut calibrates on Q8_0 and Q4_K_M at two sizes,
// then predicts models it did not see (a third size of those types, Q6_K,
// which it interpolates by bits per weight, and Q4_0, which it extrapolates)
// and compares with their measured speeds. The generated models run on one
// thread, as all test models do. F16 is left out for time: it is the
// slowest type and the command's own run covers it.
func TestCalibrationPredictsHeldOut(t *testing.T) {
	if testing.Short() {
		t.Skip("measures eight generated models")
	}
	if os.Getenv("PLAN_REALITY") != "1" {
		t.Skip("timed measurements of eight generated models: make validate runs it, alone on the machine, with PLAN_REALITY=1")
	}
	s := ollamatest.Shared(t)
	ollamatest.Exclusive(t, 10*time.Minute)
	fitSizes, held := checkSizes()
	o := testOptions(t, s)
	o.Sizes, o.Quants = fitSizes, []string{"q8_0", "q4_K_M"}
	o.Config = DefaultConfig()
	o.Config.PromptTokens, o.Config.MaxTokens, o.Config.MaxRuns = []int{64}, []int{32}, 3
	start := time.Now()
	fitRes, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := simulate.FitCalibration(fitRes.Points)
	if err != nil {
		t.Fatal(err)
	}
	o.Sizes, o.Quants = []Size{held}, []string{"q8_0", "q6_K", "q4_K_M", "q4_0"}
	heldRes, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("measured %d models in %v", len(fitRes.Points)+len(heldRes.Points), time.Since(start).Round(time.Second))
	logCalibration(t, cal)

	var rows, outside []string
	for _, p := range heldRes.Points {
		pred, err := cal.Predict(shape(p), 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, fmt.Sprintf("%-26s %8.1f %8.1f %+6.1f%% [%5.2f,%5.2f] %9.1f %9.1f %+6.1f%% [%5.2f,%5.2f]",
			p.Model, p.DecodeTPS, pred.DecodeTPS, 100*(p.DecodeTPS/pred.DecodeTPS-1), pred.DecodeLow/pred.DecodeTPS, pred.DecodeHigh/pred.DecodeTPS,
			p.PrefillTPS, pred.PrefillTPS, 100*(p.PrefillTPS/pred.PrefillTPS-1), pred.PrefillLow/pred.PrefillTPS, pred.PrefillHigh/pred.PrefillTPS))
		outside = append(outside, checkBand(t, p.Model+" decode", p.DecodeTPS, pred.DecodeTPS, pred.DecodeLow, pred.DecodeHigh)...)
		outside = append(outside, checkBand(t, p.Model+" prefill", p.PrefillTPS, pred.PrefillTPS, pred.PrefillLow, pred.PrefillHigh)...)
	}
	// The band comes from four noisy points: it is claimed to hold at least
	// 7 of the 8 held-out speeds. A miss is printed beside its target; only
	// a speed outside twice the band (checkBand) is a gross error that fails.
	verdict := "met"
	if len(outside) > 1 {
		verdict = "MISSED: " + strings.Join(outside, "; ")
	}
	t.Logf("held-out speeds outside the predicted band: %d of %d (target: at most 1): %s", len(outside), 2*len(heldRes.Points), verdict)
	t.Logf("held-out models, measured vs predicted tokens/s (error = measured / predicted - 1; band as ratios):\n"+
		"%-26s %8s %8s %7s %13s %9s %9s %7s %13s\n%s", "model", "decode", "pred", "error", "band", "prefill", "pred", "error", "band",
		strings.Join(rows, "\n"))
	checkQ8Direction(t, cal, heldRes.Points)
	checkBandwidthTrap(t, cal)
}

// checkBand returns what lies outside [low, high], and fails the test if it
// lies outside the band stretched twice as far.
func checkBand(t *testing.T, what string, measured, predicted, low, high float64) []string {
	t.Helper()
	if measured >= low && measured <= high {
		return nil
	}
	if measured < predicted*math.Pow(low/predicted, 2) || measured > predicted*math.Pow(high/predicted, 2) {
		t.Errorf("%s: measured %.1f tokens/s, far outside the predicted %.1f to %.1f", what, measured, low, high)
	}
	return []string{fmt.Sprintf("%s %.1f not in %.1f to %.1f", what, measured, low, high)}
}

// logCalibration logs the fitted costs and the held-out residuals of the fit.
func logCalibration(t *testing.T, cal simulate.Calibration) {
	t.Helper()
	for _, q := range cal.Quants {
		t.Logf("%-7s decode %.3f ms + %.3f ms per 1M weights; prefill %.4f ms + %.4f ms per 1M weights",
			q.Quant, q.Decode.OverheadSeconds*1e3, q.Decode.PerWeightSeconds*1e9, q.Prefill.OverheadSeconds*1e3, q.Prefill.PerWeightSeconds*1e9)
	}
	for _, r := range cal.Residuals {
		t.Logf("fit point %-26s %-7s measured %8.1f fitted %+6.1f%% held out %+6.1f%%",
			r.Model, r.Phase, r.Measured, 100*(r.FittedRatio-1), 100*(r.HeldOutRatio-1))
	}
	t.Logf("bands: decode %.2f to %.2f, prefill %.2f to %.2f", cal.DecodeBand.Low, cal.DecodeBand.High, cal.PrefillBand.Low, cal.PrefillBand.High)
}

// checkQ8Direction checks that when one of Q8_0 and Q4_K_M measures clearly
// faster than the other on the held-out size, the prediction says so too.
func checkQ8Direction(t *testing.T, cal simulate.Calibration, points []simulate.CalibrationPoint) {
	t.Helper()
	byQuant := map[string]simulate.CalibrationPoint{}
	for _, p := range points {
		byQuant[p.Quant] = p
	}
	q8, q4 := byQuant["Q8_0"], byQuant["Q4_K_M"]
	if q8.DecodeTPS == 0 || q4.DecodeTPS == 0 {
		t.Fatalf("held-out points %+v lack Q8_0 or Q4_K_M", points)
	}
	p8, _ := cal.Predict(shape(q8), 0, 1)
	p4, _ := cal.Predict(shape(q4), 0, 1)
	measured, predicted := q8.DecodeTPS/q4.DecodeTPS, p8.DecodeTPS/p4.DecodeTPS
	t.Logf("Q8_0 / Q4_K_M decode speed: measured %.2f, predicted %.2f (bandwidth alone would say %.2f)",
		measured, predicted, 4.8944/8.5008)
	if math.Abs(measured-1) > 0.1 && (measured > 1) != (predicted > 1) {
		t.Errorf("measured Q8_0 / Q4_K_M %.2f but predicted %.2f: the direction differs", measured, predicted)
	}
}

// checkBandwidthTrap compares, for a 1.2B-weight Q4_K_M llama (2048 wide,
// 16 layers), the calibrated decode speed with a bandwidth-only estimate
// (measured bandwidth x 0.8 / model bytes).
func checkBandwidthTrap(t *testing.T, cal simulate.Calibration) {
	t.Helper()
	bw, err := hwprofile.MeasureBandwidth(context.Background(), hwprofile.BandwidthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := simulate.ModelShape{Name: "1.2B", Params: 1_236_000_000, Quant: "Q4_K_M", BitsPerWeight: 4.8944,
		Layers: 16, KVHeads: 8, HeadDim: 64}
	cal.BandwidthGBs = bw.GBPerS
	calibrated, err := cal.Predict(m, 128, 1)
	if err != nil {
		t.Fatal(err)
	}
	roof := simulate.Predict(m, simulate.Hardware{BandwidthGBs: bw.GBPerS}, 128, 1,
		simulate.Efficiency{Bandwidth: simulate.DefaultBandwidthEfficiency})
	t.Logf("1.2B Q4_K_M decode: calibrated %.2f tokens/s (%.2f to %.2f), bandwidth-only %.1f tokens/s at %.1f GB/s: %.0fx apart",
		calibrated.DecodeTPS, calibrated.DecodeLow, calibrated.DecodeHigh, roof.DecodeTPS, bw.GBPerS, roof.DecodeTPS/calibrated.DecodeTPS)
	if roof.DecodeTPS < 3*calibrated.DecodeHigh {
		t.Errorf("bandwidth-only %.1f tokens/s is not far above the calibrated %.2f (high %.2f)", roof.DecodeTPS, calibrated.DecodeTPS, calibrated.DecodeHigh)
	}
}
