package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/plan-cli/plan/planner"
)

// writeDaily writes a generic usage CSV with one row a day for days days
// from start: requests, input and output tokens a day, on model.
func writeDaily(t *testing.T, dir, name, model string, start time.Time, days int, requests, in, out int64) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("timestamp,provider,model,requests,input_tokens,output_tokens\n")
	for d := range days {
		fmt.Fprintf(&b, "%s,openai,%s,%d,%d,%d\n", start.AddDate(0, 0, d).Format("2006-01-02"), model, requests, in, out)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The write-ups' case from a plain export: 10M tokens a month on gpt-4
// (about $330 at its list prices) against a $2,500-3,000 RTX 4090
// workstation breaks even in about 8-10 months, with no price or quality
// override.
func TestReportWriteupCase(t *testing.T) {
	path := writeDaily(t, t.TempDir(), "gpt4.csv", "gpt-4", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 30, 1000, 300000, 33333)
	for _, c := range []struct {
		cost   []string
		lo, hi float64
	}{{nil, 8, 10}, {[]string{"--hardware-cost", "2500"}, 7.5, 10}, {[]string{"--hardware-cost", "3000"}, 8, 10.5}} {
		m, _ := reportJSON(t, append([]string{"--usage", path, "--gpu", "RTX 4090"}, c.cost...)...)
		be, ok := m["break_even_months"].(float64)
		if !ok || be < c.lo || be > c.hi || m["share_spend_local"].(float64) < 0.95 {
			t.Errorf("%v: %.0f%% of $%.0f moved, break-even %v; want all of it and %v-%v months",
				c.cost, 100*m["share_spend_local"].(float64), m["monthly_cloud_cost_usd"], m["break_even_months"], c.lo, c.hi)
		}
	}
}

// --quality states a model's quality: a low score keeps the traffic in
// the cloud, a bad value is a usage error.
func TestReportQualityFlag(t *testing.T) {
	path := writeDaily(t, t.TempDir(), "gpt4.csv", "gpt-4", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 30, 1000, 300000, 33333)
	m, _ := reportJSON(t, "--usage", path, "--gpu", "RTX 4090", "--quality", "gpt-4=1500")
	if s := m["share_spend_local"].(float64); s != 0 {
		t.Errorf("gpt-4 rated 1500 by the user: %.0f%% moved, want none", 100*s)
	}
	code, _, stderr := runPlan(t, context.Background(), nil, "report", "--usage", path, "--quality", "gpt-4")
	if code != 2 || !strings.Contains(stderr, "MODEL=SCORE") {
		t.Errorf("--quality gpt-4: exit %d, %q", code, stderr)
	}
	qf := filepath.Join(t.TempDir(), "q.csv")
	os.WriteFile(qf, []byte("id,kind,lmarena_score\nmy-model,cloud,1100\n"), 0o644)
	own := writeDaily(t, t.TempDir(), "own.csv", "my-model", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 30, 1000, 300000, 33333)
	prices := filepath.Join(t.TempDir(), "prices.json")
	os.WriteFile(prices, []byte(`{"my-model": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 3e-05, "output_cost_per_token": 6e-05}}`), 0o644)
	m, _ = reportJSON(t, "--usage", own, "--prices", prices, "--gpu", "RTX 4090", "--quality-file", qf)
	if s := m["share_spend_local"].(float64); s < 0.95 {
		t.Errorf("my-model rated 1100 in --quality-file: %.0f%% moved, want all", 100*s)
	}
}

// Several files, shell globs and directories work in every command that
// reads exports.
func TestReadsManyExports(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	a := writeDaily(t, dir, "a.csv", "gpt-4o", start, 30, 100, 100000, 10000)
	b := writeDaily(t, dir, "b.csv", "gpt-4o-mini", start, 30, 100, 100000, 10000)
	for _, args := range [][]string{
		{"report", "--usage", a, b, "--gpu", "RTX 4090", "--format", "json"},
		{"report", a, b, "--gpu", "RTX 4090", "--format", "json"},
		{"report", "--usage", dir, "--gpu", "RTX 4090", "--format", "json"},
		{"recommend", "--usage", a, b, "--gpu", "RTX 4090"},
		{"simulate", "--usage", a, b, "--gpu", "RTX 4090", "--model", "llama3.1:8b", "--hours", "2"},
	} {
		code, stdout, stderr := runPlan(t, context.Background(), nil, args...)
		if code != 0 {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
			continue
		}
		if args[0] == "report" && !strings.Contains(stdout, "gpt-4o-mini") {
			t.Errorf("%v: the second file's model is missing", args)
		}
	}
}

// Exports of different periods are each made monthly over their own
// period, with a warning; business hours count whole days.
func TestReportExportPeriods(t *testing.T) {
	dir := t.TempDir()
	long := writeDaily(t, dir, "openai.csv", "gpt-4o", time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), 61, 100, 1000000, 100000)
	short := writeDaily(t, dir, "openrouter.csv", "gpt-4o-mini", time.Date(2026, 9, 18, 0, 0, 0, 0, time.UTC), 14, 100, 10000000, 1000000)
	m, stderr := reportJSON(t, "--usage", long, short, "--gpu", "RTX 4090")
	// gpt-4o: $3.50 a day; gpt-4o-mini: $2.10 a day; each a month of 30.44 days.
	want := (3.5 + 2.1) * 30.44
	if got := m["usage"].(map[string]any)["monthly_spend_usd"].(float64); math.Abs(got-want) > 0.5 {
		t.Errorf("monthly spend $%.2f, want $%.2f (each export over its own period)", got, want)
	}
	if !strings.Contains(stderr, "different periods") {
		t.Errorf("no warning that the periods differ: %q", stderr)
	}
	var b strings.Builder
	b.WriteString("timestamp,provider,model,requests,input_tokens,output_tokens\n")
	for d := range 30 {
		for h := 9; h < 17; h++ {
			at := time.Date(2026, 9, 1+d, h, 30, 0, 0, time.UTC)
			fmt.Fprintf(&b, "%s,openai,gpt-4o,1,100000,10000\n", at.Format(time.RFC3339))
		}
	}
	office := filepath.Join(dir, "office.csv")
	os.WriteFile(office, []byte(b.String()), 0o644)
	m, _ = reportJSON(t, "--usage", office, "--gpu", "RTX 4090")
	// $0.35 a request, 8 a day, over 30 whole days.
	if got, want := m["monthly_cloud_cost_usd"].(float64), 0.35*8*30.44; math.Abs(got-want) > 0.5 {
		t.Errorf("business-hours export: $%.2f a month, want $%.2f over whole days", got, want)
	}
}

