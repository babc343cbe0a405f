package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/pricing"
)

const pricesLong = `List the prices plan puts on cloud usage: the models whose names match
PATTERN (every model without one), in US dollars per 1M tokens.

PATTERN ignores case and matches as a substring, or, with * (any characters)
or ? (one character), as a glob of the whole name: "gemini/*pro*". When a
plain pattern matches nothing, its canonical form is tried against canonical
names, so "Claude Sonnet 4" finds claude-sonnet-4-20250514.

Where the prices come from: a table built into plan, taken from
BerriAI/litellm's model_prices_and_context_window.json (the chat models of
OpenAI, Anthropic and Google, on their own APIs and on Google's Vertex AI).
The first line of the table (sources in JSON, source columns in CSV) names
the table and its date. --prices FILE merges a file in the same schema over
it: a whole newer model_prices_and_context_window.json, or a few entries of
your own (negotiated prices, other models). An entry in FILE changes the
fields it gives and keeps the others; its prices are USD per token, as
LiteLLM writes them (2.5e-06 is $2.50 per 1M tokens). Nothing is downloaded.

Columns (JSON and CSV names in brackets). Every price is USD per 1M tokens,
LiteLLM's USD per token × 1,000,000; "-" or an empty cell means the table has
no such price.
  MODEL [model]          The entry's name in the table. [canonical] is the
                         name usage is grouped by (dates and prefixes removed).
  PROVIDER [provider]    LiteLLM's litellm_provider: openai, anthropic, gemini
                         (Google AI Studio), vertex_ai-... (Google Cloud).
  INPUT [input_usd_per_mtok]
                         Uncached input tokens (input_cost_per_token).
  CACHE READ [cache_read_usd_per_mtok]
                         Cached input: prompt-cache hits
                         (cache_read_input_token_cost).
  WRITE 5M [cache_write_5m_usd_per_mtok]
                         Input written to a 5-minute prompt cache
                         (cache_creation_input_token_cost).
  WRITE 1H [cache_write_1h_usd_per_mtok]
                         Input written to a 1-hour prompt cache
                         (cache_creation_input_token_cost_above_1hr).
  OUTPUT [output_usd_per_mtok]
                         Output tokens, reasoning included (output_cost_per_token).
  [reasoning_usd_per_mtok]
                         JSON and CSV only: reasoning tokens, where billed apart
                         from output (output_cost_per_reasoning_token).
  LONG CONTEXT [above_tokens]
                         Prices for prompts above a size, input/output in the
                         table: ">200k 6/22.5" is $6 input and $22.50 output
                         for prompts above 200,000 tokens (the fields ending in
                         _above_200k_tokens; also 128k, 272k and others).
  BATCH, FLEX, PRIORITY [tier]
                         Input/output at the batch APIs (fields ending in
                         _batches), OpenAI's flex processing (_flex) and
                         priority processing (_priority).
  MAX INPUT [max_input_tokens]
                         The context window for input, in tokens.
  [max_output_tokens, deprecation_date, source, source_date]
                         JSON and CSV only.
In JSON and CSV each model has one price row per service tier [tier] and
context [above_tokens, 0 for the base prices] that the table prices.

How plan prices usage (plan usage, plan report) with these:
  cost = uncached input × INPUT + cache reads × CACHE READ
       + 5-minute cache writes × WRITE 5M + 1-hour cache writes × WRITE 1H
       + (output − reasoning) × OUTPUT + reasoning × reasoning price
Reasoning has a price of its own only where the table gives one; elsewhere
it is output. Batch, flex and priority requests take that tier's prices; a
request whose prompt (every input token, cached or not) is above a threshold,
or that the export marks as long-context, takes the long-context prices.
Where the table lacks a price, plan falls back and says so: a tier or
long-context price to the standard base price, cache reads and 5-minute
writes to INPUT, 1-hour writes to WRITE 5M (then INPUT). A model the table
does not price is reported as unknown, never counted as free.

Exported model names are matched to entries as they are, then without
provider prefix and variant (openai/, anthropic/claude-3.7-sonnet:thinking),
then by canonical name, which drops snapshot dates and spells display names
as API names ("Claude Haiku 4.5" is claude-haiku-4-5). A dated snapshot with
an entry of its own takes that entry's prices.`

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

	stdout io.Writer
}

