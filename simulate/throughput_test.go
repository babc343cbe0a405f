package simulate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/plan-cli/plan/data"
)

var updateThroughput = flag.Bool("update-throughput", false, "rewrite simulate/testdata/throughput/validation.txt")

// Llama-3 shapes (meta-llama/llama-models sku_list.py).
var (
	llama3_8B  = ModelShape{Name: "Llama-3-8B", Params: 8_030_000_000, Layers: 32, KVHeads: 8, HeadDim: 128}
	llama3_70B = ModelShape{Name: "Llama-3-70B", Params: 70_550_000_000, Layers: 80, KVHeads: 8, HeadDim: 128}
)

type benchRow struct {
	device, model, quant string
	tg, pp               float64
}

func readBench(t *testing.T) []benchRow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "throughput", "llamacpp_bench_llama3.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []benchRow
	for _, rec := range recs[1:] {
		tg, err1 := strconv.ParseFloat(rec[3], 64)
		pp, err2 := strconv.ParseFloat(rec[4], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad row %v", rec)
		}
		rows = append(rows, benchRow{rec[0], rec[1], rec[2], tg, pp})
	}
	return rows
}

func shapeFor(t *testing.T, model, quant string) ModelShape {
	t.Helper()
	var m ModelShape
	switch model {
	case "Llama-3-8B":
		m = llama3_8B
	case "Llama-3-70B":
		m = llama3_70B
	default:
		t.Fatalf("unknown model %q", model)
	}
	bpw, ok := BitsPerWeight(quant)
	if !ok {
		t.Fatalf("unknown quant %q", quant)
	}
	m.BitsPerWeight, m.Quant = bpw, quant
	return m
}

// TestThroughputValidation predicts every XiongjieDai llama-bench row whose
// device is in the GPU catalog with the fitted constants of its device
// class, and writes the errors to testdata/throughput/validation.txt.
func TestThroughputValidation(t *testing.T) {
	rows := readBench(t)
	var out strings.Builder
	fmt.Fprintf(&out, "# llama-bench tg512 (decode) and pp512 (prefill), tokens/s: measured vs predicted with the fitted constants of\n")
	fmt.Fprintf(&out, "# each device class (data/throughput/constants.json); error = predicted/measured - 1. TFLOPS = the FP16 rate used.\n")
	fmt.Fprintf(&out, "%-34s %-12s %-7s %-27s %9s %9s %7s %9s %9s %7s %7s\n",
		"device", "model", "quant", "catalog entry", "tg meas", "tg pred", "tg err", "pp meas", "pp pred", "pp err", "TFLOPS")
	var decErr, preErr []float64
	inside := 0
	for _, r := range rows {
		g, ok := LookupGPU(r.device)
		if !ok {
			fmt.Fprintf(&out, "%-34s not in the catalog\n", r.device)
			continue
		}
		m := shapeFor(t, r.model, r.quant)
		hw := g.Hardware()
		eff := EfficiencyFor(hw)
		dec := Predict(m, hw, 256, 1, eff) // tg512: the context grows from 0 to 512
		pre := Predict(m, hw, 0, 1, eff)
		if r.tg >= dec.DecodeLow && r.tg <= dec.DecodeHigh {
			inside++
		}
		if pre.PrefillTPS > 0 && r.pp >= pre.PrefillLow && r.pp <= pre.PrefillHigh {
			inside++
		}
		if dec.GPUShare < 1 {
			t.Errorf("%s %s %s: predicted not to fit (share %.2f), but it was measured on one device", r.device, r.model, r.quant, dec.GPUShare)
		}
		de := dec.DecodeTPS/r.tg - 1
		decErr = append(decErr, math.Abs(de))
		pe := pre.PrefillTPS/r.pp - 1
		preErr = append(preErr, math.Abs(pe))
		fmt.Fprintf(&out, "%-34s %-12s %-7s %-27s %9.2f %9.2f %+6.0f%% %9.1f %9.1f %+6.0f%% %7.1f\n",
			r.device, r.model, r.quant, g.Name, r.tg, dec.DecodeTPS, 100*de, r.pp, pre.PrefillTPS, 100*pe, hw.TFLOPS)
	}
	fmt.Fprintf(&out, "decode:  %d rows, median |error| %.1f%%, max |error| %.1f%%\n", len(decErr), 100*median(decErr), 100*slices.Max(decErr))
	fmt.Fprintf(&out, "prefill: %d rows, median |error| %.1f%%, max |error| %.1f%%\n", len(preErr), 100*median(preErr), 100*slices.Max(preErr))
	fmt.Fprintf(&out, "inside the printed band: %d of %d\n", inside, len(decErr)+len(preErr))
	t.Log("\n" + out.String())

	if len(decErr) != len(rows) {
		t.Errorf("%d of %d measured devices found in the catalog", len(decErr), len(rows))
	}
	if md := median(decErr); md > 0.10 {
		t.Errorf("median decode error %.1f%%, want at most 10%%", 100*md)
	}
	if md := median(preErr); md > 0.20 {
		t.Errorf("median prefill error %.1f%%, want at most 20%%", 100*md)
	}

	golden := filepath.Join("testdata", "throughput", "validation.txt")
	if *updateThroughput {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./simulate -run TestThroughputValidation -update-throughput)", err)
	}
	if string(want) != out.String() {
		t.Errorf("%s is out of date; run go test ./simulate -run TestThroughputValidation -update-throughput", golden)
	}
}

