// Package output writes what the commands produce: plain tables that fit the
// terminal, Markdown tables, CSV that a spreadsheet cannot run, indented JSON,
// and files written atomically. It is the only importer of tablewriter.
package output

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

	"github.com/plan-cli/plan/internal/show"
)

// The output formats. Each command takes the ones that suit it, checked by
// CheckFormat; the same name means the same thing everywhere.
const (
	FmtTable    = "table"
	FmtMarkdown = "md"
	FmtJSON     = "json"
	FmtCSV      = "csv"
	FmtHTML     = "html"
)

// Formats are every output format, in the order above.
var Formats = []string{FmtTable, FmtMarkdown, FmtJSON, FmtCSV, FmtHTML}

// CheckFormat returns an error unless value is one of allowed.
func CheckFormat(value string, allowed ...string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	return fmt.Errorf("invalid --format %q: want %s", value, strings.Join(allowed, ", "))
}

// FormatOf is the format that a file's extension names (.json, .csv, .md,
// .html, .txt for a table), or "" when it names none of allowed.
func FormatOf(path string, allowed ...string) string {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	switch ext {
	case "txt":
		ext = FmtTable
	case "markdown":
		ext = FmtMarkdown
	case "htm":
		ext = FmtHTML
	}
	if slices.Contains(allowed, ext) {
		return ext
	}
	return ""
}

// WriteJSON writes v as indented JSON followed by a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// WriteMarkdown writes a GitHub-flavoured Markdown table; pipes in cells are
// escaped and control characters written as spaces.
func WriteMarkdown(w io.Writer, header []string, rows [][]string) error {
	line := func(cells []string) string {
		esc := make([]string, len(cells))
		for i, c := range cells {
			esc[i] = strings.ReplaceAll(show.Clean(c), "|", `\|`)
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

// CSVWriter is a csv.Writer whose cells a spreadsheet cannot take for a
// formula (see CSVCell).
type CSVWriter struct{ *csv.Writer }

// NewCSV returns a CSVWriter on w.
func NewCSV(w io.Writer) CSVWriter { return CSVWriter{csv.NewWriter(w)} }

// Write writes one record, its cells made inert.
func (c CSVWriter) Write(rec []string) error {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = CSVCell(s)
	}
	return c.Writer.Write(out)
}

// WriteAll writes the records and flushes.
func (c CSVWriter) WriteAll(recs [][]string) error {
	for _, r := range recs {
		if err := c.Write(r); err != nil {
			return err
		}
	}
	c.Flush()
	return c.Error()
}

// CSVCell keeps a spreadsheet from running a cell as a formula: a text that
// starts with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe (OWASP's advice for CSV injection). Numbers, negative ones too,
// are written as they are.
func CSVCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return "'" + s
}

// WriteFileAtomic writes data to path so that readers see either the old file
// or the whole new one: it writes a temporary file in the same directory,
// syncs it and renames it over path. A new file gets mode 0644; a file
// written again keeps its mode.
func WriteFileAtomic(path string, data []byte) (err error) {
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
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// WriteTo runs write on w, or, when path is not "", on a buffer that is then
// written to path atomically.
func WriteTo(w io.Writer, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(w)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	return WriteFileAtomic(path, buf.Bytes())
}

// CheckOutputs returns an error when writing one of outputs (flag → path)
// would replace one of inputs: the same file, or a file inside an input
// directory (which a later run would read as an export).
func CheckOutputs(inputs []string, outputs map[string]string) error {
	for flag, out := range outputs {
		if out == "" || out == "-" {
			continue
		}
		for _, in := range inputs {
			if in != "" && in != "-" && overlaps(in, out) {
				return fmt.Errorf("%s %s would overwrite the input %s: write it somewhere else", flag, out, in)
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
