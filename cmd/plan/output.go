package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Output helpers shared by all commands: the --format check, tables, JSON and
// atomic files. stdout carries the artifact; progress and warnings go to stderr.

// checkFormat returns a usage error unless value is one of allowed.
func checkFormat(value string, allowed ...string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	return usagef("invalid --format %q: want %s", value, strings.Join(allowed, ", "))
}

// writeTable writes a plain table: the header row, then the rows, columns
// left-aligned and separated by two spaces, no borders, no wrapping and no
// trailing spaces, so that the output stays easy to read, grep and diff.
// Control characters in cells (a name from a server or an export with an
// escape sequence or a newline) are written as spaces, so that they cannot
// move the terminal's cursor or change its colours.
func writeTable(w io.Writer, header []string, rows [][]string) error {
	rows = cleanRows(rows)
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
		tablewriter.WithPadding(tw.Padding{Right: "  ", Overwrite: true}),
	)
	table.Header(header)
	if err := table.Bulk(rows); err != nil {
		return fmt.Errorf("writing table: %w", err)
	}
	if err := table.Render(); err != nil {
		return fmt.Errorf("writing table: %w", err)
	}
	for line := range strings.Lines(buf.String()) {
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+"\n"); err != nil {
			return fmt.Errorf("writing table: %w", err)
		}
	}
	return nil
}

// writeJSON writes v as indented JSON followed by a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// writeFileAtomic writes data to path so that readers see either the old file
// or the whole new one: it writes a temporary file in the same directory,
// syncs it and renames it over path. The file gets mode 0644.
func writeFileAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm() // a file written again keeps its mode
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writeMarkdownTable writes a GitHub-flavoured Markdown table; pipes in cells
// are escaped.
func writeMarkdownTable(w io.Writer, header []string, rows [][]string) error {
	line := func(cells []string) string {
		esc := make([]string, len(cells))
		for i, c := range cells {
			esc[i] = strings.ReplaceAll(commentSafe(c), "|", `\|`)
		}
		return "| " + strings.Join(esc, " | ") + " |\n"
	}
	var b strings.Builder
	b.WriteString(line(header))
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
	}
	b.WriteString(line(sep))
	for _, r := range rows {
		b.WriteString(line(r))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cleanRows is rows with control characters replaced by spaces.
func cleanRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, c := range r {
			out[i][j] = commentSafe(c)
		}
	}
	return out
}

// csvWriter is a csv.Writer whose cells a spreadsheet cannot take for a
// formula (see csvCell).
type csvWriter struct{ *csv.Writer }

func newCSVWriter(w io.Writer) csvWriter { return csvWriter{csv.NewWriter(w)} }

// Write writes one record, its cells made inert.
func (c csvWriter) Write(rec []string) error {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = csvCell(s)
	}
	return c.Writer.Write(out)
}

// WriteAll writes the records and flushes.
func (c csvWriter) WriteAll(recs [][]string) error {
	for _, r := range recs {
		if err := c.Write(r); err != nil {
			return err
		}
	}
	c.Flush()
	return c.Error()
}

// csvCell keeps a spreadsheet from running a cell as a formula: a text
// that starts with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe (OWASP's advice for CSV injection). Numbers, negative ones
// too, are written as they are.
func csvCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return "'" + s
}

// checkOutputs refuses to write any of outputs over one of inputs: the
// same file, or a file inside an input directory (which a later run would
// read as an export).
func checkOutputs(inputs []string, outputs map[string]string) error {
	for flag, out := range outputs {
		if out == "" || out == "-" {
			continue
		}
		for _, in := range inputs {
			if in == "" || in == "-" {
				continue
			}
			if overlaps(in, out) {
				return usagef("%s %s would overwrite the input %s: write it somewhere else", flag, out, in)
			}
		}
	}
	return nil
}

// overlaps reports whether writing out would replace in, or put a file
// inside the directory in.
func overlaps(in, out string) bool {
	fi, err := os.Stat(in)
	if err != nil {
		return false
	}
	if fo, err := os.Stat(out); err == nil && os.SameFile(fi, fo) {
		return true
	}
	if !fi.IsDir() {
		return false
	}
	dir, err1 := filepath.Abs(in)
	file, err2 := filepath.Abs(out)
	return err1 == nil && err2 == nil && strings.HasPrefix(file, dir+string(filepath.Separator))
}