// The embedded constants are the fit of the published measurements, and
// the fit meets its targets on the llama.cpp scoreboards: decode median
// |error| at most 10% and no case beyond 35%, prefill median at most 20%,
// and bands that hold 80 to 100% of each class's left-out measurements.
func TestThroughputConstantsFit(t *testing.T) {
	set, err := ReadPublished(filepath.Join("testdata", "throughput"))
	if err != nil {
		t.Fatal(err)
	}
	fit, checks := FitWithBands(set.Measurements)
	embedded, err := CatalogConstants()
	if err != nil {
		t.Fatal(err)
	}
	fit.Source = embedded.Source
	got, _ := json.Marshal(fit)
	want, _ := json.Marshal(embedded)
	if !bytes.Equal(got, want) {
		t.Errorf("data/throughput/constants.json is not the fit of the measurements; run go run ./scripts/throughput-check -write")
	}
	var dec, pre []float64
	inside, total := 0, 0
	for _, c := range checks {
		e := math.Abs(1/c.InSample - 1)
		if c.Case.Source == "XiongjieDai/GPU-Benchmarks-on-LLM-Inference" {
			continue
		}
		if c.Case.Decode {
			dec = append(dec, e)
			if e > 0.35 {
				t.Errorf("%s %s decode: %.0f%% off", c.Case.Device, c.Case.Model.Quant, 100*e)
			}
		} else {
			pre = append(pre, e)
		}
		eff := fit.Efficiency(c.Class)
		b := eff.DecodeBand
		if !c.Case.Decode {
			b = eff.PrefillBand
		}
		total++
		if c.LeftOut >= b.Low && c.LeftOut <= b.High {
			inside++
		}
	}
	t.Logf("scoreboards: decode median %.1f%% of %d, prefill median %.1f%% of %d, %d of %d left-out ratios inside the bands",
		100*median(dec), len(dec), 100*median(pre), len(pre), inside, total)
	if median(dec) > 0.10 || median(pre) > 0.20 {
		t.Errorf("medians %.1f%% and %.1f%%, want at most 10%% and 20%%", 100*median(dec), 100*median(pre))
	}
	if cover := float64(inside) / float64(total); cover < 0.8 {
		t.Errorf("bands hold %.0f%% of the left-out measurements, want about 90%%", 100*cover)
	}
}

// A bandwidth-only formula on a 2-core share of a server CPU says a 1.2B
// Q4_K_M model decodes at about 180 tokens/s from the socket's memory
// bandwidth (200 GB/s), where such a machine makes a few tokens/s. With the
// two cores' low compute rate (0.2 TFLOPS effective) the roofline is
// compute-bound at about 60 tokens/s: a third of the bandwidth figure, but
// still above what is observed, so a CPU's real rate should come from a
// measurement (Calibrate) rather than from its peak.
func TestThroughputCPUComputeBound(t *testing.T) {
	m := ModelShape{Name: "llama 1.2B", Params: 1_240_000_000, Layers: 16, KVHeads: 8, HeadDim: 64, Quant: "Q4_K_M"}
	m.BitsPerWeight, _ = BitsPerWeight(m.Quant)
	cpu := Hardware{Name: "2-core CPU", BandwidthGBs: 200, TFLOPS: 0.2}
	eff := Efficiency{Bandwidth: 0.7, Compute: 1} // 0.2 TFLOPS is already the effective rate
	p := Predict(m, cpu, 512, 1, eff)
	if noCompute := Predict(m, Hardware{BandwidthGBs: 200}, 512, 1, eff); noCompute.DecodeBound != BoundBandwidth {
		t.Fatalf("without a compute rate the bound is %s", noCompute.DecodeBound)
	}
	if p.DecodeBound != BoundCompute {
		t.Errorf("decode bound %s, want compute", p.DecodeBound)
	}
	bandwidthOnly := eff.Bandwidth * 200e9 / m.WeightBytes() // weights / bandwidth, nothing else
	ratio := bandwidthOnly / p.DecodeTPS
	t.Logf("bandwidth only %.0f t/s, roofline %.1f t/s (%.1fx lower)", bandwidthOnly, p.DecodeTPS, ratio)
	if ratio < 2.5 {
		t.Errorf("compute ceiling only %.1fx below the bandwidth-only figure", ratio)
	}
	want := 0.2e12 / (2 * 1.24e9 * DequantFactor("Q4_K_M"))
	if math.Abs(p.DecodeTPS/want-1) > 1e-9 {
		t.Errorf("decode %.3f t/s, want the compute ceiling %.3f", p.DecodeTPS, want)
	}
	if p.PrefillBound != BoundCompute || math.Abs(p.PrefillTPS/want-1) > 1e-9 {
		t.Errorf("prefill %.3f t/s (%s), want %.3f compute-bound", p.PrefillTPS, p.PrefillBound, want)
	}
}

