package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plan-cli/plan/pricing"
)

func TestPricesGolden(t *testing.T) {
	for _, format := range []string{"table", "json", "csv"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runPlan(t, context.Background(), nil, "prices", "gpt-4o", "--format", format)
			if code != 0 || stderr != "" {
				t.Fatalf("plan prices gpt-4o --format %s: exit %d, stderr %q; want 0 and nothing", format, code, stderr)
			}
			checkGolden(t, "prices-gpt-4o."+format, []byte(stdout))
		})
	}
}

func TestPricesTableNamesSourceAndDate(t *testing.T) {
	_, stdout, _ := runPlan(t, context.Background(), nil, "prices", "claude-sonnet-4-5")
	first, _, _ := strings.Cut(stdout, "\n")
	want := "Prices in USD per 1M tokens from BerriAI/litellm model_prices_and_context_window.json of 2026-07-24T18:23:43Z (built in)"
	if first != want {
		t.Errorf("first line = %q; want %q", first, want)
	}
	// claude-sonnet-4-5: $3 input, $0.30 read, $3.75 and $6 writes, $15 output; $6/$22.50 above 200k.
	if row, want := tableRow(stdout, "claude-sonnet-4-5"), "claude-sonnet-4-5 anthropic 3 0.3 3.75 6 15 >200k 6/22.5 - - - 200000"; row != want {
		t.Errorf("plan prices claude-sonnet-4-5 row = %q; want %q", row, want)
	}
}

// tableRow returns the table row of model, its cells separated by single spaces.
func tableRow(table, model string) string {
	for _, line := range strings.Split(table, "\n") {
		if strings.HasPrefix(line, model+" ") {
			return strings.Join(strings.Fields(line), " ")
		}
	}
	return ""
}

func TestPricesJSON(t *testing.T) {
	_, stdout, _ := runPlan(t, context.Background(), nil, "prices", "gpt-5.4-2026-03-05", "--format", "json")
	var doc pricing.Listing
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Models) != 1 || len(doc.Sources) != 1 || doc.Sources[0].Date != "2026-07-24T18:23:43Z" {
		t.Fatalf("JSON = %s; want one model and the dated source", stdout)
	}
	m := doc.Models[0]
	if m.Canonical != "gpt-5.4" || m.MaxInputTokens != 1050000 {
		t.Errorf("model = %+v; want canonical gpt-5.4 with 1050000 input tokens", m)
	}
	// gpt-5.4-2026-03-05: standard, batch, flex, priority, and standard above 272k.
	var got []string
	for _, r := range m.Prices {
		got = append(got, fmt.Sprintf("%s>%dk=%g/%g", r.Tier, r.AboveTokens/1000, *r.Input, *r.Output))
	}
	want := "standard>0k=2.5/15 batch>0k=1.25/7.5 flex>0k=1.25/7.5 priority>0k=5/30 standard>272k=5/22.5"
	if strings.Join(got, " ") != want {
		t.Errorf("price rows = %s; want %s", strings.Join(got, " "), want)
	}
}

func TestPricesPatterns(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string // models that must be listed
		notWant []string
	}{
		{"GPT-4O-MINI", []string{"gpt-4o-mini", "gpt-4o-mini-2024-07-18"}, []string{"gpt-4o-2024-08-06"}},
		{"claude-opus-4-?", []string{"claude-opus-4-1", "claude-opus-4-5"}, []string{"claude-opus-4-1-20250805"}},
		{"*haiku*", []string{"claude-haiku-4-5", "claude-3-haiku-20240307", "vertex_ai/claude-3-5-haiku"}, nil},
		{"Claude Sonnet 4", []string{"claude-sonnet-4-20250514", "claude-4-sonnet-20250514"}, []string{"gpt-4o"}},
	}
	for _, tt := range tests {
		code, stdout, stderr := runPlan(t, context.Background(), nil, "prices", tt.pattern, "--format", "csv")
		if code != 0 {
			t.Errorf("plan prices %q: exit %d, stderr %q", tt.pattern, code, stderr)
			continue
		}
		models := csvModels(t, stdout)
		for _, m := range tt.want {
			if !models[m] {
				t.Errorf("plan prices %q does not list %s", tt.pattern, m)
			}
		}
		for _, m := range tt.notWant {
			if models[m] {
				t.Errorf("plan prices %q lists %s", tt.pattern, m)
			}
		}
	}
}

