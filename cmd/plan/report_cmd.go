package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/planner/report"
)

const reportLong = `Join everything into one answer: which local models fit this machine (or the one you
might buy), how much of your cloud traffic they can take at acceptable quality and latency,
and when the hardware pays for itself.

Without --usage the report runs on example data shipped with plan (a made-up team's month of
OpenAI usage, about $1,150) and says so on every page: give your own exports to plan for real.

How it decides:
 1. Context per request: the p95 of prompt + output tokens of the real requests (of all of
    them, and of each cloud model's), rounded up to 1024, at least 2048; each is tried.
 2. Every catalog model at Q4_K_M, Q8_0 and F16 is placed in the FREE memory of the hardware
    (weights + KV cache for context x parallel requests + compute graph + margin, as Ollama
    sizes it), with up to --parallel requests at once; models that need the CPU say how many
    layers; speeds come from --bench measurements, this machine's calibration, or the
    throughput model (basis shown). Models decoding under --min-tps for one request are not
    recommended. Ranking: quality on the LMArena scale after the quantization's penalty,
    then speed.
 3. For each cloud model: its task class (--tasks mapping; frontier classes stay in the
    cloud) and quality (the local model, after its penalty, within --tolerance points of
    the cloud model) decide whether it may move; requests longer than the local context stay.
 4. The candidates that could take the most spend are replayed over the whole usage period on
    the local server (arrivals from the export's buckets, speeds from the concurrency curve):
    a request whose expected time to first token exceeds --slo-ttft (or end-to-end time
    --slo-e2e) spills to the cloud. The one that moves the most spend is the plan; its busiest
    hour is replayed on its own for the latency figures. --share-local replaces the computed
    split with a fixed share of every adequate model's traffic.
 5. Break-even: the cloud spend moved per month against the local cost: electricity (active
    watts x busy hours from the replay + idle watts x the other hours, x --electricity),
    --maintenance, and the hardware (--hardware-cost; owned hardware costs nothing; amortized
    over --life-months less --resale), with --growth and --price-change compounding monthly.
    Break-even month, cumulative cost curves over --months, 3-year cost of ownership, and its
    sensitivity to cloud prices, growth, utilization and electricity.

Money is per month at the usage's rate: its spend / its span in months of 30.44 days.`

func newReportCmd(e *env) *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report [FILE|DIR ...]",
		Short: "What to run locally, what stays in the cloud, and when the hardware pays for itself",
		Long:  reportLong + "\n\n" + hardwareHelp,
		Example: `  $ plan report
  $ plan report --usage completions_usage_2026-10.csv --gpu "RTX 4090" --format html -o report.html
  $ plan report --usage exports/ --profile workstation.json --bench results.jsonl --hardware-cost 0
  $ plan report --usage exports/ --gpu "RTX 3090" --count 2 --electricity 0.30 --growth 0.5 --litellm-config litellm.yaml --ollama-env ollama.env`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.usage = append(o.usage, args...)
			if err := checkOutputs(append(o.usage, o.tasks, o.prices, o.bench), map[string]string{"-o": o.output, "--litellm-config": o.litellm, "--ollama-env": o.ollamaEn}); err != nil {
				return err
			}
			if err := checkFormat(o.format, report.Formats...); err != nil {
				return err
			}
			if err := o.validate(); err != nil {
				return err
			}
			return runReport(cmd.Context(), e, o)
		},
	}
	addReportFlags(cmd, o)
	cmd.Flags().StringVar(&o.format, "format", "table", "output format: table, md, json, csv or html")
	return cmd
}

func runReport(ctx context.Context, e *env, o *reportOptions) error {
	rep, err := o.plan(ctx, e)
	if err != nil {
		return err
	}
	if err := output.WriteTo(e.stdout, o.output, func(w io.Writer) error { return report.Write(w, o.format, rep, e.width()) }); err != nil {
		return err
	}
	if o.litellm != "" {
		if err := output.WriteTo(nil, o.litellm, func(w io.Writer) error { return report.WriteLiteLLMConfig(w, rep) }); err != nil {
			return err
		}
	}
	if o.ollamaEn != "" {
		if err := output.WriteTo(nil, o.ollamaEn, func(w io.Writer) error { return report.WriteOllamaEnv(w, rep) }); err != nil {
			return err
		}
	}
	if rep.ExampleData {
		fmt.Fprintln(e.stderr, "plan: this report uses EXAMPLE usage data shipped with plan; give your own exports with --usage")
	}
	return nil
}
