package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyRef copies a reference export from testdata/usage into a temporary
// directory, so each test reads its own file.
func copyRef(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "usage", filepath.Base(name)))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), filepath.Base(name))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type usageJSON struct {
	TotalCostUSD           float64 `json:"total_cost_usd"`
	TotalInputTokens       int64   `json:"total_input_tokens"`
	TotalCachedInputTokens int64   `json:"total_cached_input_tokens"`
	TotalOutputTokens      int64   `json:"total_output_tokens"`
	TotalRequests          int64   `json:"total_requests"`
	ByModel                []struct {
		Model             string  `json:"model"`
		CostUSD           float64 `json:"cost_usd"`
		InputTokens       int64   `json:"input_tokens"`
		CachedInputTokens int64   `json:"cached_input_tokens"`
		OutputTokens      int64   `json:"output_tokens"`
		Requests          int64   `json:"requests"`
	} `json:"by_model"`
	Unpriced []struct {
		Model string `json:"model"`
	} `json:"unpriced"`
	Days []struct {
		Day           string  `json:"day"`
		ReportedUSD   float64 `json:"reported_cost_usd"`
		ComputedUSD   float64 `json:"computed_cost_usd"`
		DifferenceUSD float64 `json:"difference_usd"`
	} `json:"days"`
}

