package spend

import (
	"fmt"
	"io"
	"strconv"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/pricing/usage"
)

// Formats are the values of plan usage's --format.
var Formats = []string{"table", "json", "csv", "md"}

// usageReport is the JSON document of plan usage.
type usageReport struct {
	Summary
	Prices string `json:"prices"` // the price table's source and date
	Files  int    `json:"files"`
	Rows   int    `json:"rows"`
	Bad    int    `json:"skipped_rows"`
}

// Write writes the summary in format: tables with a headline (table, md),
// JSON with the read's figures, or CSV of the groups. prices names the
// price table; a table is fitted to width columns when width > 0.
func Write(w io.Writer, format string, s Summary, stats usage.Stats, prices string, width int) error {
	switch format {
	case "json":
		return output.WriteJSON(w, usageReport{Summary: nonNilSummary(s), Prices: prices, Files: stats.Files, Rows: stats.Rows, Bad: stats.Skipped})
	case "csv":
		return writeGroupsCSV(w, s)
	}
	fmt.Fprintf(w, "%s\n\n", usageHeadline(s, stats, prices))
	for i, t := range usageTables(s) {
		if i > 0 {
			fmt.Fprintln(w)
		}
		var err error
		if format == "md" {
			fmt.Fprintf(w, "### %s\n\n", t.Title)
			err = output.WriteMarkdown(w, t.Header, t.Rows)
		} else {
			fmt.Fprintf(w, "%s\n", t.Title)
			err = t.Table.Write(w, width)
		}
		if err != nil {
			return err
		}
	}
	writeUsageNotes(w, s)
	return nil
}

func nonNilSummary(s Summary) Summary {
	if s.Groups == nil {
		s.Groups = []GroupRow{}
	}
	if s.ByModel == nil {
		s.ByModel = []ModelRow{}
	}
	return s
}

func usageHeadline(s Summary, stats usage.Stats, prices string) string {
	req := "requests not counted by the export"
	if s.RequestsKnown {
		req = show.Count(s.TotalRequests) + " requests"
	}
	spent := show.USDExact(s.TotalCostUSD) + " computed spend"
	if n := len(s.Unpriced); n > 0 {
		spent += fmt.Sprintf(" (excluding %d unpriced models)", n)
	}
	return fmt.Sprintf("%s, %s, %s input tokens (%s cached), %s output tokens\n\n%d files, %d rows (%s buckets); prices: %s",
		spent, req, show.Count(s.TotalInputTokens), show.Percent1(s.CacheHitShare), show.Count(s.TotalOutputTokens),
		stats.Files, stats.Rows, s.Load.Granularity, prices)
}

func usageTables(s Summary) []output.Titled {
	tables := []output.Titled{groupsTable(s), modelsTable(s)}
	if len(s.Days) > 0 {
		tables = append(tables, daysTable(s))
	}
	if len(s.Unpriced) > 0 {
		tables = append(tables, unpricedTable(s))
	}
	return tables
}

func groupsTable(s Summary) output.Titled {
	t := newTable("By "+s.By, []string{s.By, "requests", "input", "cached", "output", "spend", "cache hit", "in:out"}, "cache hit", "in:out")
	for _, g := range s.Groups {
		spent := show.USDExact(g.CostUSD)
		if g.Unpriced > 0 {
			spent += fmt.Sprintf(" (+%d unpriced rows)", g.Unpriced)
		}
		t.Rows = append(t.Rows, []string{g.Key, show.Requests(g.Requests, s.RequestsKnown), show.Count(g.Input), show.Count(g.Cached),
			show.Count(g.Output), spent, show.Percent1(g.CacheHit), ioRatio(g.IORatio)})
	}
	return t
}

func modelsTable(s Summary) output.Titled {
	t := newTable("By model", []string{"model", "provider", "requests", "input", "cached", "output", "spend",
		"reported", "difference", "mean in/req", "mean out/req"}, "mean out/req", "mean in/req", "difference", "reported", "provider")
	for _, m := range s.ByModel {
		spendText := show.USDExact(m.CostUSD)
		if !m.Priced {
			spendText = "unpriced"
		}
		reported, diff := "-", "-"
		if m.ReportedKnown {
			reported, diff = show.USDExact(m.ReportedCostUSD), show.USDChange(m.ReportedCostUSD-m.CostUSD)
		}
		t.Rows = append(t.Rows, []string{m.Model, m.Provider, show.Requests(m.Requests, m.RequestsKnown), show.Count(m.Input), show.Count(m.Cached),
			show.Count(m.Output), spendText, reported, diff, show.Whole(m.MeanInput), show.Whole(m.MeanOutput)})
	}
	return t
}