// The devices the catalog once had no compute figure for work in every
// command; a device whose figure is an estimate says so.
func TestCatalogDevicesWork(t *testing.T) {
	usagePath := writeDaily(t, t.TempDir(), "u.csv", "gpt-4o-mini", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 2, 50, 50000, 5000)
	for _, gpu := range []string{"Apple M4", "DGX Spark (GB10)", "RX 9070 XT", "Ryzen AI Max+ 395 (Strix Halo)"} {
		m, _ := reportJSON(t, "--usage", usagePath, "--gpu", gpu)
		recs := m["recommendations"].([]any)
		if len(recs) == 0 || !(recs[0].(map[string]any)["prefill_tokens_per_second"].(float64) > 0) {
			t.Errorf("%s: no recommendation with a prefill speed", gpu)
		}
		code, stdout, stderr := runPlan(t, context.Background(), nil, "recommend", "--gpu", gpu, "--format", "csv")
		if code != 0 || strings.Contains(stdout, ",0,") {
			t.Errorf("recommend --gpu %q: exit %d, %q\n%s", gpu, code, stderr, stdout)
		}
		code, _, stderr = runPlan(t, context.Background(), nil, "simulate", "--gpu", gpu, "--model", "llama3.1:8b", "--rate", "0.1", "--duration", "10m")
		if code != 0 {
			t.Errorf("simulate --gpu %q: exit %d, %q", gpu, code, stderr)
		}
	}
	m, _ := reportJSON(t, "--usage", usagePath, "--gpu", "DGX Spark")
	if !strings.Contains(fmt.Sprint(m["notes"]), "estimate") {
		t.Errorf("DGX Spark's compute is an estimate and the notes do not say so: %v", m["notes"])
	}
}

