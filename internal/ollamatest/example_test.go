package ollamatest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ollama/ollama/api"

	"github.com/plan-cli/plan/internal/ollamatest"
)

// A server of one's own, outside a test, with a quantized model made from a custom spec.
func ExampleStart() {
	ctx := context.Background()
	srv, err := ollamatest.Start(ctx, ollamatest.Options{NumParallel: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Stop()

	spec := ollamatest.DefaultSpec()
	spec.BlockCount = 2
	if err := ollamatest.CreateModel(ctx, srv.Creator(), "tiny:q8_0", spec, "q8_0"); err != nil {
		log.Fatal(err)
	}
	req := &api.GenerateRequest{Model: "tiny:q8_0", Prompt: "Hello",
		Options: map[string]any{"temperature": 0.8, "seed": 1, "num_predict": 16}}
	err = srv.Client().Generate(ctx, req, func(r api.GenerateResponse) error {
		if r.Done {
			fmt.Println(r.EvalCount, "tokens in", r.EvalDuration)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}