func TestThroughputRoofline(t *testing.T) {
	m := shapeFor(t, "Llama-3-8B", "F16")
	hw := Hardware{BandwidthGBs: 1000, TFLOPS: 100}
	eff := Efficiency{Bandwidth: 0.5, Compute: 0.5}
	p := Predict(m, hw, 0, 1, eff)
	want := 0.5 * 1000e9 / m.ActiveWeightBytes()
	if math.Abs(p.DecodeTPS/want-1) > 1e-9 || p.DecodeBound != BoundBandwidth {
		t.Errorf("decode %.2f (%s), want %.2f bandwidth-bound", p.DecodeTPS, p.DecodeBound, want)
	}
	if p.Basis != BasisCatalog {
		t.Errorf("basis %q", p.Basis)
	}
	// The KV cache of a long context is read on every step.
	long := Predict(m, hw, 100_000, 1, eff)
	wantLong := 0.5 * 1000e9 / (m.ActiveWeightBytes() + 100_000*m.KVBytesPerToken())
	if math.Abs(long.DecodeTPS/wantLong-1) > 1e-9 {
		t.Errorf("long-context decode %.2f, want %.2f", long.DecodeTPS, wantLong)
	}
	// Many concurrent requests share one weight read until compute binds.
	var last float64
	for _, c := range []int{1, 8, 64, 512} {
		p := Predict(m, hw, 0, c, eff)
		if p.DecodeTPS < last {
			t.Errorf("aggregate decode falls from %.1f to %.1f at concurrency %d", last, p.DecodeTPS, c)
		}
		if math.Abs(p.PerRequestTPS*float64(c)/p.DecodeTPS-1) > 1e-9 {
			t.Errorf("per-request %.2f x %d != aggregate %.2f", p.PerRequestTPS, c, p.DecodeTPS)
		}
		last = p.DecodeTPS
	}
	big := Predict(m, hw, 0, 512, eff)
	if big.DecodeBound != BoundCompute {
		t.Errorf("512 requests: bound %s, want compute", big.DecodeBound)
	}
	wantBig := 0.5 * 100e12 / (2 * float64(m.Params))
	if math.Abs(big.DecodeTPS/wantBig-1) > 1e-9 {
		t.Errorf("512 requests: %.1f, want %.1f", big.DecodeTPS, wantBig)
	}
	// Mixture of experts: decode reads only the active weights.
	moe := m
	moe.ActiveParams = m.Params / 4
	if r := Predict(moe, hw, 0, 1, eff).DecodeTPS / p.DecodeTPS; math.Abs(r-4) > 1e-9 {
		t.Errorf("MoE with a quarter active: %.2fx faster, want 4x", r)
	}
	// Bands.
	eff.DecodeBand, eff.PrefillBand = Band{0.8, 1.2}, Band{0.7, 1.3}
	p = Predict(m, hw, 0, 1, eff)
	if math.Abs(p.DecodeLow-0.8*p.DecodeTPS) > 1e-9 || math.Abs(p.DecodeHigh-1.2*p.DecodeTPS) > 1e-9 ||
		math.Abs(p.PrefillLow-0.7*p.PrefillTPS) > 1e-9 || math.Abs(p.PrefillHigh-1.3*p.PrefillTPS) > 1e-9 {
		t.Errorf("bands: %+v", p)
	}
	// Unknown compute: no prefill, decode from bandwidth alone.
	p = Predict(m, Hardware{BandwidthGBs: 1000}, 0, 1, eff)
	if p.PrefillTPS != 0 || p.PrefillBound != BoundUnknown || p.DecodeTPS <= 0 {
		t.Errorf("unknown compute: %+v", p)
	}
	// Unknown bandwidth: nothing.
	p = Predict(m, Hardware{}, 0, 1, eff)
	if p.DecodeTPS != 0 || p.DecodeBound != BoundUnknown {
		t.Errorf("no hardware: %+v", p)
	}
}