func runUsageJSON(t *testing.T, args ...string) usageJSON {
	t.Helper()
	code, stdout, stderr := runPlan(t, context.Background(), nil, append([]string{"usage", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var got usageJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	return got
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Expected costs are worked out by hand from the LiteLLM table of 2026-07-24
// (USD per token): gpt-4o(-2024-08-06) input 2.5e-6, cached 1.25e-6, output 1e-5;
// gpt-5(-2025-08-07) input 1.25e-6, cached 1.25e-7, output 1e-5;
// gpt-5-mini(-2025-08-07) input 2.5e-7, output 2e-6.
func TestUsageOpenAISampleMatchesCostExport(t *testing.T) {
	usage := copyRef(t, "completions_usage_sample_2025-10-05_2025-10-12.csv")
	cost := copyRef(t, "cost_sample_2025-10-05_2025-10-12.csv")
	got := runUsageJSON(t, usage, cost, "--by", "day")
	computed := map[string]float64{
		"2025-10-05": 53440*2.5e-6 + 5760*1.25e-6 + 10646*1e-5,                              // 0.24726
		"2025-10-06": 38072*1.25e-6 + 8192*1.25e-7 + 60000*1e-5 + 5783*1.25e-6 + 16000*1e-5, // 0.81584275
		"2025-10-07": 80992*2.5e-7 + 274770*2e-6,                                            // 0.569788
		"2025-10-10": 124784*2.5e-7 + 154852*2e-6,                                           // 0.3409
		"2025-10-11": 22688*2.5e-7 + 33191*2e-6,                                             // 0.072054
	}
	reported := map[string]float64{"2025-10-05": 0.895874, "2025-10-06": 0.56177125, "2025-10-07": 0.569788,
		"2025-10-08": 0.5455665, "2025-10-10": 0.3409, "2025-10-11": 0.072054}
	for _, d := range got.Days {
		if !near(d.ComputedUSD, computed[d.Day]) || !near(d.ReportedUSD, reported[d.Day]) {
			t.Errorf("%s: computed %v, reported %v; want %v, %v", d.Day, d.ComputedUSD, d.ReportedUSD, computed[d.Day], reported[d.Day])
		}
		if !near(d.DifferenceUSD, reported[d.Day]-computed[d.Day]) {
			t.Errorf("%s: difference %v; want %v", d.Day, d.DifferenceUSD, reported[d.Day]-computed[d.Day])
		}
	}
	for _, day := range []string{"2025-10-07", "2025-10-10", "2025-10-11"} {
		if math.Abs(reported[day]-computed[day]) >= 0.005 {
			t.Errorf("%s: the sample's own bill and the hand computation differ by a cent or more", day)
		}
	}
	if len(got.Days) != 6 {
		t.Errorf("got %d days; want the 6 days with usage or cost", len(got.Days))
	}
	total := 0.0
	for _, c := range computed {
		total += c
	}
	if !near(got.TotalCostUSD, total) || got.TotalInputTokens != 339711 || got.TotalCachedInputTokens != 13952 ||
		got.TotalOutputTokens != 549459 || got.TotalRequests != 53 {
		t.Errorf("totals = %+v; want cost %v, 339711 input, 13952 cached, 549459 output, 53 requests", got, total)
	}
}

// Anthropic prices (USD per token): claude-sonnet-4-20250514 input 3e-6,
// output 1.5e-5; claude-haiku-4-5-20251001 input 1e-6, output 5e-6;
// claude-opus-5 input 5e-6, 5m cache write 6.25e-6, output 2.5e-5.
func TestUsageAnthropicSample(t *testing.T) {
	got := runUsageJSON(t, copyRef(t, "console_usage_export_sample.csv"), "--by", "model")
	want := map[string]float64{
		"claude-sonnet-4":  100000*3e-6 + 5000*1.5e-5 + 200000*3e-6 + 10000*1.5e-5,
		"claude-haiku-4-5": 50000*1e-6 + 2000*5e-6,
		"claude-opus-5":    46981*5e-6 + 15969*6.25e-6 + 16932*2.5e-5,
	}
	total := 0.0
	for _, m := range got.ByModel {
		if !near(m.CostUSD, want[m.Model]) {
			t.Errorf("%s: cost %v; want %v", m.Model, m.CostUSD, want[m.Model])
		}
		total += want[m.Model]
	}
	if len(got.ByModel) != 3 || !near(got.TotalCostUSD, total) || got.TotalInputTokens != 100000+50000+200000+46981+15969 {
		t.Errorf("summary = %+v; want 3 models, cost %v", got, total)
	}
}

func TestUsageUnknownModelIsReported(t *testing.T) {
	p := filepath.Join(t.TempDir(), "generic.csv")
	os.WriteFile(p, []byte("timestamp,model,input_tokens,output_tokens\n2026-01-02T10:00:00Z,gpt-4o,1000000,0\n2026-01-02T11:00:00Z,my-private-model,500,20\n"), 0o644)
	got := runUsageJSON(t, p)
	if len(got.Unpriced) != 1 || got.Unpriced[0].Model != "my-private-model" || !near(got.TotalCostUSD, 2.5) {
		t.Errorf("unpriced = %+v, cost %v; want my-private-model listed and $2.50 for gpt-4o", got.Unpriced, got.TotalCostUSD)
	}
	code, stdout, _ := runPlan(t, context.Background(), nil, "usage", p)
	if code != 0 || !strings.Contains(stdout, "my-private-model") || !strings.Contains(stdout, "--prices FILE") {
		t.Errorf("table output should list the unpriced model and how to price it:\n%s", stdout)
	}
}

func TestUsageBadInput(t *testing.T) {
	dir := t.TempDir()
	unknown := filepath.Join(dir, "mystery.csv")
	os.WriteFile(unknown, []byte("when,what,how_much\n1,2,3\n"), 0o644)
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("timestamp,model,input_tokens,output_tokens\n2026-01-02T10:00:00Z,gpt-4o,12,3\n2026-01-02T11:00:00Z,gpt-4o,-5,3\n"), 0o644)
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"unknown header", []string{unknown}, 1, []string{unknown, `"when", "what", "how_much"`, "generic-csv"}},
		{"bad row warns", []string{bad}, 0, []string{bad + ":3:", "1 bad rows skipped"}},
		{"bad row strict", []string{bad, "--strict"}, 1, []string{bad + ":3:"}},
		{"missing file", []string{filepath.Join(dir, "nope.csv")}, 1, []string{"nope.csv"}},
		{"bad --by", []string{bad, "--by", "week"}, 2, []string{"--by"}},
		{"bad --input-format", []string{bad, "--input-format", "xls"}, 2, []string{"--input-format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runPlan(t, context.Background(), nil, append([]string{"usage"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d; want %d (stderr %q)", code, tt.code, stderr)
			}
			for _, c := range tt.contains {
				if !strings.Contains(stderr, c) {
					t.Errorf("stderr %q should contain %q", stderr, c)
				}
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stderr has a stack trace: %q", stderr)
			}
		})
	}
}

func TestUsageOutputGolden(t *testing.T) {
	usage := copyRef(t, "completions_usage_sample_2025-10-05_2025-10-12.csv")
	cost := copyRef(t, "cost_sample_2025-10-05_2025-10-12.csv")
	for _, format := range []string{"table", "md", "csv"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runPlan(t, context.Background(), nil, "usage", usage, cost, "--by", "day", "--format", format)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			checkGolden(t, "usage-openai."+format, []byte(stdout))
		})
	}
}
