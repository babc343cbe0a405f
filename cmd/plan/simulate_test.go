package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/simulate/scenario"
)

var simulateSynthetic = []string{"simulate", "--rate", "0.3", "--burstiness", "0.5", "--duration", "90m", "--prompt-tokens", "800",
	"--output-tokens", "200", "--decode-tps", "40", "--prefill-tps", "1000", "--slots", "2",
	"--policy", "spill", "--slo-ttft", "4", "--cloud-model", "gpt-4o-mini", "--seed", "7"}

func TestSimulateGolden(t *testing.T) {
	for _, format := range []string{"table", "json", "csv"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runPlan(t, context.Background(), nil, append(simulateSynthetic, "--format", format)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			checkGolden(t, "simulate-synthetic."+format, []byte(stdout))
		})
	}
}

// simulateJSON runs plan simulate with --format json and decodes its output.
func simulateJSON(t *testing.T, args ...string) scenario.Report {
	t.Helper()
	code, stdout, stderr := runPlan(t, context.Background(), nil, append(append([]string{"simulate"}, args...), "--format", "json")...)
	if code != 0 {
		t.Fatalf("plan simulate %v: exit %d, stderr %q", args, code, stderr)
	}
	var rep scenario.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("decoding output: %v\n%s", err, stdout)
	}
	var keys map[string]json.RawMessage
	_ = json.Unmarshal([]byte(stdout), &keys)
	for k := range keys {
		if !snakeCase.MatchString(k) {
			t.Errorf("JSON field %q is not snake_case", k)
		}
	}
	return rep
}

// snakeCase is the form of every JSON field name plan writes.
var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func TestSimulateDeterministic(t *testing.T) {
	_, a, _ := runPlan(t, context.Background(), nil, append(simulateSynthetic, "--format", "json")...)
	_, b, _ := runPlan(t, context.Background(), nil, append(simulateSynthetic, "--format", "json")...)
	if a != b {
		t.Error("two runs with the same seed differ")
	}
	_, c, _ := runPlan(t, context.Background(), nil, append(simulateSynthetic, "--format", "json", "--seed", "8")...)
	if a == c {
		t.Error("runs with seeds 7 and 8 are the same")
	}
}

func TestSimulateSpillCost(t *testing.T) {
	rep := simulateJSON(t, simulateSynthetic[1:]...)
	if rep.Spilled == 0 || rep.ServedLocal == 0 {
		t.Fatalf("served %d, spilled %d; want some of each", rep.ServedLocal, rep.Spilled)
	}
	table, err := priceTable("")
	if err != nil {
		t.Fatal(err)
	}
	n := int64(rep.Spilled)
	c, _, ok := pricing.NewPricer(table).Cost("gpt-4o-mini", pricing.Tokens{InputUncached: 800 * n, Output: 200 * n}, pricing.Terms{})
	if !ok {
		t.Fatal("gpt-4o-mini has no price")
	}
	if math.Abs(rep.SpillCostUSD-c.TotalUSD) > 1e-9 {
		t.Errorf("spill_cost_usd = %v; want %v for %d spilled requests", rep.SpillCostUSD, c.TotalUSD, n)
	}
	if rep.SpilledTokens != 1000*n {
		t.Errorf("spilled_tokens = %d; want %d", rep.SpilledTokens, 1000*n)
	}
}