func TestThroughputPartialOffload(t *testing.T) {
	m := shapeFor(t, "Llama-3-70B", "Q4_K_M") // about 43 GB
	eff := Efficiency{Bandwidth: 1, Compute: 1}
	hw := Hardware{BandwidthGBs: 1000, TFLOPS: 100, VRAMBytes: 24 << 30, CPUBandwidthGBs: 50, CPUTFLOPS: 1}
	p := Predict(m, hw, 0, 1, eff)
	perLayer := m.WeightBytes() / 80
	gpuLayers := math.Floor(float64(hw.VRAMBytes) / perLayer)
	if p.GPUShare != gpuLayers/80 {
		t.Fatalf("GPU share %.4f, want %v/80", p.GPUShare, gpuLayers)
	}
	share := gpuLayers / 80
	w := m.ActiveWeightBytes() * DequantFactor("Q4_K_M")
	step := share*w/1000e9 + (1-share)*w/50e9
	if want := 1 / step; math.Abs(p.DecodeTPS/want-1) > 1e-9 {
		t.Errorf("offloaded decode %.3f, want %.3f", p.DecodeTPS, want)
	}
	all := Predict(m, Hardware{BandwidthGBs: 1000, TFLOPS: 100}, 0, 1, eff)
	if p.DecodeTPS >= all.DecodeTPS/3 {
		t.Errorf("offload barely slows decode: %.2f vs %.2f", p.DecodeTPS, all.DecodeTPS)
	}
	// No CPU figures: unknown rather than a guess.
	hw.CPUBandwidthGBs = 0
	if p := Predict(m, hw, 0, 1, eff); p.DecodeBound != BoundUnknown || p.DecodeTPS != 0 {
		t.Errorf("offload without CPU bandwidth: %+v", p)
	}
}

// Calibrating on one model predicts another on the same machine.
func TestThroughputCalibrate(t *testing.T) {
	g, ok := LookupGPU("Apple M2 Ultra")
	if !ok {
		t.Fatal("no M2 Ultra")
	}
	hw := g.Hardware()
	eff := Calibrate([]Measurement{{
		Model: shapeFor(t, "Llama-3-8B", "Q4_K_M"), Hardware: hw, ContextTokens: 256, Concurrency: 1,
		DecodeTPS: 78.81, PrefillTPS: 994.04,
	}})
	if !eff.Calibrated {
		t.Fatal("not marked calibrated")
	}
	// The same point comes back exactly.
	p := Predict(shapeFor(t, "Llama-3-8B", "Q4_K_M"), hw, 256, 1, eff)
	if math.Abs(p.DecodeTPS/78.81-1) > 1e-9 || p.Basis != BasisCalibrated {
		t.Errorf("calibration point: %.2f t/s (%s)", p.DecodeTPS, p.Basis)
	}
	if math.Abs(p.PrefillTPS/994.04-1) > 1e-9 {
		t.Errorf("calibration point prefill: %.1f", p.PrefillTPS)
	}
	// 70B Q4_K_M on the same machine measured 12.48 t/s decode, 118.79 prefill.
	// Every other measured model on the machine falls inside the band.
	for _, o := range []struct {
		model, quant string
		tg, pp       float64
	}{{"Llama-3-8B", "F16", 36.90, 1175.40}, {"Llama-3-70B", "Q4_K_M", 12.48, 118.79}, {"Llama-3-70B", "F16", 4.76, 147.58}} {
		p := Predict(shapeFor(t, o.model, o.quant), hw, 256, 1, eff)
		t.Logf("%s %s from the 8B Q4_K_M calibration: decode %.2f [%.2f, %.2f] (measured %.2f), prefill %.1f [%.1f, %.1f] (measured %.1f)",
			o.model, o.quant, p.DecodeTPS, p.DecodeLow, p.DecodeHigh, o.tg, p.PrefillTPS, p.PrefillLow, p.PrefillHigh, o.pp)
		if o.tg < p.DecodeLow || o.tg > p.DecodeHigh {
			t.Errorf("%s %s: measured decode %.2f outside [%.2f, %.2f]", o.model, o.quant, o.tg, p.DecodeLow, p.DecodeHigh)
		}
		if o.pp < p.PrefillLow || o.pp > p.PrefillHigh {
			t.Errorf("%s %s: measured prefill %.1f outside [%.1f, %.1f]", o.model, o.quant, o.pp, p.PrefillLow, p.PrefillHigh)
		}
	}
	if eff.DecodeBand != minCalibratedDecodeBand || eff.PrefillBand != minCalibratedPrefillBand {
		t.Errorf("single-point bands %v %v, want the floors", eff.DecodeBand, eff.PrefillBand)
	}
	// Nothing measured: the default, and predictions stay catalog estimates.
	if e := Calibrate(nil); e != DefaultEfficiency() {
		t.Errorf("empty calibration %+v", e)
	}
	if e := Calibrate([]Measurement{{Model: shapeFor(t, "Llama-3-8B", "F16"), Hardware: Hardware{}, DecodeTPS: 10}}); e.Calibrated {
		t.Errorf("calibration without a usable point: %+v", e)
	}
}

