package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/internal/ollamatest"
)

type benchmarkJSON struct {
	Results     []bench.Summary `json:"results"`
	ResultsFile string          `json:"results_file"`
}

// quick are the settings that keep a benchmark of the generated models short;
// temperature 0.8 with a fixed seed stays deterministic and avoids the
// repeat loops random weights fall into at temperature 0.
var quick = []string{"--prompt-tokens", "64", "--output-tokens", "32", "--temperature", "0.8", "--max-runs", "6"}

func benchmarkArgs(url, results string, extra ...string) []string {
	args := append([]string{"benchmark", "--host", url, "--bench", results, "--format", "json"}, quick...)
	return append(args, extra...)
}

func decodeBenchmark(t *testing.T, stdout string) benchmarkJSON {
	t.Helper()
	var got benchmarkJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not the JSON document: %v\n%s", err, stdout)
	}
	return got
}

func readRuns(t *testing.T, path string) ([]bench.Run, []bench.Summary) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	runs, sums, err := bench.ReadResults(f, path)
	if err != nil {
		t.Fatalf("results file: %v", err)
	}
	return runs, sums
}

func TestBenchmarkRealOllama(t *testing.T) {
	s := ollamatest.Shared(t)
	results := filepath.Join(t.TempDir(), "results.jsonl")
	code, stdout, stderr := runPlan(t, context.Background(), nil, benchmarkArgs(s.URL, results, "--model", ollamatest.ModelQ8)...)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	got := decodeBenchmark(t, stdout)
	if len(got.Results) != 1 {
		t.Fatalf("got %d results; want 1", len(got.Results))
	}
	r := got.Results[0]
	if r.Model != ollamatest.ModelQ8 || r.Concurrency != 1 || r.Runs < 3 || r.RateSource != "server" {
		t.Errorf("summary = %+v; want model %s, concurrency 1, >= 3 runs, server rates", r, ollamatest.ModelQ8)
	}
	if r.DecodeTokensPerSecond <= 0 || r.PrefillTokensPerSecond <= 0 || r.TTFTSecondsP50 <= 0 || r.TTFTSecondsP95 < r.TTFTSecondsP50 {
		t.Errorf("rates = decode %v, prefill %v, ttft %v/%v; want positive and ordered", r.DecodeTokensPerSecond, r.PrefillTokensPerSecond, r.TTFTSecondsP50, r.TTFTSecondsP95)
	}
	if r.PromptTokens < 48 || r.PromptTokens > 80 {
		t.Errorf("prompt tokens = %d; want about the 64 asked for", r.PromptTokens)
	}
	if !r.OutputTokensIdentical {
		t.Errorf("output_tokens_identical = false; a fixed seed should repeat the same text")
	}
	env := r.Environment
	if env.Backend != "ollama" || env.BackendVersion != ollamatest.Version || !strings.HasPrefix(env.Digest, "") || env.ParameterCount == 0 || env.Quantization != "Q8_0" {
		t.Errorf("environment = %+v; want ollama %s with digest, parameter count and Q8_0", env, ollamatest.Version)
	}
	if r.Memory == nil || r.Memory.SizeBytes == 0 {
		t.Errorf("memory = %+v; want the loaded size from /api/ps", r.Memory)
	}
	runs, sums := readRuns(t, results)
	if len(sums) != 1 || len(runs) != r.Runs+1 {
		t.Errorf("results file has %d runs and %d summaries; want %d runs (+1 check) and 1 summary", len(runs), len(sums), r.Runs)
	}
	checkServerRateAgreement(t, runs, r)
}

// checkServerRateAgreement compares the reported median with the server's own
// eval_count / eval_duration of the same requests, as recorded per run.
func checkServerRateAgreement(t *testing.T, runs []bench.Run, s bench.Summary) {
	var rates []float64
	for _, run := range runs {
		if run.Phase == "measure" && run.Complete {
			rates = append(rates, run.DecodeTokensPerSecond)
		}
	}
	if m := bench.Median(rates); m == 0 || s.DecodeTokensPerSecond/m > 1.05 || s.DecodeTokensPerSecond/m < 0.95 {
		t.Errorf("summary decode %.1f vs median of per-request server rates %.1f; want within 5%%", s.DecodeTokensPerSecond, m)
	}
}

