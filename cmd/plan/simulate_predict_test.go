package main

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/plan-cli/plan/simulate/scenario"
)

// predicted runs plan simulate with predicted speeds and returns its report.
func predicted(t *testing.T, args ...string) scenario.Report {
	t.Helper()
	base := []string{"--rate", "0.05", "--duration", "30m", "--prompt-tokens", "500", "--output-tokens", "200"}
	rep := simulateJSON(t, append(base, args...)...)
	if rep.Prediction == nil {
		t.Fatalf("no prediction in the report of %v", args)
	}
	return rep
}

// RTX 4090 with Llama-3.1-8B Q4_K_M: llama.cpp measures 127.7 tokens/s at
// tg512 (xiongjiedai, reference hardware table); the catalog prediction must
// be near it, and the 8B model fits, so nothing runs on the CPU.
func TestSimulatePredictCatalogGPU(t *testing.T) {
	rep := predicted(t, "--model", "llama3.1:8b", "--gpu", "RTX 4090", "--slots", "2")
	p := rep.Prediction
	if p.Quantization != "Q4_K_M" || p.GPUShare != 1 || p.Basis != "estimated from catalog" {
		t.Errorf("prediction %+v: want Q4_K_M, all layers on the GPU, from the catalog", p)
	}
	if r := p.DecodeTPS / 127.7; r < 0.8 || r > 1.25 {
		t.Errorf("decode %.1f tokens/s, measured 127.7: ratio %.2f", p.DecodeTPS, r)
	}
	if !(p.DecodeLow < p.DecodeTPS && p.DecodeTPS < p.DecodeHigh) || p.PrefillTPS <= 0 {
		t.Errorf("band %.1f-%.1f around %.1f, prefill %.0f", p.DecodeLow, p.DecodeHigh, p.DecodeTPS, p.PrefillTPS)
	}
	if len(p.Curve) != 2 || !(p.Curve[1].DecodeTokensPerSecond > p.Curve[0].DecodeTokensPerSecond) {
		t.Errorf("curve %+v: want 2 points, rising", p.Curve)
	}
	if p.ContextTokens != 600 {
		t.Errorf("context %d, want prompt + output/2 = 600", p.ContextTokens)
	}
	b := rep.Band
	if b == nil || !(b.Slow.Latency.P50 > rep.Latency.P50 && rep.Latency.P50 > b.Fast.Latency.P50) {
		t.Errorf("band %+v around p50 %v: want slower above, faster below", b, rep.Latency.P50)
	}
}

// Two cards hold twice the memory: 70B Q4_K_M (43 GB) spills off one RTX
// 4090 but fits on two, and a card decodes at one card's speed either way.
func TestSimulatePredictCount(t *testing.T) {
	one := predicted(t, "--model", "llama3.3:70b", "--gpu", "RTX 4090").Prediction
	two := predicted(t, "--model", "llama3.3:70b", "--gpu", "RTX 4090", "--count", "2").Prediction
	if one.GPUShare >= 1 || two.GPUShare != 1 {
		t.Errorf("layer shares on GPU: one card %.2f, two %.2f; want part, all", one.GPUShare, two.GPUShare)
	}
	if !(two.DecodeTPS > 3*one.DecodeTPS) {
		t.Errorf("decode one card %.1f, two %.1f: the offloaded model must be far slower", one.DecodeTPS, two.DecodeTPS)
	}
	if !strings.Contains(strings.Join(one.Notes, " "), "run on the CPU") {
		t.Errorf("notes %q: want the offload said", one.Notes)
	}
}

// A profile taken on another machine: its first GPU from the catalog, its
// memory as measured there, its CPU bandwidth for what does not fit.
func TestSimulatePredictProfile(t *testing.T) {
	p := predicted(t, "--model", "qwen2.5:14b", "--profile", "testdata/profile-workstation.golden.json").Prediction
	if !strings.Contains(p.Hardware.Description, "RTX 4090") || p.GPUShare != 1 {
		t.Errorf("hardware %q, share %.2f: want the profile's RTX 4090 and the model on it", p.Hardware.Description, p.GPUShare)
	}
	mac := predicted(t, "--model", "llama3.3:70b", "--profile", "testdata/profile-mac.golden.json").Prediction
	if !strings.Contains(mac.Hardware.Description, "M2 Max") || mac.GPUShare != 1 {
		t.Errorf("hardware %q, share %.2f: want the M2 Max holding 70B in its 72 GiB", mac.Hardware.Description, mac.GPUShare)
	}
}

// A CPU described by its bandwidth alone decodes from system memory.
func TestSimulatePredictCPU(t *testing.T) {
	p := predicted(t, "--model", "llama3.2:1b-instruct-q8_0", "--bandwidth", "50").Prediction
	if p.Quantization != "Q8_0" || p.Hardware.VRAMBytes != 0 || p.Hardware.BandwidthGBs != 50 {
		t.Errorf("prediction %+v: want Q8_0 from the tag on a 50 GB/s CPU", p)
	}
	want := 50e9 * 0.8 / (1.24e9 * 8.5008 / 8 * 1.15)
	if p.DecodeBound == "bandwidth" && math.Abs(p.DecodeTPS/want-1) > 0.05 {
		t.Errorf("decode %.1f, want bandwidth x efficiency / bytes read = %.1f", p.DecodeTPS, want)
	}
}

func TestSimulatePredictErrors(t *testing.T) {
	base := []string{"simulate", "--rate", "1", "--duration", "1m"}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--model", "nosuch:7b", "--gpu", "RTX 4090"}, 2, `unknown --model "nosuch:7b"`},
		{[]string{"--model", "llama3.1:8b", "--gpu", "RTX 9999 Quantum"}, 2, `unknown --gpu "RTX 9999 Quantum"`},
		{[]string{"--model", "llama3.1:8b", "--count", "2"}, 2, "name the card with --gpu"},
		{[]string{"--model", "llama3.1:8b", "--gpu", "4090", "--quant", "q3_weird"}, 2, `invalid --quant "q3_weird"`},
		{[]string{"--decode-tps", "40", "--gpu", "4090"}, 2, "are for predicted speeds"},
		{[]string{"--model", "llama3.1:8b", "--gpu", "4090", "--profile", "x.json"}, 2, "either --gpu or --profile"},
		{[]string{"--model", "llama3.1:8b", "--profile", "testdata/nosuch.json"}, 1, "--profile testdata/nosuch.json"},
		{[]string{"--model", "llama3.1:8b", "--vram", "-1"}, 2, "invalid --vram"},
	} {
		code, _, stderr := runPlan(t, context.Background(), nil, append(base, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

func TestSimulateListGPUs(t *testing.T) {
	code, stdout, _ := runPlan(t, context.Background(), nil, "simulate", "--list-gpus")
	if code != 0 || !strings.Contains(stdout, "RTX 4090") || !strings.Contains(stdout, "M2 Ultra") {
		t.Errorf("exit %d, output %q", code, stdout)
	}
}
