package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/pricing/spend"
	"github.com/plan-cli/plan/pricing/usage"
)

// usageReport is the JSON document of `plan usage`.
type usageReport struct {
	spend.Summary
	Prices string `json:"prices"` // the price table's source and date
	Files  int    `json:"files"`
	Rows   int    `json:"rows"`
	Bad    int    `json:"skipped_rows"`
}

func writeUsage(e *env, o *usageOptions, s spend.Summary, stats usage.Stats, prices string) error {
	switch o.format {
	case "json":
		return output.WriteJSON(e.stdout, usageReport{Summary: nonNilSummary(s), Prices: prices, Files: stats.Files, Rows: stats.Rows, Bad: stats.Skipped})
	case "csv":
		return writeGroupsCSV(e.stdout, s)
	}
	tables := usageTables(s)
	write := output.WriteTable
	if o.format == "md" {
		write = output.WriteMarkdown
	}
	fmt.Fprintf(e.stdout, "%s\n\n", usageHeadline(s, stats, prices))
	for i, t := range tables {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		if o.format == "md" {
			fmt.Fprintf(e.stdout, "### %s\n\n", t.title)
		} else {
			fmt.Fprintf(e.stdout, "%s\n", t.title)
		}
		if err := write(e.stdout, t.header, t.rows); err != nil {
			return err
		}
	}
	writeUsageNotes(e.stdout, s)
	return nil
}

func nonNilSummary(s spend.Summary) spend.Summary {
	if s.Groups == nil {
		s.Groups = []spend.GroupRow{}
	}
	if s.ByModel == nil {
		s.ByModel = []spend.ModelRow{}
	}
	return s
}

type titledTable struct {
	title  string
	header []string
	rows   [][]string
}

func usageHeadline(s spend.Summary, stats usage.Stats, prices string) string {
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

func usageTables(s spend.Summary) []titledTable {
	tables := []titledTable{groupsTable(s), modelsTable(s)}
	if len(s.Days) > 0 {
		tables = append(tables, daysTable(s))
	}
	if len(s.Unpriced) > 0 {
		tables = append(tables, unpricedTable(s))
	}
	return tables
}

func groupsTable(s spend.Summary) titledTable {
	t := titledTable{title: "By " + s.By, header: []string{s.By, "requests", "input", "cached", "output", "spend", "cache hit", "in:out"}}
	for _, g := range s.Groups {
		spent := show.USDExact(g.CostUSD)
		if g.Unpriced > 0 {
			spent += fmt.Sprintf(" (+%d unpriced rows)", g.Unpriced)
		}
		t.rows = append(t.rows, []string{g.Key, show.Requests(g.Requests, s.RequestsKnown), show.Count(g.Input), show.Count(g.Cached),
			show.Count(g.Output), spent, show.Percent1(g.CacheHit), ioRatio(g.IORatio)})
	}
	return t
}

func modelsTable(s spend.Summary) titledTable {
	t := titledTable{title: "By model", header: []string{"model", "provider", "requests", "input", "cached", "output", "spend",
		"reported", "difference", "mean in/req", "mean out/req"}}
	for _, m := range s.ByModel {
		spendText := show.USDExact(m.CostUSD)
		if !m.Priced {
			spendText = "unpriced"
		}
		reported, diff := "-", "-"
		if m.ReportedKnown {
			reported, diff = show.USDExact(m.ReportedCostUSD), show.USDChange(m.ReportedCostUSD-m.CostUSD)
		}
		t.rows = append(t.rows, []string{m.Model, m.Provider, show.Requests(m.Requests, m.RequestsKnown), show.Count(m.Input), show.Count(m.Cached),
			show.Count(m.Output), spendText, reported, diff, show.Whole(m.MeanInput), show.Whole(m.MeanOutput)})
	}
	return t
}

func daysTable(s spend.Summary) titledTable {
	t := titledTable{title: "Reported (cost export) vs computed (usage export) per day",
		header: []string{"day", "reported", "computed", "difference"}}
	for _, d := range s.Days {
		rep, diff := "-", "-"
		if d.ReportedKnown {
			rep, diff = show.USDExact(d.ReportedUSD), show.USDChange(d.DifferenceUSD)
		}
		t.rows = append(t.rows, []string{d.Day, rep, show.USDExact(d.ComputedUSD), diff})
	}
	return t
}

func unpricedTable(s spend.Summary) titledTable {
	t := titledTable{title: "Unpriced models (left out of the spend)", header: []string{"model", "exported as", "rows", "input", "output", "reported"}}
	for _, u := range s.Unpriced {
		rep := "-"
		if u.ReportedUSD != 0 {
			rep = show.USDExact(u.ReportedUSD)
		}
		t.rows = append(t.rows, []string{u.Model, u.Exported, strconv.FormatInt(u.Rows, 10), show.Count(u.Tokens.Input), show.Count(u.Tokens.Output), rep})
	}
	return t
}

// writeUsageNotes prints the load shape, model notes and how to price unknown models.
func writeUsageNotes(w io.Writer, s spend.Summary) {
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
		if u.Model != spend.NoModel {
			fmt.Fprintf(w, "; add them with --prices FILE, e.g.\n  {%q: {\"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 4e-06, \"mode\": \"chat\"}}\n", u.Model)
			return
		}
	}
	fmt.Fprintf(w, "; rows without a model name cannot be priced (export the report grouped by model)\n")
}

func writeGroupsCSV(w io.Writer, s spend.Summary) error {
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
