package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plan-cli/plan/internal/hostile"
	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
)

// Terminal tables never carry control characters.
func TestTableHostileNames(t *testing.T) {
	var buf bytes.Buffer
	if err := output.WriteTable(&buf, []string{"model"}, [][]string{{"x\x1b[31mred\x1b[0m"}, {"a\nb"}}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(buf.String(), '\x1b') || strings.Count(buf.String(), "\n") != 3 {
		t.Errorf("table %q carries escape sequences or extra lines", buf.String())
	}
}

// An overloaded simulation stops with a clear line instead of growing
// without bound, and Ctrl-C stops it with exit 130.
func TestSimulateBoundedAndInterruptible(t *testing.T) {
	code, _, stderr := runPlan(t, context.Background(), nil, "simulate", "--rate", "1e6", "--duration", "1h", "--decode-tps", "20")
	if code != 1 || !strings.Contains(stderr, "beyond the servers' capacity") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("--rate 1e6: exit %d, stderr %q; want 1 and one line saying the load is beyond capacity", code, stderr)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errInterrupted)
	code, _, stderr = runPlan(t, ctx, nil, "simulate", "--rate", "1", "--duration", "24h", "--decode-tps", "20")
	if code != exitInterrupted {
		t.Errorf("interrupted simulate: exit %d, stderr %q; want 130", code, stderr)
	}
}

func FuzzCSVCell(f *testing.F) {
	for _, n := range hostile.Names {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		var buf bytes.Buffer
		cw := output.NewCSV(&buf)
		if err := cw.WriteAll([][]string{{name, "x"}}); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != 1 || len(recs[0]) != 2 {
			t.Fatalf("%q: read back %q, %v", name, recs, err)
		}
		got := recs[0][0]
		want := strings.ReplaceAll(name, "\r\n", "\n") // CSV readers read a quoted CRLF as LF
		if got != want && got != "'"+want {
			t.Errorf("%q came back as %q", name, got)
		}
		if _, err := strconv.ParseFloat(got, 64); got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) && err != nil {
			t.Errorf("%q came back as a formula %q", name, got)
		}
	})
}

// No command writes over its inputs, and a file written again keeps its
// mode.
func TestOutputsNeverOverwriteInputs(t *testing.T) {
	dir := t.TempDir()
	export := writeDaily(t, dir, "usage.csv", "gpt-4o", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 3, 10, 10000, 1000)
	before, _ := os.ReadFile(export)
	for _, args := range [][]string{
		{"report", "--usage", export, "-o", export},
		{"report", "--usage", export, "--litellm-config", export},
		{"report", "--usage", dir, "--ollama-env", filepath.Join(dir, "ollama.env")},
		{"simulate", "--usage", export, "--decode-tps", "20", "--chart", export},
	} {
		code, _, stderr := runPlan(t, context.Background(), nil, args...)
		if code != 2 || !strings.Contains(stderr, "would overwrite the input") {
			t.Errorf("%v: exit %d, %q; want 2 and a refusal", args, code, stderr)
		}
	}
	if after, _ := os.ReadFile(export); !bytes.Equal(before, after) {
		t.Error("the export was changed")
	}
	out := filepath.Join(t.TempDir(), "report.md")
	os.WriteFile(out, nil, 0o600)
	if code, _, stderr := runPlan(t, context.Background(), nil, "report", "--usage", export, "--gpu", "RTX 4090", "--format", "md", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("report.md mode %v, %v; want 0600 kept", fi.Mode(), err)
	}
}

// Every command talks to the model server directly, never through a proxy.
func TestModelServerClientNoProxy(t *testing.T) {
	tr := modelServerClient(time.Second, 0).Transport.(*http.Transport)
	if tr.Proxy != nil {
		t.Error("the model server client uses a proxy")
	}
}

// Flags out of any real range and an explicit calibration file that cannot
// be read are errors, not silently ignored or overflowed.
func TestFlagsValidated(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "calibration.json")
	os.WriteFile(bad, []byte("{not json"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"recommend", "--vram", "2e10"}, 2, "invalid --vram"},
		{[]string{"recommend", "--bandwidth", "1e300"}, 2, "invalid --bandwidth"},
		{[]string{"recommend", "--calibration", filepath.Join(dir, "missing.json")}, 1, "--calibration"},
		{[]string{"report", "--calibration", bad}, 1, "--calibration " + bad},
		{[]string{"simulate", "--rate", "1", "--model", "llama3.2:1b", "--calibration", bad}, 1, "--calibration " + bad},
	} {
		code, _, stderr := runPlan(t, context.Background(), nil, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") > 2 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

// A server that never answers the model list is given up on after
// --timeout, with a line naming it.
func TestBenchmarkListTimeout(t *testing.T) {
	stall := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stall:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(stall)
	start := time.Now()
	code, _, stderr := runPlan(t, context.Background(), nil, "benchmark", "--host", srv.URL, "--model", "m", "--timeout", "1s",
		"--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	if code != 1 || !strings.Contains(stderr, "did not list its models within 1s") || time.Since(start) > 10*time.Second {
		t.Errorf("exit %d after %v, stderr %q; want 1 within seconds, naming the wait", code, time.Since(start), stderr)
	}
}

// A row dated a century off is an error naming the file and line in every
// command that replays usage.
func TestFarDateNamesRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "far.csv")
	os.WriteFile(path, []byte("timestamp,provider,model,requests,input_tokens,output_tokens\n2026-07-01T09:00:00Z,openai,gpt-4o,1,1000,100\n2100-01-01T09:00:00Z,openai,gpt-4o,1,1000,100\n"), 0o644)
	for _, args := range [][]string{
		{"report", path, "--gpu", "RTX 4090"},
		{"simulate", "--usage", path, "--decode-tps", "20"},
	} {
		code, _, stderr := runPlan(t, context.Background(), nil, args...)
		if code != 1 || !strings.Contains(stderr, "far.csv:3: dated 2100-01-01") {
			t.Errorf("%v: exit %d, %q; want the file and line of the 2100 row", args, code, stderr)
		}
	}
}

