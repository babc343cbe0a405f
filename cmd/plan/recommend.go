package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/planner"
	"github.com/plan-cli/plan/planner/report"
)

const recommendLong = `Rank the open models of the catalog, at Q4_K_M, Q8_0 and F16, for this machine or what-if
hardware: what fits in the FREE memory, how fast it runs, how many people it serves at once,
and the Ollama settings that run it.`

func newRecommendCmd(e *env) *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "recommend [FILE|DIR ...]",
		Short: "Which models and quantizations to run on this machine or what-if hardware",
		Long:  recommendLong + "\n\n" + seeAlso + " What-if hardware: plan help hardware.",
		Example: `  $ plan recommend
  $ plan recommend --gpu "RTX 4060 Ti 16GB" --context 8192
  $ plan recommend --gpu "RTX 3090" --count 2 --usage completions_usage_2026-10.csv --format json
  $ plan recommend --profile laptop.json --min-tps 20`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.usage = append(o.usage, args...)
			if err := formatFromOutput(cmd, &o.format, o.output, report.RecommendFormats...); err != nil {
				return err
			}
			if err := checkFormat(o.format, report.RecommendFormats...); err != nil {
				return err
			}
			if err := checkOutputs(append(o.usage, o.bench, o.qualityFile), map[string]string{"-o": o.output}); err != nil {
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
	addHostFlag(f, &o.ollamaHost)
	f.Float64Var(&o.minTPS, "min-tps", planner.DefaultMinDecodeTPS, "decode `tokens/s` each request needs")
	f.IntVar(&o.context, "context", 0, "context per request in `tokens` (default: p95 of --usage, else 8192)")
	f.IntVar(&o.parallel, "parallel", 4, "most parallel requests per model (OLLAMA_NUM_PARALLEL)")
	f.IntVar(&o.top, "top", 10, "recommendations listed")
	addQualityFlags(f, o)
	f.StringVar(&o.format, "format", "table", "output format: table, md, json or csv")
	addOutputFlag(f, &o.output)
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
	width := e.widthFor(o.output)
	return writeOutput(e, o.output, func(w io.Writer) error { return report.WriteRecommendations(w, o.format, list, width) })
}