func csvModels(t *testing.T, text string) map[string]bool {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	models := make(map[string]bool)
	for _, r := range recs[1:] {
		models[r[0]] = true
	}
	return models
}

func TestPricesOverrideFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mine.json")
	override := `{
		"gpt-4o": {"input_cost_per_token": 2e-06},
		"my-model": {"litellm_provider": "local", "input_cost_per_token": 1e-07, "output_cost_per_token": 2e-07, "max_input_tokens": 32768}
	}`
	if err := os.WriteFile(path, []byte(override), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runPlan(t, context.Background(), nil, "prices", "--prices", path, "my-model")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := "merged with " + path + " (2 entries, 2 with token prices)"
	if row := tableRow(stdout, "my-model"); !strings.Contains(stdout, want) || row != "my-model local 0.1 - - - 0.2 - - - - 32768 "+path {
		t.Errorf("plan prices --prices printed:\n%s\nwant the file named and my-model's prices from it", stdout)
	}
	_, stdout, _ = runPlan(t, context.Background(), nil, "prices", "--prices", path, "gpt-4o-mini", "--format", "csv")
	if strings.Contains(stdout, path) {
		t.Errorf("gpt-4o-mini rows name %s as their source; want only changed entries to", path)
	}
	_, stdout, _ = runPlan(t, context.Background(), nil, "prices", "--prices", path, "gpt-4o", "--format", "csv")
	for _, line := range strings.Split(stdout, "\n") {
		// gpt-4o: input now $2 from the file, output still the built-in $10.
		if strings.HasPrefix(line, "gpt-4o,gpt-4o,openai,chat,standard,0,") &&
			!strings.HasPrefix(line, "gpt-4o,gpt-4o,openai,chat,standard,0,2,1.25,,,10,") {
			t.Errorf("gpt-4o after the override: %s; want input 2, cache read 1.25, output 10", line)
		}
	}
}

func TestPricesErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\"gpt-4o\": {\"input_cost_per_token\": \"$2.50\"}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.json")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"bad format", []string{"prices", "--format", "yaml"}, 2, `plan: invalid --format "yaml": want table, json, csv`},
		{"two patterns", []string{"prices", "a", "b"}, 2, "accepts at most 1 arg(s), received 2"},
		{"no match", []string{"prices", "no-such-model"}, 1, `plan: no priced model matches "no-such-model"`},
		{"missing file", []string{"prices", "--prices", missing}, 1, "plan: --prices: reading price file: open " + missing},
		{"bad price", []string{"prices", "--prices", bad}, 1,
			`plan: --prices: ` + bad + `:1: entry "gpt-4o": input_cost_per_token: found "$2.50"; want a number of USD per token`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runPlan(t, context.Background(), nil, tt.args...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) || stdout != "" {
				t.Errorf("plan %s: exit %d, stdout %q, stderr %q; want exit %d and %q", strings.Join(tt.args, " "),
					code, stdout, stderr, tt.wantCode, tt.wantErr)
			}
		})
	}
}

func TestPricesHelpDocumentsColumns(t *testing.T) {
	_, stdout, _ := runPlan(t, context.Background(), nil, "help", "metrics")
	for _, s := range []string{"INPUT [input_usd_per_mtok]", "CACHE READ", "WRITE 5M", "WRITE 1H", "OUTPUT", "LONG CONTEXT",
		"BATCH, FLEX, PRIORITY", "MAX INPUT", "reasoning_usd_per_mtok", "cost = uncached input × INPUT", "--prices FILE"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("plan help metrics lacks %q", s)
		}
	}
}