func TestLookupGPU(t *testing.T) {
	for q, want := range map[string]string{
		"4090":                             "RTX 4090",
		"NVIDIA GeForce RTX 4090":          "RTX 4090",
		"rtx 4090 24gb":                    "RTX 4090",
		"RTX 3080 Ti 12GB":                 "RTX 3080 Ti",
		"RTX 3080 10GB":                    "RTX 3080 10GB",
		"3080":                             "RTX 3080 10GB",
		"RTX 4070 Ti 12GB":                 "RTX 4070 Ti",
		"RTX 4060 Ti 16GB":                 "RTX 4060 Ti 16GB",
		"Apple M1 7-core GPU 8GB":          "Apple M1",
		"Apple M3 Max 40-core GPU 64GB":    "Apple M3 Max (40-core GPU)",
		"m2 ultra":                         "Apple M2 Ultra",
		"Apple M2 Ultra 76-core GPU 192GB": "Apple M2 Ultra",
		"h100 sxm":                         "H100 SXM",
		"Radeon RX 7900 XTX":               "RX 7900 XTX",
		// nvidia-smi's names of datacenter parts (an H200 read on a real one)
		"NVIDIA H200":           "H200 SXM",
		"NVIDIA A100-SXM4-80GB": "A100 80GB SXM",
		"NVIDIA L40S":           "L40S",
	} {
		g, ok := LookupGPU(q)
		if !ok || g.Name != want {
			t.Errorf("LookupGPU(%q) = %q, %v; want %q", q, g.Name, ok, want)
		}
	}
	for _, q := range []string{"", "Voodoo 5", "RX 9090"} {
		if g, ok := LookupGPU(q); ok {
			t.Errorf("LookupGPU(%q) = %q, want no match", q, g.Name)
		}
	}
}

func TestGPUCatalog(t *testing.T) {
	gpus, err := GPUs()
	if err != nil {
		t.Fatal(err)
	}
	prov, err := data.GPUsProvenance()
	if err != nil {
		t.Fatal(err)
	}
	if prov.Entries != len(gpus) || prov.Source == "" || prov.Date == "" {
		t.Errorf("provenance %+v for %d rows", prov, len(gpus))
	}
	g, _ := LookupGPU("RTX 4090")
	if g.MemoryBytes != 24<<30 || g.BandwidthGBs != 1008 || g.FP16TFLOPS != 165.2 || g.TDPWatts != 450 || g.PriceUSD != 1599 || g.UnifiedMemory {
		t.Errorf("RTX 4090: %+v", g)
	}
	m, _ := LookupGPU("Apple M1 Max")
	if !m.UnifiedMemory || m.ComputeTFLOPS() != 10.4 {
		t.Errorf("M1 Max: %+v", m)
	}
	ti, _ := LookupGPU("RTX 3080 Ti")
	if ti.ComputeTFLOPS() != 2*34.1 {
		t.Errorf("3080 Ti compute %v, want twice FP32", ti.ComputeTFLOPS())
	}
	for _, g := range gpus {
		if g.BandwidthGBs <= 0 || g.MemoryBytes <= 0 {
			t.Errorf("%s: no bandwidth or memory", g.Name)
		}
	}
	if _, err := ParseGPUs(strings.NewReader("name,memory_gb,mem_bw_gbs\nX,abc,1\n")); err == nil {
		t.Error("bad number accepted")
	}
	if _, err := ParseGPUs(strings.NewReader("name,memory_gb\n")); err == nil {
		t.Error("missing column accepted")
	}
}