func newPricesCmd(e *env) *cobra.Command {
	opts := pricesOptions{stdout: e.stdout}
	cmd := &cobra.Command{
		Use:     "prices [PATTERN]",
		Short:   "List the cloud prices per 1M tokens that plan uses, with their source and date",
		Long:    pricesLong,
		Example: pricesExample,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.pattern = args[0]
			}
			if err := checkFormat(opts.format, "table", "json", "csv"); err != nil {
				return err
			}
			return runPrices(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.format, "format", "table", "output `format`: table, json or csv")
	addPricesFlag(cmd, &opts.pricesFile)
	return cmd
}

// addPricesFlag adds --prices FILE to a command that prices usage.
func addPricesFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "prices", "",
		"merge the LiteLLM price `FILE` (a whole model_prices_and_context_window.json or overrides) over the built-in prices")
}

// priceTable returns the built-in prices with the --prices file merged over them.
func priceTable(path string) (*pricing.Table, error) {
	t, err := pricing.EmbeddedWith(path)
	if err != nil && path != "" {
		return nil, fmt.Errorf("--prices: %w", err)
	}
	return t, err
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
	switch opts.format {
	case "json":
		return output.WriteJSON(opts.stdout, pricesJSON(t.Sources, found))
	case "csv":
		return writePricesCSV(opts.stdout, t.Sources, found)
	}
	return writePricesTable(opts.stdout, t.Sources, found)
}

// priceRow is the prices of one entry at one service tier and context, per 1M tokens.
type priceRow struct {
	Tier        string   `json:"tier"`
	AboveTokens int64    `json:"above_tokens"`
	Input       *float64 `json:"input_usd_per_mtok,omitempty"`
	CacheRead   *float64 `json:"cache_read_usd_per_mtok,omitempty"`
	Write5m     *float64 `json:"cache_write_5m_usd_per_mtok,omitempty"`
	Write1h     *float64 `json:"cache_write_1h_usd_per_mtok,omitempty"`
	Output      *float64 `json:"output_usd_per_mtok,omitempty"`
	Reasoning   *float64 `json:"reasoning_usd_per_mtok,omitempty"`
}

// values returns the row's prices in component order.
func (r priceRow) values() []*float64 {
	return []*float64{r.Input, r.CacheRead, r.Write5m, r.Write1h, r.Output, r.Reasoning}
}

// modelPrices is one entry of plan prices --format json.
type modelPrices struct {
	Model           string     `json:"model"`
	Canonical       string     `json:"canonical"`
	Provider        string     `json:"provider"`
	Mode            string     `json:"mode,omitempty"`
	MaxInputTokens  int64      `json:"max_input_tokens,omitempty"`
	MaxOutputTokens int64      `json:"max_output_tokens,omitempty"`
	DeprecationDate string     `json:"deprecation_date,omitempty"`
	Source          string     `json:"source"`
	Prices          []priceRow `json:"prices"`
}

type pricesDoc struct {
	Sources []pricing.Source `json:"sources"`
	Models  []modelPrices    `json:"models"`
}

func pricesJSON(sources []pricing.Source, found []*pricing.Price) pricesDoc {
	doc := pricesDoc{Sources: sources}
	for _, p := range found {
		doc.Models = append(doc.Models, modelPrices{
			Model: p.Model, Canonical: pricing.Canonical(p.Model), Provider: p.Provider, Mode: p.Mode,
			MaxInputTokens: p.MaxInputTokens, MaxOutputTokens: p.MaxOutputTokens,
			DeprecationDate: p.DeprecationDate, Source: p.Source, Prices: priceRows(p),
		})
	}
	return doc
}

var priceTiers = []pricing.Tier{pricing.Standard, pricing.Batch, pricing.Flex, pricing.Priority}

// priceRows returns the entry's prices by context, then tier, leaving out
// combinations the table has no price for.
func priceRows(p *pricing.Price) []priceRow {
	var rows []priceRow
	for _, above := range append([]int64{0}, p.Thresholds()...) {
		for _, tier := range priceTiers {
			r := priceRow{Tier: tier.String(), AboveTokens: above}
			rate := func(c pricing.Component) *float64 { return perMTok(p, c, above, tier) }
			r.Input, r.CacheRead, r.Write5m = rate(pricing.Input), rate(pricing.CacheRead), rate(pricing.CacheWrite5m)
			r.Write1h, r.Output, r.Reasoning = rate(pricing.CacheWrite1h), rate(pricing.Output), rate(pricing.Reasoning)
			if r != (priceRow{Tier: r.Tier, AboveTokens: above}) {
				rows = append(rows, r)
			}
		}
	}
	return rows
}