func TestBenchmarkOpenAIBackendOnRealOllama(t *testing.T) {
	s := ollamatest.Shared(t)
	results := filepath.Join(t.TempDir(), "results.jsonl")
	code, stdout, stderr := runPlan(t, context.Background(), nil,
		benchmarkArgs(s.URL, results, "--backend", "openai", "--model", ollamatest.ModelQ8)...)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	r := decodeBenchmark(t, stdout).Results[0]
	if r.RateSource != "client" || r.DecodeTokensPerSecond <= 0 || r.PromptTokens == 0 {
		t.Errorf("summary = %+v; want client-timed rates and the server's prompt token count", r)
	}
	if r.Environment.Backend != "openai" || !strings.HasSuffix(r.Environment.Host, "/v1") || r.Environment.BackendVersion != ollamatest.Version {
		t.Errorf("environment = %+v; want openai at .../v1 reporting version %s", r.Environment, ollamatest.Version)
	}
}

func TestBenchmarkConcurrencySweep(t *testing.T) {
	s := ollamatest.Shared(t) // two parallel slots
	results := filepath.Join(t.TempDir(), "results.jsonl")
	code, stdout, stderr := runPlan(t, context.Background(), nil,
		benchmarkArgs(s.URL, results, "--model", ollamatest.ModelQ4KM, "--concurrency", "1,2", "--max-runs", "3")...)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	res := decodeBenchmark(t, stdout).Results
	if len(res) != 2 || res[1].Concurrency != 2 || res[1].Requests < 6 {
		t.Fatalf("results = %+v; want levels 1 and 2 with 2 requests per run", res)
	}
	t.Logf("parallelism at concurrency 2: %.2f", res[1].Parallelism)
	if res[1].Parallelism < 1.3 {
		t.Errorf("parallelism at concurrency 2 = %.2f; want the two requests to overlap on a server with 2 slots", res[1].Parallelism)
	}
}

func TestBenchmarkMissingModel(t *testing.T) {
	s := ollamatest.Shared(t)
	code, _, stderr := runPlan(t, context.Background(), nil, benchmarkArgs(s.URL, filepath.Join(t.TempDir(), "r.jsonl"), "--model", "nope:1b")...)
	if code != 1 {
		t.Fatalf("exit %d; want 1", code)
	}
	want := `plan: model "nope:1b" is not installed on ` + s.URL + "; installed: " + ollamatest.ModelF16
	if !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr = %q; want one line starting %q", stderr, want)
	}
}

func TestBenchmarkNoModelNotInteractive(t *testing.T) {
	s := ollamatest.Shared(t)
	code, _, stderr := runPlan(t, context.Background(), nil, "benchmark", "--host", s.URL, "--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	if code != 2 || !strings.Contains(stderr, "no --model given; installed on "+s.URL+": "+ollamatest.ModelF16) {
		t.Errorf("exit %d, stderr %q; want 2 and the installed models", code, stderr)
	}
}

