package bench

import (
	"bytes"
	"testing"
	"time"

	"github.com/plan-cli/plan/internal/golden"
)

// sampleSummaries are two fixed summaries: a single stream on a GPU with part
// of the model spilled, and a concurrency level that the server serialised.
func sampleSummaries() []Summary {
	env := Environment{PlanVersion: "v0.1.0", Backend: "ollama", BackendVersion: "0.6.5", Host: "http://127.0.0.1:11434",
		Model: "qwen2.5:7b", Digest: "sha256:845dbda0ea48", ParameterCount: 7615616512, ParameterSize: "7.6B",
		Quantization: "Q4_K_M", Family: "qwen2", ContextTokens: 2048, Concurrency: 1,
		Hardware: "AMD Ryzen 9 7950X, 16 cores / 32 threads, 62.5 GiB RAM, NVIDIA GeForce RTX 4070 (12.0 GiB)",
		Time:     time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)}
	one := Summary{Kind: "summary", Environment: env, Model: "qwen2.5:7b", Concurrency: 1, PromptTokens: 131,
		PromptTokensTarget: 128, MaxTokens: 128, ContextTokens: 2048, Runs: 6, Requests: 6, ValidRequests: 6, DecodeBasis: "complete-requests",
		DecodeTokensPerSecond: 52.31, DecodeStepTokensPerSecond: 52.4, DecodeCI95Low: 51.9, DecodeCI95High: 52.8, DecodeCIRelative: 0.0094, Converged: true,
		PrefillTokensPerSecond: 1873.2, AggregateTokensPerSecond: 49.1, RateSource: "server",
		TTFTSecondsP50: 0.081, TTFTSecondsP95: 0.094, ITLSecondsP50: 0.0191, ITLSecondsP95: 0.021, ITLSecondsP99: 0.034,
		E2ESecondsP50: 2.51, E2ESecondsP95: 2.6, OutputTokensMean: 128, LoadSeconds: 3.2,
		Memory: &Memory{SizeBytes: 6 << 30, VRAMBytes: 5 << 30, SpillBytes: 1 << 30}, OutputTokensIdentical: true,
		History:  "outputs identical to the run of 2026-11-20T10:00:00Z (6 prompts compared)",
		Warnings: []string{"17% of the model is in system memory, not VRAM"}}
	two := one
	two.Concurrency, two.Environment.Concurrency, two.Runs, two.Requests = 2, 2, 3, 6
	two.DecodeTokensPerSecond, two.DecodeCI95Low, two.DecodeCI95High, two.DecodeCIRelative, two.Converged = 51.8, 0, 0, 0, false
	two.AggregateTokensPerSecond, two.Parallelism, two.TTFTSecondsP95, two.History = 50.2, 1.02, 2.7, ""
	two.DecodeStepTokensPerSecond, two.RampRequests = 52.0, 1
	two.Warnings = []string{"the server ran the 2 requests one after another (parallelism 1.02): raise its parallel slots, e.g. OLLAMA_NUM_PARALLEL"}
	return []Summary{one, two}
}

func TestBenchmarkOutputGolden(t *testing.T) {
	for _, format := range []string{"table", "json", "csv"} {
		t.Run(format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := WriteSummaries(&out, format, sampleSummaries(), "/data/plan/benchmarks.jsonl", 0); err != nil {
				t.Fatal(err)
			}
			WriteNotes(&errOut, sampleSummaries(), "/data/plan/benchmarks.jsonl")
			golden.Check(t, "benchmark."+format, out.Bytes())
			golden.Check(t, "benchmark."+format+".stderr", errOut.Bytes())
		})
	}
}

func TestBenchmarkJSONEmpty(t *testing.T) {
	var out bytes.Buffer
	if err := WriteSummaries(&out, "json", nil, "r.jsonl", 0); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"results\": [],\n  \"results_file\": \"r.jsonl\"\n}\n"; out.String() != want {
		t.Errorf("empty JSON = %q; want %q", out.String(), want)
	}
}

func TestLoops(t *testing.T) {
	tests := []struct {
		name string
		s    Summary
		want bool
	}{
		{"most short at temperature 0", Summary{Requests: 30, ValidRequests: 2}, true},
		{"half short at temperature 0", Summary{Requests: 6, ValidRequests: 3}, false},
		{"most short at temperature 0.7", Summary{Requests: 30, ValidRequests: 2, Temperature: 0.7}, false},
	}
	for _, tt := range tests {
		if got := loops([]Summary{tt.s}); got != tt.want {
			t.Errorf("%s: loops = %v; want %v", tt.name, got, tt.want)
		}
	}
}