// An absurd price is refused by name, and money too large for whole cents
// still prints as a number.
func TestAbsurdPrices(t *testing.T) {
	prices := filepath.Join(t.TempDir(), "prices.json")
	os.WriteFile(prices, []byte(`{"gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e300, "output_cost_per_token": 1e-5}}`), 0o644)
	code, _, stderr := runPlan(t, context.Background(), nil, "prices", "--prices", prices, "gpt-4o")
	if code == 0 || !strings.Contains(stderr, "gpt-4o") || !strings.Contains(stderr, "not a real price") {
		t.Errorf("exit %d, %q; want a refusal naming the entry", code, stderr)
	}
	for _, s := range []string{show.USD(1e300), show.USD(math.Inf(1)), show.USDExact(-1e20), show.USDExact(1e18)} {
		if strings.Contains(s, "--") || strings.Contains(s, ".-") {
			t.Errorf("money printed as %q", s)
		}
	}
}

// The same export given twice, or a copy of it, is read once, with a
// warning; it used to double the spend.
func TestDuplicateExportsReadOnce(t *testing.T) {
	dir := t.TempDir()
	a := writeDaily(t, dir, "a.csv", "gpt-4o", time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 30, 100, 100000, 10000)
	b, _ := os.ReadFile(a)
	copyPath := filepath.Join(dir, "copy.csv")
	os.WriteFile(copyPath, b, 0o644)
	once, _ := reportJSON(t, "--usage", a, "--gpu", "RTX 4090")
	twice, stderr := reportJSON(t, "--usage", a, copyPath, a, "--gpu", "RTX 4090")
	if once["monthly_cloud_cost_usd"] != twice["monthly_cloud_cost_usd"] || strings.Count(stderr, "the same content as") != 2 {
		t.Errorf("spend once $%v, with copies $%v; stderr %q", once["monthly_cloud_cost_usd"], twice["monthly_cloud_cost_usd"], stderr)
	}
}

// Ctrl-C stops a report with exit 130.
func TestReportInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errInterrupted)
	if code, _, stderr := runPlan(t, ctx, nil, "report", "--gpu", "RTX 4090"); code != exitInterrupted {
		t.Errorf("interrupted report: exit %d, %q; want 130", code, stderr)
	}
}

// Overlapping per-request exports (OpenRouter's, LiteLLM's) count each
// request once, by its id.
func TestOverlappingExportsCountRequestsOnce(t *testing.T) {
	sample, err := os.ReadFile("../../pricing/usage/testdata/openrouter/activity_export.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(sample), "\n")
	dir := t.TempDir()
	full, part := filepath.Join(dir, "full.csv"), filepath.Join(dir, "part.csv")
	os.WriteFile(full, sample, 0o644)
	os.WriteFile(part, []byte(strings.Join(lines[:3], "")), 0o644) // the header and two requests
	_, one, _ := runPlan(t, context.Background(), nil, "usage", full, "--format", "csv")
	code, both, stderr := runPlan(t, context.Background(), nil, "usage", full, part, "--format", "csv")
	if code != 0 || one != both || strings.Count(stderr, "was read before") != 2 || !strings.Contains(stderr, "2 repeated requests counted once") {
		t.Errorf("exit %d; the overlap changed the totals: %v\n%s\n%s\nstderr %q", code, one != both, one, both, stderr)
	}
}

// An open-loop load whose every request fails exits 1, naming the results.
func TestBenchmarkLoadAllFailed(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/tags":
			w.Write([]byte(`{"models":[{"name":"m:latest","model":"m:latest","size":1000}]}`))
		case "/api/version":
			w.Write([]byte(`{"version":"0.17.4"}`))
		case "/api/generate":
			body, _ := io.ReadAll(r.Body)
			if !bytes.Contains(body, []byte(`"prompt":"`)) || bytes.Contains(body, []byte(`"prompt":""`)) {
				w.Write([]byte(`{"model":"m","done":true,"done_reason":"load"}`)) // loading the model
				return
			}
			if calls.Add(1) <= 3 { // the prompt probes and the warm-up
				w.Write([]byte(`{"model":"m","response":"a b c d","done":true,"done_reason":"length","prompt_eval_count":40,"prompt_eval_duration":1000000,"eval_count":16,"eval_duration":100000000}` + "\n"))
				return
			}
			http.Error(w, `{"error":"out of memory"}`, http.StatusInternalServerError)
		default:
			w.Write([]byte(`{}`))
		}
	}))
	defer srv.Close()
	results := filepath.Join(t.TempDir(), "load.jsonl")
	code, _, stderr := runPlan(t, context.Background(), nil, "benchmark", "--host", srv.URL, "--model", "m", "--rate", "4", "--duration", "1s", "--bench", results)
	if code != 1 || !strings.Contains(stderr, "requests of the load failed") || !strings.Contains(stderr, results) {
		t.Errorf("exit %d, stderr %q; want 1, saying every request failed, with the results file named", code, stderr)
	}
}
