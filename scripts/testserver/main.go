// Command testserver starts the real Ollama test server with the generated
// standard models and keeps it running until interrupted, for trying plan by
// hand:
//
//	go run ./scripts/testserver &
//	plan benchmark --host "$(cat /tmp/plan-testserver.url)" --model plan-tiny:q8_0 --temperature 0.8
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/plan-cli/plan/internal/ollamatest"
)

func main() {
	urlFile := flag.String("url-file", os.TempDir()+"/plan-testserver.url", "file to write the server's URL to")
	parallel := flag.Int("parallel", 2, "OLLAMA_NUM_PARALLEL")
	flag.Parse()
	if err := run(*urlFile, *parallel); err != nil {
		fmt.Fprintln(os.Stderr, "testserver:", err)
		os.Exit(1)
	}
}

func run(urlFile string, parallel int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := ollamatest.SharedOptions()
	opts.NumParallel = parallel
	s, err := ollamatest.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Stop()
	if err := ollamatest.CreateStandardModels(ctx, s.Creator()); err != nil {
		return err
	}
	if err := os.WriteFile(urlFile, []byte(s.URL), 0o644); err != nil {
		return err
	}
	fmt.Printf("ollama %s at %s with %s, %s, %s (log: %s)\n", s.Version, s.URL,
		ollamatest.ModelF16, ollamatest.ModelQ8, ollamatest.ModelQ4KM, s.LogPath())
	<-ctx.Done()
	return nil
}