// --vram N alone means a GPU with N GB: a representative catalog GPU of
// that memory, named, and the common guidance holds: the top picks for 8,
// 16 and 24 GB include 7-9B, 12-14B and 27-32B models at 4 bits that fit
// entirely.
func TestRecommendVRAMGuidance(t *testing.T) {
	for _, c := range []struct {
		vram   string
		lo, hi float64
	}{{"8", 7, 9.5}, {"16", 12, 15}, {"24", 27, 33}} {
		code, stdout, stderr := runPlan(t, context.Background(), nil, "recommend", "--vram", c.vram, "--format", "json")
		if code != 0 {
			t.Fatalf("--vram %s: exit %d, %s", c.vram, code, stderr)
		}
		var rep planner.Shortlist
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(rep.Hardware, "GPU with "+c.vram+" GB, assumed to be like the RTX") {
			t.Errorf("--vram %s: hardware %q does not name the GPU assumed", c.vram, rep.Hardware)
		}
		found := false
		for _, r := range rep.Recommendations {
			q, _, err := planner.OpenQuality(r.Model)
			if err == nil && strings.HasPrefix(r.Quantization, "Q4") && r.Fit == "gpu" && q.ParamsB >= c.lo && q.ParamsB <= c.hi {
				found = true
			}
		}
		if !found {
			t.Errorf("--vram %s: no %v-%vB model at 4 bits fits entirely in the top %d: %+v", c.vram, c.lo, c.hi, len(rep.Recommendations), rep.Recommendations)
		}
	}
}

// An export without request counts or times of day says what it assumes,
// in every format, and sizes nothing from the artefacts of its format.
func TestReportCoarseExports(t *testing.T) {
	anthropic := "testdata/usage/console_usage_export_sample.csv"
	m, _ := reportJSON(t, "--usage", anthropic, "--gpu", "RTX 4090")
	assumed := fmt.Sprint(m["usage"].(map[string]any)["assumptions"])
	for _, want := range []string{"count no requests", "office-hours", "8192 tokens of context"} {
		if !strings.Contains(assumed, want) {
			t.Errorf("assumptions %q lack %q", assumed, want)
		}
	}
	for _, r := range m["recommendations"].([]any) {
		if c := r.(map[string]any)["context_tokens"].(float64); c != 8192 {
			t.Errorf("context %v from an export that gives no request sizes, want the stated 8192", c)
		}
	}
	for _, format := range []string{"table", "md", "csv", "html"} {
		code, stdout, _ := runPlan(t, context.Background(), nil, "report", "--usage", anthropic, "--gpu", "RTX 4090", "--format", format)
		if code != 0 || !strings.Contains(stdout, "count no requests") {
			t.Errorf("--format %s: exit %d, the assumption is not shown", format, code)
		}
	}
	// Daily buckets: the busiest hour is in office hours, not at midnight.
	daily := writeDaily(t, t.TempDir(), "daily.csv", "gpt-4o-mini", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 7, 2400, 2400000, 240000)
	m, _ = reportJSON(t, "--usage", daily, "--gpu", "RTX 4090")
	bh := m["busiest_hour"].(map[string]any)
	start, _ := time.Parse(time.RFC3339, bh["start"].(string))
	if h := start.Hour(); h < 9 || h >= 17 {
		t.Errorf("busiest hour of daily buckets at %s, want within 9-17 h", start)
	}
	if n := bh["requests"].(float64); n < 2400/24*2 {
		t.Errorf("busiest hour holds %v requests; an office profile puts about 2.4x the mean (240) in it", n)
	}
}

