package report

import (
	"fmt"
	"io"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/planner"
)

// The output side of `plan report`: writeReport renders a planner.Report in
// each --format. The table and md formats hold the same content: a headline
// paragraph in plain words, then the recommendations, the routing of each
// cloud model with why the rest stays, the break-even summary with its
// sensitivity, the busiest hour, the Ollama settings, the sources and notes.

// Formats are the values of plan report's --format.
var Formats = []string{"table", "md", "json", "csv", "html"}

// exampleDataWarning is what every format says when the usage is the
// example data shipped with plan.
const exampleDataWarning = "EXAMPLE DATA: the cloud usage in this report is example data shipped with plan, not yours. " +
	"Run plan report --usage with your own exports for your own figures."

// Write writes r to w in format: table, md, json, csv or html. The table
// format's tables are fitted to width columns when width > 0.
func Write(w io.Writer, format string, r *planner.Report, width int) error {
	if err := output.CheckFormat(format, Formats...); err != nil {
		return err
	}
	switch format {
	case "json":
		return output.WriteJSON(w, r)
	case "csv":
		return writeReportCSV(w, r)
	case "html":
		return writeReportHTML(w, r)
	case "md":
		return writeReportMarkdown(w, r)
	}
	return writeReportText(w, r, width)
}

// writeReportText writes the terminal summary.
func writeReportText(w io.Writer, r *planner.Report, width int) error {
	ew := &errWriter{w: w}
	text := textWidth(width)
	if r.ExampleData {
		ew.printf("%s\n\n", show.Wrap(exampleDataWarning, text, ""))
	}
	ew.printf("%s\n", show.Wrap(reportHeadline(r), text, ""))
	for _, t := range reportTables(r) {
		ew.printf("\n%s\n", t.Title)
		switch {
		case t.list != nil:
			for _, row := range t.Rows {
				ew.printf("  %s\n", show.Wrap(t.list(row), text-4, "    "))
			}
		case ew.err == nil:
			ew.err = t.Table.Write(w, width)
		}
		for _, n := range t.notes {
			ew.printf("  %s\n", n)
		}
	}
	ew.printf("\nOllama settings\n")
	for _, l := range ollamaEnvLines(r) {
		ew.printf("%s\n", l)
	}
	writeTextList(ew, "Notes", r.Notes, text)
	if r.ExampleData {
		ew.printf("\n%s\n", show.Wrap(exampleDataWarning, text, ""))
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
		ew.printf("\n## %s\n\n", t.Title)
		if ew.err == nil {
			ew.err = output.WriteMarkdown(w, t.Header, t.Rows)
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
func writeTextList(ew *errWriter, title string, lines []string, text int) {
	if len(lines) == 0 {
		return
	}
	ew.printf("\n%s\n", title)
	for _, l := range lines {
		ew.printf("  %s\n", show.Wrap(l, text-2, "  "))
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
	output.Titled
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
		if len(t.Rows) > 0 {
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

// textWidth is the width paragraphs are wrapped to: 100 columns, or the
// terminal's when it is narrower.
func textWidth(width int) int {
	if width > 0 && width < 100 {
		return max(width, 40)
	}
	return 100
}
