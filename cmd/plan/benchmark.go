package main

import (
	"context"
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
	output         string
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
		Long:  benchmarkLong + benchmarkLoadLong,
		Example: `  $ plan benchmark --model llama3.2:1b
  $ plan benchmark --model qwen2.5:7b,llama3.1:8b --prompt-tokens 128,1024,4096
  $ plan benchmark --model qwen2.5:7b --concurrency 1,2,4,8 --format json
  $ plan benchmark --backend openai --host http://127.0.0.1:8080 --model qwen2.5-7b-instruct
  $ plan benchmark --model llama3.2:1b -o results.jsonl --max-runs 20
  $ plan benchmark --model llama3.2:1b --rate 0.5 --duration 2m --temperature 0.8`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
	return modelNames(models)
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
	f.IntSliceVar(&c.MaxTokens, "max-tokens", c.MaxTokens, "output lengths in tokens to sweep (forced with num_predict / max_tokens)")
	f.IntSliceVar(&c.ContextTokens, "ctx", c.ContextTokens, "context windows (num_ctx) to sweep; 0 sizes it to prompt + output, at least 2048")
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
	f.StringVarP(&o.output, "output", "o", "", "JSON Lines file every finished run is appended to (default: <data dir>/plan/benchmarks.jsonl)")
}

// complete fills defaults from the environment and validates the options.
func (o *benchmarkOptions) complete(e *env) error {
	if err := checkFormat(o.format, "table", "json", "csv"); err != nil {
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
				return usagef("--ctx sets Ollama's num_ctx; an OpenAI-compatible server keeps the context it was started with")
			}
		}
	default:
		return usagef("--backend %q: must be ollama or openai", o.backend)
	}
	o.config.TargetCI = o.targetCIPct / 100
	if err := o.config.Validate(); err != nil {
		return usageError{err}
	}
	if o.output == "" {
		o.output = defaultResultsPath(e)
	}
	return nil
}

const benchmarkLong = `Measure how fast a local model server runs models: time to first token, prompt
(prefill) and generation (decode) rates, inter-token latency, end-to-end time and
memory, for one or more models, prompt lengths, output lengths, context windows and
numbers of concurrent requests.

Method
  Each model is loaded first (load time is reported on its own, never mixed into
  rates). Two one-token probes fit how many tokens a prompt word makes, so prompts
  hit --prompt-tokens closely. Warm-up runs are discarded. Every run gets its own
  prompt, starting with its own text, so a prompt cache cannot flatter prefill.
  Sampling uses a fixed --seed and --temperature (0 by default). Runs repeat until
  the 95% confidence interval of the median decode rate is within ±--target-ci
  percent (distribution-free, from order statistics; it needs at least 6 runs) or
  --max-runs is reached. At concurrency k, k clients each send their next request
  as soon as the last one finished (closed loop) and runs count requests per
  client. The clients start staggered, the (w+1)-th when the first is w/k through
  its first output, so requests in flight sit at spread points of their outputs
  as real traffic's do (lock-step requests decode faster than real traffic);
  requests started before the last client did (phase "ramp") and those that end
  after a level is done (phase "tail") are left out of the statistics. Levels
  stop early when aggregate throughput stops rising. The first request of each
  client is then repeated, started the same way, to check that the same prompt
  gives the same text.

  A request is a valid decode measurement when the server finished it with its
  final statistics and it produced at least half of --max-tokens; others are
  short (a stop token, or Ollama cutting off a model that loops, as models do at
  temperature 0). A level keeps sending until it has --min-runs valid requests
  per client, for at most 3 x --max-runs requests per client. If that budget
  runs out first, the decode rate is timed on the client from the tokens every
  request streamed, short ones included (decode_basis client-stream), and a
  warning says so; if most requests were short at temperature 0, a hint
  suggests --temperature 0.7.

Metrics (per summary; medians over requests unless marked)
  decode tokens/s    output tokens / server decode time (Ollama eval_count /
                     eval_duration; llama.cpp timings). Servers that report no
                     durations are timed on the client: (tokens - 1) / (time of
                     last chunk - time of first chunk); rate_source says which.
  decode basis       (JSON and CSV) complete-requests: the median of the valid
                     requests' rates; client-stream: of every request's client-timed
                     rate, (tokens - 1) / (last chunk - first chunk time), the run's
                     client_decode_tokens_per_second. valid_requests and
                     short_requests (fewer tokens than asked for) count them.
  decode step tok/s  (JSON and CSV) tokens per chunk / mean gap between chunks,
                     without gaps over 8 x the mean: the speed between the pauses
                     in which the server read other requests' prompts, which
                     decode tokens/s includes. plan simulate --bench takes it.
  prefill tokens/s   prompt tokens / server prompt time (prompt_eval_count /
                     prompt_eval_duration); client fallback: prompt tokens / TTFT.
  ttft p50/p95       client time from sending the request to the first streamed text.
  itl p50/p95/p99    client gaps between streamed chunks (median over requests of
                     each request's percentile).
  e2e p50/p95        client time from sending the request to the end of the stream.
  aggregate tok/s    k x mean output tokens / mean e2e time: k clients that always
                     have a request in flight finish k / mean e2e requests a
                     second (Little's law).
  parallelism        summed time the server worked on the requests (first token less
                     its prompt time, to the end) / time during which it worked on
                     at least one: about k when the server runs k requests
                     together, 1 when it queues them.
  load seconds       wall time of the request that loads the model ("warm" when it
                     was already in memory, so nothing was loaded).
  memory             loaded size, part in VRAM and part spilled to system memory
                     (Ollama /api/ps size and size_vram).
  identical          the repeated first run produced byte-identical text.
  history            whether outputs match the latest earlier run of the same
                     prompts in the results file, and whether the digest changed.

Results
  Every finished request is appended at once to the JSON Lines results file (-o),
  then one summary line per combination, each with its environment: plan version,
  backend and its version, host, model, digest, parameter count, quantization,
  family, context, concurrency, hardware and time. The first Ctrl-C stops, clears
  the progress line, prints the summary of the requests finished so far and the
  results file's path, and exits 130; nothing finished is lost.`
