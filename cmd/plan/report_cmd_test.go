package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plan-cli/plan/planner"
)

// reportJSON runs plan report --format json and decodes the fields the
// issue names, plus the routes.
func reportJSON(t *testing.T, args ...string) (map[string]any, string) {
	t.Helper()
	code, stdout, stderr := runPlan(t, context.Background(), nil, append(append([]string{"report"}, args...), "--format", "json")...)
	if code != 0 {
		t.Fatalf("plan report %v: exit %d, stderr %q", args, code, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("decoding: %v\n%s", err, stdout)
	}
	return m, stderr
}

// With no exports, plan report runs on the example data and says so.
func TestReportExample(t *testing.T) {
	m, stderr := reportJSON(t, "--gpu", "RTX 4090")
	if m["example_data"] != true || !strings.Contains(stderr, "EXAMPLE usage data") {
		t.Errorf("example_data %v, stderr %q", m["example_data"], stderr)
	}
	for _, k := range []string{"break_even_months", "monthly_cloud_cost_usd", "monthly_local_cost_usd", "share_spend_local", "recommendations"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in the JSON", k)
		}
	}
	recs, _ := m["recommendations"].([]any)
	if len(recs) == 0 {
		t.Fatal("no recommendations")
	}
	r0 := recs[0].(map[string]any)
	for _, k := range []string{"model", "quantization", "memory_bytes", "decode_tokens_per_second"} {
		if _, ok := r0[k]; !ok {
			t.Errorf("recommendation lacks %q: %v", k, r0)
		}
	}
	if s := m["share_spend_local"].(float64); !(s > 0.2 && s < 0.9) {
		t.Errorf("share of spend moved %v: the example's o3 research stays, the rest can largely move to an RTX 4090", s)
	}
	code, stdout, _ := runPlan(t, context.Background(), nil, "report", "--gpu", "RTX 4090")
	if code != 0 || !strings.HasPrefix(stdout, "EXAMPLE DATA") {
		t.Errorf("table report: exit %d, starts %.80q", code, stdout)
	}
}

// writeMonth writes a generic usage CSV of one month: n requests a day,
// spread over working hours, of the given sizes, on model.
func writeMonth(t *testing.T, model string, perDay, prompt, output int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("timestamp,provider,model,requests,input_tokens,output_tokens\n")
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for d := range 30 {
		for h := 9; h < 17; h++ {
			n := perDay / 8
			at := start.Add(time.Duration(d*24+h) * time.Hour)
			fmt.Fprintf(&b, "%s,openai,%s,%d,%d,%d\n", at.Format(time.RFC3339), model, n, n*prompt, n*output)
		}
	}
	path := filepath.Join(t.TempDir(), "usage.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The public write-ups' case: 10M tokens a month on a GPT-4-class model at
// about $30 per 1M tokens (about $300 a month) against a $2,500-3,000 RTX
// 4090 workstation breaks even in roughly 8-10 months.
func TestReportBreakEvenSanity(t *testing.T) {
	dir := t.TempDir()
	prices := filepath.Join(dir, "prices.json")
	os.WriteFile(prices, []byte(`{"gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 3e-05, "output_cost_per_token": 3e-05}}`), 0o644)
	usagePath := writeMonth(t, "gpt-4o", 336, 800, 200) // 336 x 30 x 1000 = 10.08M tokens
	for _, cost := range []string{"2500", "2750", "3000"} {
		m, _ := reportJSON(t, "--usage", usagePath, "--prices", prices, "--gpu", "RTX 4090", "--hardware-cost", cost)
		cloud := m["monthly_cloud_cost_usd"].(float64)
		be, ok := m["break_even_months"].(float64)
		if !ok || be < 7.5 || be > 11 || cloud < 290 || cloud > 320 || m["share_spend_local"].(float64) < 0.95 {
			t.Errorf("$%s: cloud $%.0f/month, %.0f%% moved, break-even %v months; want about $300, all of it, 8-10 months",
				cost, cloud, 100*m["share_spend_local"].(float64), m["break_even_months"])
		}
	}
}

func TestReportErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--usage", "testdata/nosuch.csv"}, 1, "nosuch.csv"},
		{[]string{"--share-local", "1.5"}, 2, "invalid --share-local"},
		{[]string{"--format", "pdf"}, 2, "pdf"},
		{[]string{"--gpu", "RTX 9999 Quantum"}, 2, `unknown --gpu "RTX 9999 Quantum"`},
		{[]string{"--tasks", "testdata/nosuch.json"}, 1, "--tasks"},
	} {
		code, _, stderr := runPlan(t, context.Background(), nil, append([]string{"report"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

// Common guidance on what fits: 8 GB runs 7-8B models at 4-bit on the GPU
// and 13B-class only with offload; 16 GB runs 13-14B comfortably; 24 GB runs
// ~30B-class at 4-bit.
func TestRecommendGuidance(t *testing.T) {
	fits := func(gpu, tag, quant string) string {
		code, stdout, stderr := runPlan(t, context.Background(), nil, "recommend", "--gpu", gpu, "--context", "4096",
			"--parallel", "1", "--top", "200", "--min-tps", "0.001", "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var rep planner.Shortlist
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Recommendations {
			if r.Model == tag && r.Quantization == quant {
				return r.Fit
			}
		}
		return "none"
	}
	for _, c := range []struct{ gpu, tag, quant, want string }{
		{"RTX 4060", "llama3.1:8b", "Q4_K_M", "gpu"},
		{"RTX 4060", "qwen2.5:14b", "Q4_K_M", "partial"},
		{"RTX 4060 Ti 16GB", "qwen2.5:14b", "Q4_K_M", "gpu"},
		{"RTX 4090", "qwen2.5:32b", "Q4_K_M", "gpu"},
		{"RTX 4090", "llama3.3:70b", "Q4_K_M", "partial"},
	} {
		if got := fits(c.gpu, c.tag, c.quant); got != c.want {
			t.Errorf("%s on %s: %s, want %s", c.tag+" "+c.quant, c.gpu, got, c.want)
		}
	}
}
