package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/planner"
	"github.com/plan-cli/plan/planner/report"
)

const recommendLong = `Rank the open models of the catalog, at Q4_K_M, Q8_0 and F16, for this machine or what-if
hardware: what fits in the FREE memory, how fast it runs, how many people it serves at once,
and the Ollama settings that run it.

Memory: weights + KV cache (layers x KV heads x head dimension x 2 x bytes per element x
context x parallel requests, sliding-window layers counted at their window) + compute graph
+ a one-layer margin, as Ollama v0.6.5 sizes a model; graded against free VRAM per GPU (less
Ollama's 457 MiB reserve on CUDA/ROCm) and free RAM. A model that only fits with layers on the
CPU says how many, and runs that share at CPU speed. A q8_0 KV cache with flash attention is
tried when f16 does not fit on a GPU.

Context: --context, else the p95 of prompt + output tokens of the requests in --usage
(rounded up to 1024, at least 2048), else 8192: sized from real requests, not the model's
advertised maximum.

Speed: --bench measurements for the models they hold (basis "measured"), else this machine's
calibration (plan benchmark --calibrate; "calibrated here"), else the throughput model
("estimated from catalog"), with its band. Concurrent users: the most requests at once (up to
--parallel) that each still decode at --min-tps or faster.

Ranking: models decoding at least --min-tps first, then quality on the LMArena scale after
the quantization's penalty (unrated models last), then decode speed.`

func newRecommendCmd(e *env) *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "recommend [FILE|DIR ...]",
		Short: "Which models and quantizations to run on this machine or what-if hardware",
		Long:  recommendLong + "\n\n" + hardwareHelp,
		Example: `  $ plan recommend
  $ plan recommend --gpu "RTX 4060 Ti 16GB" --context 8192
  $ plan recommend --gpu "RTX 3090" --count 2 --usage completions_usage_2026-10.csv --format json
  $ plan recommend --profile laptop.json --min-tps 20`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.usage = append(o.usage, args...)
			if err := checkFormat(o.format, report.RecommendFormats...); err != nil {
				return err
			}
			if err := o.validate(); err != nil {
				return err
			}
			return runRecommend(cmd.Context(), e, o)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.usage, "usage", nil, "cloud usage exports to size the context from: `files`, directories or globs (further arguments are read too)")
	f.StringVar(&o.inputFormat, "input-format", "", "read every --usage file as this format instead of detecting it")
	f.StringVar(&o.bench, "bench", "", "plan benchmark results `file`: measured speeds for the models it holds")
	f.StringVar(&o.calibrationFile, "calibration", "", "this machine's calibration `file` (default: calibration.json next to the benchmark results, when present)")
	addHardwareFlags(f, &o.hw)
	f.Float64Var(&o.ramGB, "ram", 0, "what-if system memory free for models, in `GB` (GiB)")
	f.StringVar(&o.ollamaHost, "ollama", "", "read the models installed on this Ollama `server` (e.g. 127.0.0.1:11434): their real architecture and size replace the catalog's")
	f.Float64Var(&o.minTPS, "min-tps", planner.DefaultMinDecodeTPS, "decode `tokens/s` each request needs")
	f.IntVar(&o.context, "context", 0, "context per request in `tokens` (default: p95 of --usage, else 8192)")
	f.IntVar(&o.parallel, "parallel", 4, "most parallel requests per model (OLLAMA_NUM_PARALLEL)")
	f.IntVar(&o.top, "top", 10, "recommendations listed")
	addQualityFlags(f, o)
	f.StringVar(&o.format, "format", "table", "output format: table, md, json or csv")
	o.electricity, o.months, o.lifeMonths, o.shareLocal, o.idleWatts, o.hardwareCost = 0.15, 36, 36, -1, -1, -1
	return cmd
}

func runRecommend(ctx context.Context, e *env, o *reportOptions) error {
	req, err := o.request(e)
	if err != nil {
		return err
	}
	list, err := planner.MakeShortlist(ctx, req, probes(e))
	if err != nil {
		return err
	}
	return report.WriteRecommendations(e.stdout, o.format, list, e.width())
}
