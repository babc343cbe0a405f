package main

import (
	"context"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/internal/progress"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/pricing/spend"
	"github.com/plan-cli/plan/pricing/usage"
)

// usageOptions are the settings of one `plan usage` invocation.
type usageOptions struct {
	inputs      []string
	by          string
	format      string
	inputFormat string
	strict      bool
	redact      bool
	prices      string
	output      string
}

func newUsageCmd(e *env) *cobra.Command {
	o := &usageOptions{}
	cmd := &cobra.Command{
		Use:   "usage FILE|DIR|- ...",
		Short: "Read cloud usage exports and price them exactly",
		Long:  usageLong,
		Example: `  $ plan usage completions_usage_2025-10-01_2025-10-31.csv
  $ plan usage exports/ --by day
  $ plan usage openrouter_activity.csv.gz --by model --format json
  $ plan usage usage.csv cost.csv --by day
  $ plan usage spend_logs.csv --prices my-prices.json --redact --format md`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.inputs = args
			if err := formatFromOutput(cmd, &o.format, o.output, spend.Formats...); err != nil {
				return err
			}
			if err := o.validate(); err != nil {
				return err
			}
			return runUsage(cmd.Context(), e, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.by, "by", "month", "group the summary by "+strings.Join(spend.Groupings, ", "))
	f.StringVar(&o.format, "format", "table", "output format: table, json, csv or md")
	f.StringVar(&o.inputFormat, "input-format", "", "read every input as this format instead of detecting it (see the list above)")
	f.BoolVar(&o.strict, "strict", false, "stop at the first bad row instead of skipping it with a warning")
	f.BoolVar(&o.redact, "redact", false, "hide project, workspace and key names in the output")
	addPricesFlag(cmd, &o.prices)
	addOutputFlag(f, &o.output)
	return cmd
}

func (o *usageOptions) validate() error {
	if err := checkFormat(o.format, spend.Formats...); err != nil {
		return err
	}
	if !slices.Contains(spend.Groupings, o.by) {
		return usagef("invalid --by %q: want %s", o.by, strings.Join(spend.Groupings, ", "))
	}
	if o.inputFormat != "" && !usage.KnownFormat(o.inputFormat) {
		return usagef("invalid --input-format %q: want %s", o.inputFormat, strings.Join(usage.FormatNames(), ", "))
	}
	return nil
}

// runUsage reads every input, prices and aggregates it, and writes the summary.
func runUsage(ctx context.Context, e *env, o *usageOptions) error {
	if err := checkOutputs(append(o.inputs, o.prices), map[string]string{"-o": o.output}); err != nil {
		return err
	}
	pricer, source, err := newPricer(o.prices)
	if err != nil {
		return err
	}
	agg := spend.New(o.by, o.redact, pricer)
	warn := newWarnings(e)
	add, wait := agg.Async()
	line := e.progressLine()
	stats, err := usage.Read(ctx, o.inputs, usage.Options{Format: o.inputFormat, Strict: o.strict, Stdin: e.stdin, Warn: warn.add},
		rowCounter(line, add))
	wait()
	line.Clear()
	if err != nil {
		return err
	}
	warn.summary(stats)
	return writeOutput(e, o.output, func(w io.Writer) error {
		return spend.Write(w, o.format, agg.Summary(), stats, source, e.widthFor(o.output))
	})
}

// newPricer builds the record pricer from the built-in prices (with the
// --prices file merged over them) and a one-line description of their sources.
func newPricer(path string) (spend.Pricer, string, error) {
	t, err := priceTable(path)
	if err != nil {
		return nil, "", err
	}
	return spend.NewTablePricer(t), pricing.SourcesLine(t.Sources), nil
}

// rowCounter passes records on to add and shows on line how many were read.
func rowCounter(line *progress.Line, add func(*usage.Record) error) func(*usage.Record) error {
	rows := 0
	return func(r *usage.Record) error {
		if rows++; rows%4096 == 0 {
			line.Show("plan: "+show.Count(int64(rows))+" rows read", false)
		}
		return add(r)
	}
}