func daysTable(s Summary) output.Titled {
	t := newTable("Reported (cost export) vs computed (usage export) per day", []string{"day", "reported", "computed", "difference"})
	for _, d := range s.Days {
		rep, diff := "-", "-"
		if d.ReportedKnown {
			rep, diff = show.USDExact(d.ReportedUSD), show.USDChange(d.DifferenceUSD)
		}
		t.Rows = append(t.Rows, []string{d.Day, rep, show.USDExact(d.ComputedUSD), diff})
	}
	return t
}

func unpricedTable(s Summary) output.Titled {
	t := newTable("Unpriced models (left out of the spend)", []string{"model", "exported as", "rows", "input", "output", "reported"})
	for _, u := range s.Unpriced {
		rep := "-"
		if u.ReportedUSD != 0 {
			rep = show.USDExact(u.ReportedUSD)
		}
		t.Rows = append(t.Rows, []string{u.Model, u.Exported, strconv.FormatInt(u.Rows, 10), show.Count(u.Tokens.Input), show.Count(u.Tokens.Output), rep})
	}
	return t
}

// writeUsageNotes prints the load shape, model notes and how to price unknown models.
func writeUsageNotes(w io.Writer, s Summary) {
	fmt.Fprintf(w, "\nLoad shape (%s buckets):\n", s.Load.Granularity)
	if p := s.Load.BusiestDay; p != nil {
		fmt.Fprintf(w, "  busiest day:  %s, %s, %s tokens\n", p.Start.Format("2006-01-02"), requestsText(p.Requests, s.Load.RequestsKnown), show.Count(p.Tokens))
	}
	if p := s.Load.BusiestHour; p != nil {
		fmt.Fprintf(w, "  busiest hour: %s UTC, %s, %s tokens\n", p.Start.Format("2006-01-02 15:00"), requestsText(p.Requests, s.Load.RequestsKnown), show.Count(p.Tokens))
	} else {
		fmt.Fprintln(w, "  busiest hour: not known (the export's buckets are wider than an hour)")
	}
	for _, m := range s.ByModel {
		for _, n := range m.Notes {
			fmt.Fprintf(w, "note: %s: %s\n", m.Model, n)
		}
	}
	if len(s.Unpriced) == 0 {
		return
	}
	fmt.Fprintf(w, "%d models have no price and are left out of the spend", len(s.Unpriced))
	for _, u := range s.Unpriced {
		if u.Model != NoModel {
			fmt.Fprintf(w, "; add them with --prices FILE, e.g.\n  {%q: {\"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 4e-06, \"mode\": \"chat\"}}\n", u.Model)
			return
		}
	}
	fmt.Fprintf(w, "; rows without a model name cannot be priced (export the report grouped by model)\n")
}

func writeGroupsCSV(w io.Writer, s Summary) error {
	cw := output.NewCSV(w)
	_ = cw.Write([]string{s.By, "requests", "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens",
		"reasoning_tokens", "cost_usd", "reported_cost_usd", "unpriced_rows", "cache_hit_share", "input_output_ratio"})
	for _, g := range s.Groups {
		_ = cw.Write([]string{g.Key, strconv.FormatInt(g.Requests, 10), strconv.FormatInt(g.Input, 10), strconv.FormatInt(g.Cached, 10),
			strconv.FormatInt(g.CacheWrite, 10), strconv.FormatInt(g.Output, 10), strconv.FormatInt(g.Reasoning, 10),
			strconv.FormatFloat(g.CostUSD, 'f', 6, 64), strconv.FormatFloat(g.ReportedUS, 'f', 6, 64), strconv.FormatInt(g.Unpriced, 10),
			strconv.FormatFloat(g.CacheHit, 'f', 4, 64), strconv.FormatFloat(g.IORatio, 'f', 3, 64)})
	}
	cw.Flush()
	return cw.Error()
}

// requestsText is "N requests", or says the export does not count them.
func requestsText(n int64, known bool) string {
	if !known {
		return "requests not counted"
	}
	return show.Count(n) + " requests"
}

func ioRatio(x float64) string {
	if x == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f:1", x)
}

// newTable returns an empty titled table; optional columns are left out
// first on a narrow terminal.
func newTable(title string, header []string, optional ...string) output.Titled {
	return output.Titled{Title: title, Table: output.Table{Header: header, Optional: optional}}
}
