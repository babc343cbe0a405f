package output

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/plan-cli/plan/internal/show"
)

// Table is a plain table for a terminal: the header row, then the rows,
// columns left-aligned and two spaces apart, no borders and no trailing
// spaces, easy to read, grep and diff.
type Table struct {
	Header []string
	Rows   [][]string
	// Optional names columns, by header, that may be left out when the
	// table is wider than the terminal, the first named the first left out.
	Optional []string
}

// columnGap is the space between two columns.
const columnGap = 2

// Write writes the table to w. With width > 0 (the terminal's columns), the
// Optional columns are left out one by one until the table fits, and a line
// under it names them; width 0 writes every column. Control characters in
// cells are written as spaces, so that a name from outside cannot move the
// terminal's cursor or change its colours.
func (t Table) Write(w io.Writer, width int) error {
	header, rows := t.Header, cleanRows(t.Rows)
	var left []string
	for _, name := range t.Optional {
		if width <= 0 || lineWidth(header, rows) <= width {
			break
		}
		i := slices.Index(header, name)
		if i < 0 {
			continue
		}
		header, rows = dropColumn(header, rows, i)
		left = append(left, name)
	}
	if width > 0 && lineWidth(header, rows) > width {
		rows = wrapLast(header, rows, width)
	}
	if err := render(w, header, rows); err != nil {
		return fmt.Errorf("writing table: %w", err)
	}
	if len(left) == 0 {
		return nil
	}
	_, err := fmt.Fprintf(w, "(left out to fit %d columns: %s; --wide shows them)\n", width, strings.Join(left, ", "))
	return err
}

// WriteTable writes a table of every column, however wide.
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	return Table{Header: header, Rows: rows}.Write(w, 0)
}

func render(w io.Writer, header []string, rows [][]string) error {
	var buf bytes.Buffer
	table := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off, ShowHeader: tw.Off},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithPadding(tw.Padding{Right: strings.Repeat(" ", columnGap), Overwrite: true}),
	)
	table.Header(header)
	if err := table.Bulk(rows); err != nil {
		return err
	}
	if err := table.Render(); err != nil {
		return err
	}
	for line := range strings.Lines(buf.String()) {
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// minWrapped is the narrowest the last column is wrapped to.
const minWrapped = 24

// wrapLast wraps the cells of the last column, on spaces, so that the
// table fits width, each cell's further lines in rows of their own; a
// table whose other columns leave it less than minWrapped is not wrapped.
func wrapLast(header []string, rows [][]string, width int) [][]string {
	last := len(header) - 1
	room := width - lineWidth(header[:last], columnsBefore(rows, last)) - columnGap
	if last < 1 || room < minWrapped {
		return rows
	}
	var out [][]string
	for _, r := range rows {
		if len(r) <= last || utf8.RuneCountInString(r[last]) <= room {
			out = append(out, r)
			continue
		}
		for i, line := range strings.Split(show.Wrap(r[last], room, ""), "\n") {
			row := make([]string, len(r))
			if i == 0 {
				copy(row, r)
			}
			row[last] = line
			out = append(out, row)
		}
	}
	return out
}

// columnsBefore is rows cut to their first n columns.
func columnsBefore(rows [][]string, n int) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r[:min(n, len(r))]
	}
	return out
}

// lineWidth is the width of the table's widest line.
func lineWidth(header []string, rows [][]string) int {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(c))
			}
		}
	}
	total := 0
	for _, n := range widths {
		total += n + columnGap
	}
	return total - columnGap
}

func dropColumn(header []string, rows [][]string, i int) ([]string, [][]string) {
	out := make([][]string, len(rows))
	for j, r := range rows {
		if i < len(r) {
			r = slices.Delete(slices.Clone(r), i, i+1)
		}
		out[j] = r
	}
	return slices.Delete(slices.Clone(header), i, i+1), out
}

// cleanRows is rows with control characters written as spaces.
func cleanRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, c := range r {
			out[i][j] = show.Clean(c)
		}
	}
	return out
}

// Titled is a table with a title: one section of a report.
type Titled struct {
	Title string
	Table
}
