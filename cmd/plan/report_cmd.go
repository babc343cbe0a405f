package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/planner/report"
)

const reportLong = `Which local models fit this machine (or one you might buy), how much of your cloud traffic
they can take at acceptable quality and latency, and when the hardware pays for itself.
Without --usage it runs on example data shipped with plan, and says so.`

func newReportCmd(e *env) *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report [FILE|DIR ...]",
		Short: "What to run locally, what stays in the cloud, and when the hardware pays for itself",
		Long:  reportLong + "\n\n" + seeAlso + " What-if hardware: plan help hardware.",
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
			if err := formatFromOutput(cmd, &o.format, o.output, report.Formats...); err != nil {
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
	width := e.widthFor(o.output)
	if err := writeOutput(e, o.output, func(w io.Writer) error { return report.Write(w, o.format, rep, width) }); err != nil {
		return err
	}
	if o.litellm != "" {
		if err := writeOutput(e, o.litellm, func(w io.Writer) error { return report.WriteLiteLLMConfig(w, rep) }); err != nil {
			return err
		}
	}
	if o.ollamaEn != "" {
		if err := writeOutput(e, o.ollamaEn, func(w io.Writer) error { return report.WriteOllamaEnv(w, rep) }); err != nil {
			return err
		}
	}
	if rep.ExampleData {
		fmt.Fprintln(e.stderr, "plan: this report uses EXAMPLE usage data shipped with plan; give your own exports with --usage")
	}
	return nil
}