func TestSimulateUsageReplay(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "usage.csv")
	csv := "timestamp,model,requests,input_tokens,output_tokens\n" +
		"2025-10-01T09:00:00Z,gpt-4o-mini,12,12000,2400\n" +
		"2025-10-01T10:00:00Z,gpt-4o-mini,30,45000,9000\n" +
		"2025-10-01T11:00:00Z,gpt-4o,1,500,100\n" +
		"2025-10-01T12:00:00Z,gpt-4o-mini,7,7000,700\n"
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := simulateJSON(t, "--usage", path, "--decode-tps", "50", "--prefill-tps", "2000", "--slots", "2")
	if rep.Requests != 50 {
		t.Errorf("requests = %d; want the export's 50", rep.Requests)
	}
	if len(rep.Hours) != 4 {
		t.Fatalf("%d hours; want 4", len(rep.Hours))
	}
	for i, want := range []int{12, 30, 1, 7} {
		if rep.Hours[i].Requests != want {
			t.Errorf("hour %d: %d requests; want %d", i, rep.Hours[i].Requests, want)
		}
	}
	// The single request (11:00) is kept by size class, 2^(1/8) wide: its
	// 600 tokens come back within about 4.5%; the other rows exactly.
	if want := int64(12000 + 2400 + 45000 + 9000 + 500 + 100 + 7000 + 700); rep.LocalTokens < want-27 || rep.LocalTokens > want+27 {
		t.Errorf("local_tokens = %d; want %d within the single request's size class", rep.LocalTokens, want)
	}
	if rep.Settings.Workload != "usage" {
		t.Errorf("workload = %q; want usage", rep.Settings.Workload)
	}

	if rep.Settings.Start != "2025-10-01T09:00:00Z" {
		t.Errorf("start = %q; want 2025-10-01T09:00:00Z", rep.Settings.Start)
	}

	// --hours keeps the busiest consecutive hours.
	for _, tt := range []struct {
		hours, requests int
		start           string
	}{{1, 30, "2025-10-01T10:00:00Z"}, {2, 42, "2025-10-01T09:00:00Z"}, {3, 43, "2025-10-01T09:00:00Z"}} {
		rep := simulateJSON(t, "--usage", path, "--decode-tps", "50", "--hours", strconv.Itoa(tt.hours))
		if rep.Requests != tt.requests || rep.Settings.Start != tt.start || len(rep.Hours) > tt.hours {
			t.Errorf("--hours %d: %d requests from %s in %d hours; want %d from %s",
				tt.hours, rep.Requests, rep.Settings.Start, len(rep.Hours), tt.requests, tt.start)
		}
	}

	// Spilling with no --cloud-model prices each request at its own model.
	rep = simulateJSON(t, "--usage", path, "--decode-tps", "5", "--policy", "spill", "--slo-e2e", "1")
	if rep.Spilled == 0 || !(rep.SpillCostUSD > 0) || rep.UnpricedSpilled != 0 {
		t.Errorf("spilled %d for $%v, %d unpriced; want some, priced", rep.Spilled, rep.SpillCostUSD, rep.UnpricedSpilled)
	}
}

func TestSimulateBenchCurve(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "results.jsonl")
	lines := `{"kind":"summary","model":"tiny:1b","concurrency":1,"prompt_tokens":512,"max_tokens":128,"decode_tokens_per_second":50,"prefill_tokens_per_second":1000,"aggregate_tokens_per_second":41}
{"kind":"summary","model":"tiny:1b","concurrency":2,"prompt_tokens":512,"max_tokens":128,"decode_tokens_per_second":40,"prefill_tokens_per_second":600,"aggregate_tokens_per_second":65}
`
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	// aggregate_tokens_per_second is output over wall time, prefill included,
	// so the curve takes k x decode_tokens_per_second instead.
	rep := simulateJSON(t, "--rate", "0.2", "--duration", "10m", "--prompt-tokens", "500", "--output-tokens", "100",
		"--bench", path, "--slots", "2")
	c := rep.Settings.Curve
	if len(c) != 2 || c[0].Active != 1 || c[0].DecodeTokensPerSecond != 50 || c[0].PrefillTokensPerSecond != 1000 ||
		c[1].Active != 2 || c[1].DecodeTokensPerSecond != 80 || c[1].PrefillTokensPerSecond != 1200 {
		t.Errorf("curve = %+v; want 1: 1000/50, 2: 1200/80", c)
	}
	if rep.Settings.Model != "tiny:1b" || rep.Requests == 0 || rep.ServedLocal != rep.Requests {
		t.Errorf("model %q, %d requests, %d served; want all served on tiny:1b", rep.Settings.Model, rep.Requests, rep.ServedLocal)
	}
	// Alone, a request takes 500/1000 + 100/50 = 2.5 s.
	if rep.Latency.P50 < 2.5*0.99 || rep.Latency.P50 > 2.5*1.3 {
		t.Errorf("latency p50 = %v; want about 2.5 s", rep.Latency.P50)
	}

	other := strings.ReplaceAll(lines, "tiny:1b", "big:70b")
	if err := os.WriteFile(path, []byte(lines+other), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runPlan(t, context.Background(), nil, "simulate", "--rate", "1", "--bench", path)
	if code != 1 || !strings.Contains(stderr, "--model") {
		t.Errorf("two models, no --model: exit %d, stderr %q; want 1 asking for --model", code, stderr)
	}
	rep = simulateJSON(t, "--rate", "0.2", "--duration", "5m", "--bench", path, "--model", "big:70b")
	if rep.Settings.Model != "big:70b" {
		t.Errorf("model = %q; want big:70b", rep.Settings.Model)
	}

	// The speed between prefill pauses is taken when the file has it: the
	// simulator stalls decoding for other requests' prompts itself.
	step := strings.Replace(lines, `"decode_tokens_per_second":40,`, `"decode_tokens_per_second":40,"decode_step_tokens_per_second":45,`, 1)
	if err := os.WriteFile(path, []byte(step), 0o644); err != nil {
		t.Fatal(err)
	}
	c = simulateJSON(t, "--rate", "0.2", "--duration", "5m", "--bench", path).Settings.Curve
	if len(c) != 2 || c[0].DecodeTokensPerSecond != 50 || c[1].DecodeTokensPerSecond != 90 {
		t.Errorf("curve = %+v; want decode 50 at 1 (no step speed), 2 x 45 at 2", c)
	}

	// A level some of whose summaries lack the step speed takes the decode
	// speed of all, and a server that ran the requests one by one serves
	// one at a time.
	mixed := step + strings.Replace(lines, `"concurrency":2,`, `"concurrency":2,"serialized":true,`, 1)
	if err := os.WriteFile(path, []byte(mixed), 0o644); err != nil {
		t.Fatal(err)
	}
	c = simulateJSON(t, "--rate", "0.2", "--duration", "5m", "--bench", path).Settings.Curve
	if len(c) != 2 || c[1].DecodeTokensPerSecond != (80+40)/2 || c[1].PrefillTokensPerSecond != (1200+600)/2 {
		t.Errorf("curve = %+v; want at 2 the mean of 2 x 40 and 1 x 40 decode, 2 x 600 and 1 x 600 prefill", c)
	}
}

func TestSimulateUsageErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no workload", []string{"--decode-tps", "40"}, 2},
		{"rate and usage", []string{"--rate", "1", "--usage", "x.csv", "--decode-tps", "40"}, 2},
		{"bad policy", []string{"--rate", "1", "--decode-tps", "40", "--policy", "cloud"}, 2},
		{"bad format", []string{"--rate", "1", "--decode-tps", "40", "--format", "md"}, 2},
		{"no speed", []string{"--rate", "1"}, 2},
		{"bench and speed", []string{"--rate", "1", "--bench", "r.jsonl", "--decode-tps", "40"}, 2},
		{"zero rate", []string{"--rate", "0", "--decode-tps", "40"}, 2},
		{"hours without usage", []string{"--rate", "1", "--decode-tps", "40", "--hours", "1"}, 2},
		{"zero slots", []string{"--rate", "1", "--decode-tps", "40", "--slots", "0"}, 2},
		{"negative slo", []string{"--rate", "1", "--decode-tps", "40", "--policy", "spill", "--slo-ttft", "-1"}, 2},
		{"unknown cloud model", []string{"--rate", "1", "--decode-tps", "40", "--policy", "spill", "--cloud-model", "no-such-model-xyz"}, 2},
		{"missing usage file", []string{"--usage", missing + ".csv", "--decode-tps", "40"}, 1},
		{"missing bench file", []string{"--rate", "1", "--bench", missing + ".jsonl"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runPlan(t, context.Background(), nil, append([]string{"simulate"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d; want %d (stderr %q)", code, tt.code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q; want nothing", stdout)
			}
			if tt.code == 1 && strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q; want one line", stderr)
			}
		})
	}
}

func TestSimulateHelpDocumentsFlags(t *testing.T) {
	help := topic("method") + topic("metrics")
	for _, name := range []string{"rate", "burstiness", "duration", "usage", "bucket", "slots", "queue-limit", "bench",
		"hours", "model", "decode-tps", "prefill-tps", "policy", "slo-ttft", "cloud-model", "seed"} {
		if !strings.Contains(help, "--"+name) {
			t.Errorf("--help text does not explain --%s", name)
		}
	}
	for _, formula := range []string{"prompt / prefill-tps + output / decode-tps", "(queued + 1) x mean service / slots",
		"busy slot-seconds", "prefill(k)/k", "processor sharing"} {
		if !strings.Contains(help, formula) {
			t.Errorf("--help text lacks %q", formula)
		}
	}
}
