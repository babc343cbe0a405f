package ollamatest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// outcome is what one streamed generation returned.
type outcome struct {
	text         string
	done         bool // a final chunk arrived
	doneReason   string
	evalCount    int
	evalDuration time.Duration
	firstToken   time.Duration // from the request to the first non-empty chunk
	wall         time.Duration
}

func (o outcome) tokensPerSecond() float64 {
	if o.evalDuration <= 0 {
		return 0
	}
	return float64(o.evalCount) / o.evalDuration.Seconds()
}

// benchOptions are the recommended request options for benchmarks on the generated models.
func benchOptions(seed int) map[string]any {
	return map[string]any{"temperature": 0.8, "seed": seed, "num_predict": 128}
}

func generate(ctx context.Context, c *api.Client, model, prompt string, opts map[string]any) (outcome, error) {
	var o outcome
	var text strings.Builder
	start := time.Now()
	req := &api.GenerateRequest{Model: model, Prompt: prompt, Options: opts}
	err := c.Generate(ctx, req, func(r api.GenerateResponse) error {
		if r.Response != "" && o.firstToken == 0 {
			o.firstToken = time.Since(start)
		}
		text.WriteString(r.Response)
		o.done, o.doneReason = r.Done, r.DoneReason
		o.evalCount, o.evalDuration = r.EvalCount, r.EvalDuration
		return nil
	})
	o.text, o.wall = text.String(), time.Since(start)
	return o, err
}

func mustGenerate(t *testing.T, c *api.Client, model, prompt string, opts map[string]any) outcome {
	t.Helper()
	o, err := generate(context.Background(), c, model, prompt, opts)
	if err != nil {
		t.Fatalf("generate(%s, %q): %v", model, prompt, err)
	}
	return o
}

// smallSpec is the smallest useful model: 64 wide, two layers, F32.
func smallSpec() Spec {
	return Spec{EmbeddingLength: 64, BlockCount: 2, HeadCount: 4, HeadCountKV: 4,
		FeedForwardLength: 128, ContextLength: 2048, Seed: 1, F32: true}
}
