package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/internal/ollamatest"
	"github.com/plan-cli/plan/simulate"
)

// loadArgs are the arguments of a short open-loop load on the shared server.
func loadArgs(url, results string, extra ...string) []string {
	args := []string{"benchmark", "--host", url, "--bench", results, "--model", ollamatest.ModelQ8,
		"--prompt-tokens", "32", "--output-tokens", "16", "--temperature", "0.8", "--seed", "5"}
	return append(args, extra...)
}

// readLoadRuns reads the load's requests from a results file.
func readLoadRuns(t *testing.T, path string) []bench.LoadRun {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var runs []bench.LoadRun
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var lr bench.LoadRun
		if err := json.Unmarshal([]byte(line), &lr); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		runs = append(runs, lr)
	}
	return runs
}

func TestBenchmarkLoadRealOllama(t *testing.T) {
	s := ollamatest.Shared(t)
	results := filepath.Join(t.TempDir(), "load.jsonl")
	code, stdout, stderr := runPlan(t, context.Background(), nil, loadArgs(s.URL, results, "--rate", "4", "--duration", "3s", "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var got struct {
		Result      bench.LoadSummary `json:"result"`
		ResultsFile string            `json:"results_file"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not the JSON document: %v\n%s", err, stdout)
	}
	r := got.Result
	arrivals, err := simulate.Generate(simulate.Arrivals{Rate: 4, Duration: 3, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if r.Sent != len(arrivals) || r.Completed+r.CutShort+r.Failed != r.Sent || r.OfferedRate != 4 || r.DurationSeconds != 3 {
		t.Fatalf("summary %+v; want %d sent (the arrivals plan simulate draws), all accounted for", r, len(arrivals))
	}
	if r.Completed == 0 || !(r.E2ESecondsP50 > 0) || r.E2ESecondsP99 < r.E2ESecondsP50 || !(r.TTFTSecondsP50 > 0) ||
		!(r.ServedRequestsPerSecond > 0) || !(r.OutputTokensPerSecond > 0) || !(r.MeanInFlight > 0) || r.WindowSeconds < 0.9*3*float64(len(arrivals)-1)/float64(len(arrivals)) {
		t.Errorf("summary %+v; want positive, ordered latencies and rates over a window of about 3 s", r)
	}
	runs := readLoadRuns(t, results)
	if len(runs) != r.Sent-r.Unfinished {
		t.Fatalf("%d requests in the results file; want %d", len(runs), r.Sent-r.Unfinished)
	}
	for _, lr := range runs {
		want := arrivals[lr.Run.Run-1].Arrival
		if lr.Kind != "run" || lr.Phase != "load" || lr.ScheduledSeconds < want-1e-6 || lr.ScheduledSeconds > want+1e-6 || lr.SentSeconds < lr.ScheduledSeconds {
			t.Errorf("request %d: kind %q phase %q scheduled %v sent %v; want a load run scheduled at %v", lr.Run.Run, lr.Kind, lr.Phase, lr.ScheduledSeconds, lr.SentSeconds, want)
		}
	}
	// plan simulate still reads a results file holding a load.
	if _, _, err := bench.ReadResults(strings.NewReader(mustRead(t, results)), results); err != nil {
		t.Errorf("ReadResults: %v", err)
	}

	code, stdout, _ = runPlan(t, context.Background(), nil, loadArgs(s.URL, results, "--rate", "2", "--duration", "1s")...)
	if code != 0 || !strings.Contains(stdout, "sent / completed / failed / cut short") || !strings.Contains(stdout, "mean in flight") {
		t.Errorf("table: exit %d, stdout:\n%s", code, stdout)
	}
	code, stdout, _ = runPlan(t, context.Background(), nil, loadArgs(s.URL, results, "--rate", "2", "--duration", "1s", "--format", "csv")...)
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "model,prompt_tokens,max_tokens,offered_rate_per_second,") {
		t.Errorf("csv: exit %d, stdout:\n%s", code, stdout)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBenchmarkLoadInterruptedKeepsFinished(t *testing.T) {
	s := ollamatest.Shared(t)
	results := filepath.Join(t.TempDir(), "load.jsonl")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	// Cancel once two requests of the load are in the results file.
	go func() {
		for ctx.Err() == nil {
			if b, err := os.ReadFile(results); err == nil && strings.Count(string(b), "\n") >= 2 {
				cancel(errInterrupted)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	code, _, stderr := runPlan(t, ctx, nil, loadArgs(s.URL, results, "--rate", "5", "--duration", "60s")...)
	if code != 130 || !strings.HasSuffix(stderr, "plan: interrupted\n") {
		t.Errorf("exit %d, stderr %q; want 130 ending with plan: interrupted", code, stderr)
	}
	if runs := readLoadRuns(t, results); len(runs) < 2 {
		t.Errorf("%d requests kept; want the finished ones", len(runs))
	}
}

func TestBenchmarkLoadDeadServer(t *testing.T) {
	results := filepath.Join(t.TempDir(), "load.jsonl")
	code, _, stderr := runPlan(t, context.Background(), nil, "benchmark", "--host", "http://127.0.0.1:1", "--model", "m",
		"--rate", "1", "--duration", "2s", "--bench", results)
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "127.0.0.1:1") {
		t.Errorf("exit %d, stderr %q; want 1 and one line naming the server", code, stderr)
	}
}

func TestBenchmarkLoadUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"duration without rate", []string{"--duration", "10s"}},
		{"zero rate", []string{"--rate", "0"}},
		{"negative duration", []string{"--rate", "1", "--duration", "-1s"}},
		{"with concurrency", []string{"--rate", "1", "--concurrency", "2"}},
		{"two models", []string{"--rate", "1", "--model", "b"}},
		{"two prompt lengths", []string{"--rate", "1", "--prompt-tokens", "64,128"}},
		{"no arrivals", []string{"--rate", "0.001", "--duration", "1ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"benchmark", "--host", "http://127.0.0.1:1", "--model", "m", "--bench", filepath.Join(t.TempDir(), "r.jsonl")}, tt.args...)
			code, _, stderr := runPlan(t, context.Background(), nil, args...)
			if code != 2 {
				t.Errorf("exit %d, stderr %q; want 2", code, stderr)
			}
		})
	}
}