// perMTok returns a rate in USD per 1M tokens, rounded to 1e-9 to drop the
// float noise of the × 10^6, or nil when the table has no such price.
func perMTok(p *pricing.Price, c pricing.Component, above int64, tier pricing.Tier) *float64 {
	usd, ok := p.Rate(c, above, tier)
	if !ok {
		return nil
	}
	v := math.Round(usd*1e6*1e9) / 1e9
	return &v
}

func mtokText(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func writePricesCSV(w io.Writer, sources []pricing.Source, found []*pricing.Price) error {
	dates := make(map[string]string)
	for _, s := range sources {
		dates[s.Name] = s.Date
	}
	cw := output.NewCSV(w)
	cw.Write([]string{"model", "canonical", "provider", "mode", "tier", "above_tokens",
		"input_usd_per_mtok", "cache_read_usd_per_mtok", "cache_write_5m_usd_per_mtok", "cache_write_1h_usd_per_mtok",
		"output_usd_per_mtok", "reasoning_usd_per_mtok", "max_input_tokens", "max_output_tokens", "deprecation_date",
		"source", "source_date"})
	for _, p := range found {
		for _, r := range priceRows(p) {
			rec := []string{p.Model, pricing.Canonical(p.Model), p.Provider, p.Mode, r.Tier, strconv.FormatInt(r.AboveTokens, 10)}
			for _, v := range r.values() {
				rec = append(rec, mtokText(v))
			}
			rec = append(rec, tokensText(p.MaxInputTokens), tokensText(p.MaxOutputTokens), p.DeprecationDate, p.Source, dates[p.Source])
			cw.Write(rec)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

func tokensText(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// writePricesTable writes the source line, then one row per model.
func writePricesTable(w io.Writer, sources []pricing.Source, found []*pricing.Price) error {
	if _, err := fmt.Fprintf(w, "Prices in USD per 1M tokens from %s\n\n", pricing.SourcesLine(sources)); err != nil {
		return err
	}
	header := []string{"MODEL", "PROVIDER", "INPUT", "CACHE READ", "WRITE 5M", "WRITE 1H", "OUTPUT",
		"LONG CONTEXT", "BATCH", "FLEX", "PRIORITY", "MAX INPUT"}
	if len(sources) > 1 {
		header = append(header, "SOURCE")
	}
	rows := make([][]string, 0, len(found))
	for _, p := range found {
		row := []string{p.Model, show.OrDash(p.Provider)}
		for _, c := range []pricing.Component{pricing.Input, pricing.CacheRead, pricing.CacheWrite5m, pricing.CacheWrite1h, pricing.Output} {
			row = append(row, show.OrDash(mtokText(perMTok(p, c, 0, pricing.Standard))))
		}
		row = append(row, longContextText(p))
		for _, tier := range priceTiers[1:] {
			row = append(row, inOutText(p, 0, tier))
		}
		row = append(row, show.OrDash(tokensText(p.MaxInputTokens)))
		if len(sources) > 1 {
			row = append(row, p.Source)
		}
		rows = append(rows, row)
	}
	return output.WriteTable(w, header, rows)
}

// inOutText writes the input and output prices of one tier and context as "in/out".
func inOutText(p *pricing.Price, above int64, tier pricing.Tier) string {
	in, out := perMTok(p, pricing.Input, above, tier), perMTok(p, pricing.Output, above, tier)
	if in == nil && out == nil {
		return "-"
	}
	return show.OrDash(mtokText(in)) + "/" + show.OrDash(mtokText(out))
}

// longContextText lists the long-context prices as ">200k 6/22.5".
func longContextText(p *pricing.Price) string {
	var parts []string
	for _, above := range p.Thresholds() {
		if s := inOutText(p, above, pricing.Standard); s != "-" {
			parts = append(parts, fmt.Sprintf(">%s %s", kTokens(above), s))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// kTokens writes a token count as LiteLLM's field names do: 200000 is 200k.
func kTokens(n int64) string {
	if n%1000 == 0 {
		return strconv.FormatInt(n/1000, 10) + "k"
	}
	return strconv.FormatInt(n, 10)
}