func TestBenchmarkUnreachableHost(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	code, stdout, stderr := runPlan(t, context.Background(), nil, "benchmark", "--host", addr, "--model", "x", "--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	want := "plan: cannot reach Ollama at http://" + addr + " (connection refused): is `ollama serve` running? use --host or OLLAMA_HOST to point elsewhere\n"
	if code != 1 || stderr != want || stdout != "" {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
}

func TestBenchmarkHostFromEnvironment(t *testing.T) {
	code, _, stderr := runPlan(t, context.Background(), map[string]string{"OLLAMA_HOST": "127.0.0.1:1"}, "benchmark", "--model", "x", "--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	if code != 1 || !strings.Contains(stderr, "http://127.0.0.1:1 ") {
		t.Errorf("exit %d, stderr %q; want OLLAMA_HOST used", code, stderr)
	}
}

func TestBenchmarkBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"format", []string{"--format", "xml"}, "--format"},
		{"backend", []string{"--backend", "tgi"}, "--backend"},
		{"runs", []string{"--max-runs", "2"}, "--max-runs 2 is below --min-runs 3"},
		{"concurrency", []string{"--concurrency", "0"}, "--concurrency 0"},
		{"not a number", []string{"--prompt-tokens", "many"}, "invalid argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runPlan(t, context.Background(), nil, append([]string{"benchmark", "--model", "m"}, tt.args...)...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}

// waitForRuns waits until the results file holds n measured runs.
func waitForRuns(t *testing.T, path string, n int) {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if countRuns(path) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("results file never reached %d runs", n)
}

func countRuns(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"phase":"measure"`) {
			n++
		}
	}
	return n
}

func TestBenchmarkServerKilledMidRun(t *testing.T) {
	s := ollamatest.New(t, ollamatest.Options{})
	if err := ollamatest.CreateModel(context.Background(), s.Creator(), "victim:latest", ollamatest.DefaultSpec(), ""); err != nil {
		t.Fatal(err)
	}
	results := filepath.Join(t.TempDir(), "results.jsonl")
	go func() {
		waitForRuns(t, results, 2)
		s.Kill()
	}()
	code, stdout, stderr := runPlan(t, context.Background(), nil,
		benchmarkArgs(s.URL, results, "--model", "victim", "--output-tokens", "64", "--max-runs", "200", "--target-ci", "0.0001")...)
	if code != 1 {
		t.Fatalf("exit %d; want 1; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "victim, run ") || !strings.Contains(stderr, "finished runs are kept in "+results) {
		t.Errorf("stderr = %q; want the failed run named and where results are kept", stderr)
	}
	kept := countRuns(results)
	got := decodeBenchmark(t, stdout)
	if kept < 2 || len(got.Results) != 1 || got.Results[0].Runs < 2 {
		t.Errorf("kept %d runs, printed %+v; want at least 2 kept and summarised", kept, got.Results)
	}
	readRuns(t, results) // every line is still valid
}

func TestBenchmarkInterrupted(t *testing.T) {
	s := ollamatest.Shared(t)
	results := filepath.Join(t.TempDir(), "results.jsonl")
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		waitForRuns(t, results, 1)
		cancel(errInterrupted)
	}()
	code, stdout, stderr := runPlan(t, ctx, nil,
		benchmarkArgs(s.URL, results, "--model", ollamatest.ModelF16, "--max-runs", "200", "--target-ci", "0.0001")...)
	if code != 130 {
		t.Fatalf("exit %d; want 130; stderr:\n%s", code, stderr)
	}
	if got := decodeBenchmark(t, stdout); len(got.Results) != 1 || got.Results[0].Runs < 1 {
		t.Errorf("printed %+v; want the summary so far", got.Results)
	}
}

func TestBenchmarkWarnsWhenServerSerialises(t *testing.T) {
	s := ollamatest.New(t, ollamatest.Options{NumParallel: 1})
	if err := ollamatest.CreateModel(context.Background(), s.Creator(), "serial:latest", ollamatest.DefaultSpec(), ""); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runPlan(t, context.Background(), nil,
		benchmarkArgs(s.URL, filepath.Join(t.TempDir(), "r.jsonl"), "--model", "serial", "--concurrency", "2", "--max-runs", "3")...)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	r := decodeBenchmark(t, stdout).Results[0]
	if r.Parallelism > 1.2 || !strings.Contains(stderr, "one after another") || !strings.Contains(stderr, "OLLAMA_NUM_PARALLEL") {
		t.Errorf("parallelism %.2f, stderr %q; want a warning that the server serialised the requests", r.Parallelism, stderr)
	}
}
