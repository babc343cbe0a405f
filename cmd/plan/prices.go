package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/pricing"
)

const pricesLong = `List the prices plan puts on cloud usage: the models whose names match
PATTERN (every model without one), in US dollars per 1M tokens.

PATTERN ignores case and matches as a substring, or, with * (any characters)
or ? (one character), as a glob of the whole name: "gemini/*pro*". When a
plain pattern matches nothing, its canonical form is tried against canonical
names, so "Claude Sonnet 4" finds claude-sonnet-4-20250514.`

const pricesExample = `  $ plan prices
  $ plan prices gpt-4o
  $ plan prices "claude-*" --format csv
  $ plan prices "Claude Sonnet 4"
  $ plan prices gemini --prices model_prices_and_context_window.json`

// pricesOptions are the settings of plan prices.
type pricesOptions struct {
	pattern    string
	format     string
	pricesFile string
	output     string

	e *env
}

func newPricesCmd(e *env) *cobra.Command {
	opts := pricesOptions{e: e}
	cmd := &cobra.Command{
		Use:     "prices [PATTERN]",
		Short:   "List the cloud prices per 1M tokens that plan uses, with their source and date",
		Long:    pricesLong + "\n\nWhere the prices come from, every column and how usage is priced: plan help metrics.",
		Example: pricesExample,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.pattern = args[0]
			}
			if err := formatFromOutput(cmd, &opts.format, opts.output, pricing.Formats...); err != nil {
				return err
			}
			if err := checkFormat(opts.format, pricing.Formats...); err != nil {
				return err
			}
			if err := checkOutputs([]string{opts.pricesFile}, map[string]string{"-o": opts.output}); err != nil {
				return err
			}
			return runPrices(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.format, "format", "table", "output `format`: table, json or csv")
	addPricesFlag(cmd, &opts.pricesFile)
	addOutputFlag(cmd.Flags(), &opts.output)
	return cmd
}

func runPrices(_ context.Context, opts pricesOptions) error {
	t, err := priceTable(opts.pricesFile)
	if err != nil {
		return err
	}
	found := t.Search(opts.pattern)
	if len(found) == 0 {
		return fmt.Errorf("no priced model matches %q (plan prices with no pattern lists them all)", opts.pattern)
	}
	return writeOutput(opts.e, opts.output, func(w io.Writer) error {
		return pricing.Write(w, opts.format, t.Sources, found)
	})
}
