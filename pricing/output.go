package pricing

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
)

// Formats are the values of plan prices's --format.
var Formats = []string{"table", "json", "csv"}

// Write writes the prices found in format: a table, JSON or CSV, each
// naming the sources the prices came from.
func Write(w io.Writer, format string, sources []Source, found []*Price) error {
	switch format {
	case "json":
		return output.WriteJSON(w, pricesJSON(sources, found))
	case "csv":
		return writePricesCSV(w, sources, found)
	}
	return writePricesTable(w, sources, found)
}

// ListedPrice is the prices of one entry at one service tier and context, per 1M tokens.
type ListedPrice struct {
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
func (r ListedPrice) values() []*float64 {
	return []*float64{r.Input, r.CacheRead, r.Write5m, r.Write1h, r.Output, r.Reasoning}
}

// ListedModel is one entry of plan prices --format json.
type ListedModel struct {
	Model           string        `json:"model"`
	Canonical       string        `json:"canonical"`
	Provider        string        `json:"provider"`
	Mode            string        `json:"mode,omitempty"`
	MaxInputTokens  int64         `json:"max_input_tokens,omitempty"`
	MaxOutputTokens int64         `json:"max_output_tokens,omitempty"`
	DeprecationDate string        `json:"deprecation_date,omitempty"`
	Source          string        `json:"source"`
	Prices          []ListedPrice `json:"prices"`
}

// Listing is the JSON document of plan prices: the sources and the models.
type Listing struct {
	Sources []Source      `json:"sources"`
	Models  []ListedModel `json:"models"`
}

func pricesJSON(sources []Source, found []*Price) Listing {
	doc := Listing{Sources: sources}
	for _, p := range found {
		doc.Models = append(doc.Models, ListedModel{
			Model: p.Model, Canonical: Canonical(p.Model), Provider: p.Provider, Mode: p.Mode,
			MaxInputTokens: p.MaxInputTokens, MaxOutputTokens: p.MaxOutputTokens,
			DeprecationDate: p.DeprecationDate, Source: p.Source, Prices: priceRows(p),
		})
	}
	return doc
}

var priceTiers = []Tier{Standard, Batch, Flex, Priority}

// priceRows returns the entry's prices by context, then tier, leaving out
// combinations the table has no price for.
func priceRows(p *Price) []ListedPrice {
	var rows []ListedPrice
	for _, above := range append([]int64{0}, p.Thresholds()...) {
		for _, tier := range priceTiers {
			r := ListedPrice{Tier: tier.String(), AboveTokens: above}
			rate := func(c Component) *float64 { return perMTok(p, c, above, tier) }
			r.Input, r.CacheRead, r.Write5m = rate(Input), rate(CacheRead), rate(CacheWrite5m)
			r.Write1h, r.Output, r.Reasoning = rate(CacheWrite1h), rate(Output), rate(Reasoning)
			if r != (ListedPrice{Tier: r.Tier, AboveTokens: above}) {
				rows = append(rows, r)
			}
		}
	}
	return rows
}

// perMTok returns a rate in USD per 1M tokens, rounded to 1e-9 to drop the
// float noise of the × 10^6, or nil when the table has no such price.
func perMTok(p *Price, c Component, above int64, tier Tier) *float64 {
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

func writePricesCSV(w io.Writer, sources []Source, found []*Price) error {
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
			rec := []string{p.Model, Canonical(p.Model), p.Provider, p.Mode, r.Tier, strconv.FormatInt(r.AboveTokens, 10)}
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
func writePricesTable(w io.Writer, sources []Source, found []*Price) error {
	if _, err := fmt.Fprintf(w, "Prices in USD per 1M tokens from %s\n\n", SourcesLine(sources)); err != nil {
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
		for _, c := range []Component{Input, CacheRead, CacheWrite5m, CacheWrite1h, Output} {
			row = append(row, show.OrDash(mtokText(perMTok(p, c, 0, Standard))))
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
func inOutText(p *Price, above int64, tier Tier) string {
	in, out := perMTok(p, Input, above, tier), perMTok(p, Output, above, tier)
	if in == nil && out == nil {
		return "-"
	}
	return show.OrDash(mtokText(in)) + "/" + show.OrDash(mtokText(out))
}

// longContextText lists the long-context prices as ">200k 6/22.5".
func longContextText(p *Price) string {
	var parts []string
	for _, above := range p.Thresholds() {
		if s := inOutText(p, above, Standard); s != "-" {
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
