// Command agreement measures how far plan's benchmark figures can be trusted
// on a real Ollama server with a generated model: two back-to-back
// `plan benchmark` invocations, the reported decode rate against the server's
// own per-request eval_count/eval_duration for direct requests, and the
// OpenAI-compatible backend's client-timed rate against the native one.
//
//	go run ./scripts/agreement [-model q8_0|q4_K_M|f16]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ollama/ollama/api"

	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/internal/ollamatest"
)

func main() {
	quant := flag.String("model", "q8_0", "standard generated model to measure: f16, q8_0 or q4_K_M")
	flag.Parse()
	if err := run(*quant); err != nil {
		fmt.Fprintln(os.Stderr, "agreement:", err)
		os.Exit(1)
	}
}

func run(quant string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "plan-agreement-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	plan := filepath.Join(dir, "plan")
	if out, err := exec.Command("go", "build", "-o", plan, "./cmd/plan").CombinedOutput(); err != nil {
		return fmt.Errorf("building plan: %v\n%s", err, out)
	}
	s, err := ollamatest.Start(ctx, ollamatest.SharedOptions())
	if err != nil {
		return err
	}
	defer s.Stop()
	if err := ollamatest.CreateStandardModels(ctx, s.Creator()); err != nil {
		return err
	}
	model := "plan-tiny:" + quant
	fmt.Printf("server: ollama %s at %s, model %s\n", s.Version, s.URL, model)
	// One invocation first, unrecorded: right after the models are created the
	// machine is still writing their files, which slows whichever run comes first.
	if _, err := benchmark(plan, s.URL, model, "ollama", dir); err != nil {
		return err
	}
	first, err := benchmark(plan, s.URL, model, "ollama", dir)
	if err != nil {
		return err
	}
	second, err := benchmark(plan, s.URL, model, "ollama", dir)
	if err != nil {
		return err
	}
	direct, err := directRate(ctx, s.Client(), model)
	if err != nil {
		return err
	}
	viaOpenAI, err := benchmark(plan, s.URL, model, "openai", dir)
	if err != nil {
		return err
	}
	report(first, second, direct, viaOpenAI)
	return nil
}

func benchmark(plan, url, model, backend, dir string) (bench.Summary, error) {
	cmd := exec.Command(plan, "benchmark", "--backend", backend, "--host", url, "--model", model,
		"--prompt-tokens", "128", "--output-tokens", "128", "--temperature", "0.8", "--format", "json",
		"-o", filepath.Join(dir, "results.jsonl"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return bench.Summary{}, fmt.Errorf("plan benchmark: %w", err)
	}
	var doc struct {
		Results []bench.Summary `json:"results"`
	}
	if err := json.Unmarshal(out, &doc); err != nil || len(doc.Results) != 1 {
		return bench.Summary{}, fmt.Errorf("plan benchmark printed %q (%v)", out, err)
	}
	return doc.Results[0], nil
}

// directRate is the median of the server's own decode rate over ten streamed
// requests of about the same length, sent straight through the Ollama API
// without plan.
func directRate(ctx context.Context, c *api.Client, model string) (float64, error) {
	var rates []float64
	for i := 0; i < 10; i++ {
		stream := true
		// About the 128 tokens plan's runs have: decode speed depends on context length.
		prompt := fmt.Sprintf("%03d direct request. %s", i, strings.Repeat("river north plant stone ", 4)+"clock")
		req := &api.GenerateRequest{Model: model, Prompt: prompt, Stream: &stream,
			Options: map[string]any{"num_predict": 128, "temperature": 0.8, "seed": 42, "num_ctx": 2048}}
		err := c.Generate(ctx, req, func(r api.GenerateResponse) error {
			if r.Done && r.EvalDuration > 0 {
				rates = append(rates, float64(r.EvalCount)/r.EvalDuration.Seconds())
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return bench.Median(rates), nil
}

func report(first, second bench.Summary, direct float64, viaOpenAI bench.Summary) {
	pct := func(a, b float64) float64 { return 100 * (a - b) / b }
	fmt.Printf("invocation 1: decode %.1f tokens/s (±%.1f%%, %d runs), prefill %.0f tokens/s, ttft p50 %.1f ms\n",
		first.DecodeTokensPerSecond, 100*first.DecodeCIRelative, first.Runs, first.PrefillTokensPerSecond, 1000*first.TTFTSecondsP50)
	fmt.Printf("invocation 2: decode %.1f tokens/s (±%.1f%%, %d runs), prefill %.0f tokens/s, ttft p50 %.1f ms\n",
		second.DecodeTokensPerSecond, 100*second.DecodeCIRelative, second.Runs, second.PrefillTokensPerSecond, 1000*second.TTFTSecondsP50)
	fmt.Printf("back-to-back difference: %+.1f%% (target within ±10%%)\n", pct(second.DecodeTokensPerSecond, first.DecodeTokensPerSecond))
	fmt.Printf("server's own rate, direct requests: %.1f tokens/s; plan vs server: %+.1f%% (target within ±5%%)\n",
		direct, pct(first.DecodeTokensPerSecond, direct))
	fmt.Printf("OpenAI-compatible backend (client-timed): %.1f tokens/s; vs native: %+.1f%%\n",
		viaOpenAI.DecodeTokensPerSecond, pct(viaOpenAI.DecodeTokensPerSecond, first.DecodeTokensPerSecond))
}
