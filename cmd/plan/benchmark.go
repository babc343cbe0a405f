package main

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/hwprofile/bench"
)

// benchmarkOptions are the settings of one `plan benchmark` invocation.
type benchmarkOptions struct {
	backend        string
	host           string
	apiKey         string
	models         []string
	pull           bool
	format         string
	output         string // the summary's file; "" for stdout
	results        string // the JSON Lines file runs are appended to
	targetCIPct    float64
	connectTimeout time.Duration
	config         bench.Config
	load           loadOptions // open-loop load (--rate)
}

func newBenchmarkCmd(e *env) *cobra.Command {
	opts := &benchmarkOptions{config: bench.DefaultConfig()}
	cal := &calibrateOptions{}
	cmd := &cobra.Command{
		Use:   "benchmark",
		Short: "Measure how fast locally served models run",
		Long:  benchmarkLong + "\n\n" + seeAlso,
		Example: `  $ plan benchmark --model llama3.2:1b
  $ plan benchmark --model qwen2.5:7b,llama3.1:8b --prompt-tokens 128,1024,4096
  $ plan benchmark --model qwen2.5:7b --concurrency 1,2,4,8 --format json
  $ plan benchmark --backend openai --host http://127.0.0.1:8080 --model qwen2.5-7b-instruct
  $ plan benchmark --model llama3.2:1b --bench results.jsonl --max-runs 20
  $ plan benchmark --model llama3.2:1b --rate 0.5 --duration 2m --temperature 0.8`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := formatFromOutput(cmd, &opts.format, opts.output, bench.Formats...); err != nil {
				return err
			}
			if err := opts.complete(e); err != nil {
				return err
			}
			if cal.enabled {
				return runCalibrate(cmd.Context(), e, opts, cal)
			}
			if isLoad(cmd) {
				if err := checkLoad(cmd, opts); err != nil {
					return err
				}
				return runBenchmarkLoad(cmd.Context(), e, opts)
			}
			return runBenchmark(cmd.Context(), e, opts)
		},
	}
	addBenchmarkFlags(cmd, opts)
	addLoadFlags(cmd, &opts.load)
	addCalibrateFlags(cmd, cal)
	_ = cmd.RegisterFlagCompletionFunc("model", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		return completeModels(cmd.Context(), e, opts), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// completeModels lists the server's installed models for shell completion;
// it asks only the server the flags (or OLLAMA_HOST) name, and gives up after 2 s.
func completeModels(ctx context.Context, e *env, o *benchmarkOptions) []string {
	if o.complete(e) != nil {
		return nil
	}
	b, err := newBackend(o)
	if err != nil {
		return nil
	}
	d, ok := b.(bench.Describer)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	models, err := d.ListModels(ctx)
	if err != nil {
		return nil
	}
	return bench.Names(models)
}

func addBenchmarkFlags(cmd *cobra.Command, o *benchmarkOptions) {
	f := cmd.Flags()
	c := &o.config
	f.StringVar(&o.backend, "backend", "ollama", "server type: ollama, or openai for any OpenAI-compatible server (llama.cpp, vLLM, LM Studio)")
	f.StringVar(&o.host, "host", "", "server address (default: $OLLAMA_HOST, else 127.0.0.1:11434; for openai 127.0.0.1:8080)")
	f.StringVar(&o.apiKey, "api-key", "", "bearer token for an OpenAI-compatible server that needs one")
	f.StringSliceVarP(&o.models, "model", "m", nil, "model to measure (repeat or comma-separate for several)")
	f.BoolVar(&o.pull, "pull", false, "download models that are not installed (Ollama)")
	f.IntSliceVar(&c.PromptTokens, "prompt-tokens", c.PromptTokens, "prompt lengths in tokens to sweep (context depth)")
	f.IntSliceVar(&c.MaxTokens, "output-tokens", c.MaxTokens, "output lengths in tokens to sweep (forced with num_predict / max_tokens)")
	f.IntSliceVar(&c.MaxTokens, "max-tokens", c.MaxTokens, "")
	_ = f.MarkDeprecated("max-tokens", "use --output-tokens")
	f.IntSliceVar(&c.ContextTokens, "context", c.ContextTokens, "context windows (num_ctx) to sweep; 0 sizes it to prompt + output, at least 2048")
	f.IntSliceVar(&c.ContextTokens, "ctx", c.ContextTokens, "")
	_ = f.MarkDeprecated("ctx", "use --context")
	f.IntSliceVar(&c.Concurrency, "concurrency", c.Concurrency, "numbers of clients sending requests back to back to sweep (closed loop)")
	f.IntVar(&c.Warmup, "warmup", c.Warmup, "warm-up runs, discarded")
	f.IntVar(&c.MinRuns, "min-runs", c.MinRuns, "valid measured runs at least (3 or more); up to 3 x --max-runs are sent to find them")
	f.IntVar(&c.MaxRuns, "max-runs", c.MaxRuns, "measured runs at most")
	f.Float64Var(&o.targetCIPct, "target-ci", 3, "stop when the 95% confidence interval of the median decode rate is within ± this many percent")
	f.Float64Var(&c.Temperature, "temperature", c.Temperature, "sampling temperature")
	f.IntVar(&c.Seed, "seed", c.Seed, "sampling seed, and the seed of the generated prompts and of the --rate arrivals")
	f.BoolVar(&c.Cold, "cold", false, "unload each model first so the load time is measured from a cold start")
	f.DurationVar(&c.Timeout, "timeout", c.Timeout, "time limit for one request (0 for none)")
	f.DurationVar(&o.connectTimeout, "connect-timeout", 5*time.Second, "time limit for connecting to the server")
	f.StringVar(&o.format, "format", "table", "output format: table, json or csv")
	f.StringVar(&o.results, "bench", "", "benchmark results `file` (JSON Lines) every finished run is appended to (default: <data dir>/plan/benchmarks.jsonl)")
	f.StringVarP(&o.output, "output", "o", "", "write the summary to this `file` (atomically) instead of stdout; --format from its extension when not given")
}

// complete fills defaults from the environment and validates the options.
func (o *benchmarkOptions) complete(e *env) error {
	if err := checkFormat(o.format, bench.Formats...); err != nil {
		return err
	}
	switch o.backend {
	case "ollama":
		if o.host == "" {
			o.host = e.getenv("OLLAMA_HOST")
		}
	case "openai":
		if o.host == "" {
			o.host = "127.0.0.1:8080"
		}
		for _, c := range o.config.ContextTokens {
			if c != 0 {
				return usagef("--context sets Ollama's num_ctx; an OpenAI-compatible server keeps the context it was started with")
			}
		}
	default:
		return usagef("--backend %q: must be ollama or openai", o.backend)
	}
	o.config.TargetCI = o.targetCIPct / 100
	if err := o.config.Validate(); err != nil {
		return usageError{err}
	}
	if o.results == "" {
		o.results = defaultResultsPath(e)
	}
	if strings.HasSuffix(strings.ToLower(o.output), ".jsonl") {
		return usagef("-o %s: -o names the summary's file; the JSON Lines file runs are appended to is --bench", o.output)
	}
	return checkOutputs([]string{o.results}, map[string]string{"-o": o.output})
}

const benchmarkLong = `Measure how fast a local model server runs models: time to first token, prefill and decode
rates, inter-token latency and memory, over prompt lengths, output lengths and concurrency.
Every finished request is appended at once to the results file (--bench).`
