package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/plan-cli/plan/planner"
)

// The output side of `plan report`: writeReport renders a planner.Report in
// each --format. The table and md formats hold the same content: a headline
// paragraph in plain words, then the recommendations, the routing of each
// cloud model with why the rest stays, the break-even summary with its
// sensitivity, the busiest hour, the Ollama settings, the sources and notes.

// reportFormats are the values of plan report's --format.
var reportFormats = []string{"table", "md", "json", "csv", "html"}

// exampleDataWarning is what every format says when the usage is the
// example data shipped with plan.
const exampleDataWarning = "EXAMPLE DATA: the cloud usage in this report is example data shipped with plan, not yours. " +
	"Run plan report --usage with your own exports for your own figures."

// writeReport writes r to w in format: table, md, json, csv or html.
func writeReport(w io.Writer, format string, r *planner.Report) error {
	if err := checkFormat(format, reportFormats...); err != nil {
		return err
	}
	switch format {
	case "json":
		return writeJSON(w, r)
	case "csv":
		return writeReportCSV(w, r)
	case "html":
		return writeReportHTML(w, r)
	case "md":
		return writeReportMarkdown(w, r)
	}
	return writeReportText(w, r)
}

// writeReportText writes the terminal summary.
func writeReportText(w io.Writer, r *planner.Report) error {
	ew := &errWriter{w: w}
	if r.ExampleData {
		ew.printf("%s\n\n", wrapText(exampleDataWarning, 100))
	}
	ew.printf("%s\n", wrapText(reportHeadline(r), 100))
	for _, t := range reportTables(r) {
		ew.printf("\n%s\n", t.title)
		switch {
		case t.list != nil:
			for _, row := range t.rows {
				ew.printf("  %s\n", wrapIndented(t.list(row), 98, "    "))
			}
		case ew.err == nil:
			ew.err = writeTable(w, t.header, t.rows)
		}
		for _, n := range t.notes {
			ew.printf("  %s\n", n)
		}
	}
	ew.printf("\nOllama settings\n")
	for _, l := range ollamaEnvLines(r) {
		ew.printf("%s\n", l)
	}
	writeTextList(ew, "Notes", r.Notes)
	if r.ExampleData {
		ew.printf("\n%s\n", wrapText(exampleDataWarning, 100))
	}
	return ew.err
}

// writeReportMarkdown writes the same content as Markdown.
func writeReportMarkdown(w io.Writer, r *planner.Report) error {
	ew := &errWriter{w: w}
	ew.printf("# plan report\n\n")
	if r.ExampleData {
		ew.printf("> **%s**\n\n", exampleDataWarning)
	}
	ew.printf("%s\n", reportHeadline(r))
	for _, t := range reportTables(r) {
		ew.printf("\n## %s\n\n", t.title)
		if ew.err == nil {
			ew.err = writeMarkdownTable(w, t.header, t.rows)
		}
		if len(t.notes) > 0 {
			ew.printf("\n")
		}
		for _, n := range t.notes {
			ew.printf("- %s\n", n)
		}
	}
	ew.printf("\n## Ollama settings\n\n```sh\n")
	for _, l := range ollamaEnvLines(r) {
		ew.printf("%s\n", l)
	}
	ew.printf("```\n")
	if len(r.Notes) > 0 {
		ew.printf("\n## Notes\n\n")
		for _, n := range r.Notes {
			ew.printf("- %s\n", n)
		}
	}
	return ew.err
}

// writeTextList writes a titled list of lines, or nothing when empty.
func writeTextList(ew *errWriter, title string, lines []string) {
	if len(lines) == 0 {
		return
	}
	ew.printf("\n%s\n", title)
	for _, l := range lines {
		ew.printf("  %s\n", wrapIndented(l, 98, "  "))
	}
}

// errWriter remembers the first write error so that a renderer can write
// line after line and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	if _, err := fmt.Fprintf(e.w, format, args...); err != nil {
		e.err = fmt.Errorf("writing report: %w", err)
	}
}

// reportTable is one table of the text and Markdown reports, with lines
// to show under it. A table with list set is written in the text report
// as a list of wrapped lines, one a row: for long cells.
type reportTable struct {
	titledTable
	notes []string
	list  func(row []string) string
}

// reportTables returns the tables of the text and Markdown reports, in
// order; a table with nothing to show is left out.
func reportTables(r *planner.Report) []reportTable {
	tables := []reportTable{summaryTable(r), recommendationsTable(r), routesTable(r), breakEvenTable(r), sensitivityTable(r)}
	if r.BusiestHour != nil {
		tables = append(tables, busiestHourTable(r.BusiestHour))
	}
	tables = append(tables, sourcesTable(r))
	var out []reportTable
	for _, t := range tables {
		if len(t.rows) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// planLabel names the program that wrote the report: "plan v0.4.0", or
// "plan" when the version is not known.
func planLabel(r *planner.Report) string {
	if r.PlanVersion == "" {
		return "plan"
	}
	return "plan " + r.PlanVersion
}

// usd formats money for the headline and summaries: whole dollars with
// thousands separators from $10 up, cents below.
func usd(x float64) string {
	if !(math.Abs(x) < 1e15) { // beyond int64 dollars (or not a number)
		return "$" + strconv.FormatFloat(x, 'g', 4, 64)
	}
	if math.Abs(x) >= 10 {
		sign := ""
		if x < 0 {
			sign = "-"
		}
		return sign + "$" + count(int64(math.Round(math.Abs(x))))
	}
	return fmt.Sprintf("$%.2f", x)
}

// monthsText is a break-even month as text: "9.4 months", "from the
// first month" (nothing to pay back) or "never".
func monthsText(m *float64) string {
	switch {
	case m == nil:
		return "never"
	case *m == 0:
		return "from the first month"
	}
	return fmt.Sprintf("%.1f months", *m)
}

// tokens writes a token count compactly: 412.0M, 36.5k, 900.
func tokens(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e4:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return count(n)
}

// speed writes tokens per second: one decimal below 100, whole numbers
// with separators above, "-" for 0.
func speed(x float64) string {
	switch {
	case x == 0:
		return "-"
	case x < 100:
		return fmt.Sprintf("%.1f", x)
	}
	return count(int64(math.Round(x)))
}

// pct formats a fraction as a whole percentage: 0.62 is 62%.
func pct(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

// wrapText breaks s into lines of at most width characters at spaces.
func wrapText(s string, width int) string { return wrapIndented(s, width, "") }

// wrapIndented wraps s and starts every line after the first with indent.
func wrapIndented(s string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		switch {
		case i == 0:
		case n+1+len(word) > width:
			b.WriteString("\n" + indent)
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}