// When nothing should move, every format says so plainly: no model is
// chosen, nothing is to be installed, no latency is judged and no cost
// curve is drawn.
func TestReportNothingMoves(t *testing.T) {
	dir := t.TempDir()
	path := writeDaily(t, dir, "u.csv", "gpt-4o", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 30, 1000, 1000000, 100000)
	env := filepath.Join(dir, "ollama.env")
	args := []string{"report", "--usage", path, "--gpu", "RTX 4090", "--quality", "gpt-4o=1700", "--ollama-env", env}
	code, stdout, stderr := runPlan(t, context.Background(), nil, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, bad := range []string{"chosen", "is within the", "is over the"} {
		if strings.Contains(stdout, bad) {
			t.Errorf("nothing moves, yet the report says %q:\n%s", bad, stdout)
		}
	}
	if !strings.Contains(stdout, "nothing to install") {
		t.Errorf("the report does not say there is nothing to install:\n%s", stdout)
	}
	b, _ := os.ReadFile(env)
	if strings.Contains(string(b), "OLLAMA_") && !strings.Contains(string(b), "nothing to install") || strings.Contains(string(b), "ollama pull") {
		t.Errorf("env file when nothing moves:\n%s", b)
	}
	_, html, _ := runPlan(t, context.Background(), nil, "report", "--usage", path, "--gpu", "RTX 4090", "--quality", "gpt-4o=1700", "--format", "html")
	if strings.Contains(html, "Cumulative cost") {
		t.Error("the HTML draws a cost curve of traffic that does not move")
	}
}

// An overloaded simulation says so in every format instead of printing
// hour-long latencies as if they were the server's.
func TestSimulateSaysOverloaded(t *testing.T) {
	code, stdout, stderr := runPlan(t, context.Background(), nil, "simulate", "--rate", "2", "--duration", "30m", "--decode-tps", "20", "--prefill-tps", "500", "--slots", "2", "--format", "json")
	if code != 0 || !strings.Contains(stderr, "beyond the local servers' capacity") || !strings.Contains(stdout, `"overloaded": true`) {
		t.Errorf("exit %d, stderr %q, JSON overloaded missing", code, stderr)
	}
	_, stdout, _ = runPlan(t, context.Background(), nil, "simulate", "--rate", "2", "--duration", "30m", "--decode-tps", "20", "--prefill-tps", "500", "--slots", "2")
	if !strings.Contains(stdout, "OVERLOADED") {
		t.Errorf("the table does not say the run is overloaded:\n%s", stdout)
	}
	code, _, stderr = runPlan(t, context.Background(), nil, "simulate", "--rate", "0.02", "--duration", "30m", "--decode-tps", "20", "--prefill-tps", "500", "--slots", "2")
	if code != 0 || strings.Contains(stderr, "capacity") {
		t.Errorf("a light load is called overloaded: %q", stderr)
	}
}

// The written configuration implements the computed plan: the LiteLLM
// config serves the planned quantization's library tag, sends what the
// local server cannot take to the cloud at once, and the Ollama settings
// are an env file that systemd, docker and a shell read alike.
func TestReportConfigImplementsPlan(t *testing.T) {
	dir := t.TempDir()
	path := writeDaily(t, dir, "u.csv", "gpt-4o-mini", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 30, 1000, 1000000, 100000)
	yml, env := filepath.Join(dir, "litellm.yaml"), filepath.Join(dir, "ollama.env")
	m, _ := reportJSON(t, "--usage", path, "--gpu", "RTX 4090", "--litellm-config", yml, "--ollama-env", env)
	var rec map[string]any
	for _, r := range m["recommendations"].([]any) {
		if r.(map[string]any)["chosen"] == true {
			rec = r.(map[string]any)
		}
	}
	if rec == nil {
		t.Fatal("no chosen recommendation")
	}
	tag, quant := rec["ollama_tag"].(string), rec["quantization"].(string)
	if quant != "Q4_K_M" && !strings.HasSuffix(tag, "-"+strings.ToLower(quant)) && !strings.HasSuffix(tag, "-fp16") {
		t.Errorf("chosen %s %s: tag %q is not the library's tag of that quantization", rec["model"], quant, tag)
	}
	b, err := os.ReadFile(yml)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		ModelList []struct {
			LiteLLMParams map[string]any `yaml:"litellm_params"`
		} `yaml:"model_list"`
		RouterSettings struct {
			NumRetries int                   `yaml:"num_retries"`
			Fallbacks  []map[string][]string `yaml:"fallbacks"`
		} `yaml:"router_settings"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil || len(c.ModelList) == 0 {
		t.Fatalf("the LiteLLM config does not parse (%v):\n%s", err, b)
	}
	local := c.ModelList[0].LiteLLMParams
	if local["model"] != "ollama_chat/"+tag || local["api_base"] != "os.environ/OLLAMA_API_BASE" || local["max_parallel_requests_queue_size"] != 0 {
		t.Errorf("local deployment %v: want ollama_chat/%s at $OLLAMA_API_BASE with no queue", local, tag)
	}
	if c.RouterSettings.NumRetries != 0 || len(c.RouterSettings.Fallbacks) != 1 {
		t.Errorf("router settings %+v", c.RouterSettings)
	}
	e, _ := os.ReadFile(env)
	for _, l := range strings.Split(strings.TrimSpace(string(e)), "\n") {
		if !strings.HasPrefix(l, "#") && (strings.HasPrefix(l, "export ") || strings.ContainsAny(l, `"' `)) {
			t.Errorf("env line %q is not NAME=value", l)
		}
	}
	if strings.Contains(string(e), "OLLAMA_FLASH_ATTENTION=0") || !strings.Contains(string(e), "# ollama pull "+tag) {
		t.Errorf("env file:\n%s", e)
	}
}
