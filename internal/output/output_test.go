package output

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTableFitsWidth(t *testing.T) {
	tab := Table{
		Header:   []string{"model", "speed", "notes", "basis"},
		Rows:     [][]string{{"qwen2.5:7b", "42.0", "a long note that does not fit", "catalog"}},
		Optional: []string{"notes", "basis"},
	}
	var all, fit bytes.Buffer
	if err := tab.Write(&all, 0); err != nil {
		t.Fatal(err)
	}
	if err := tab.Write(&fit, 30); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(all.String(), "a long note") {
		t.Errorf("width 0 dropped a column:\n%s", all.String())
	}
	lines := strings.Split(strings.TrimSpace(fit.String()), "\n")
	for _, l := range lines[:len(lines)-1] {
		if len(l) > 30 {
			t.Errorf("line %q is %d wide; want at most 30", l, len(l))
		}
	}
	if want := "(left out to fit 30 columns: notes; --wide shows them)"; lines[len(lines)-1] != want {
		t.Errorf("last line = %q; want %q", lines[len(lines)-1], want)
	}
	if !strings.Contains(fit.String(), "catalog") {
		t.Errorf("dropped more than needed:\n%s", fit.String())
	}
}

func TestTableCleansControls(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, []string{"a"}, [][]string{{"x\x1b[2Jy\nz"}}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b") || strings.Count(b.String(), "\n") != 2 {
		t.Errorf("control characters left in %q", b.String())
	}
}

func TestCSVCell(t *testing.T) {
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "-3.5": "-3.5", "+x": "'+x", "plain": "plain", "": "", "\tx": "'\tx"} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestCheckOutputs(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "usage.csv")
	if err := os.WriteFile(in, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckOutputs([]string{in}, map[string]string{"-o": in}); err == nil {
		t.Error("writing over the input was allowed")
	}
	if err := CheckOutputs([]string{dir}, map[string]string{"-o": filepath.Join(dir, "r.html")}); err == nil {
		t.Error("writing into the input directory was allowed")
	}
	if err := CheckOutputs([]string{in}, map[string]string{"-o": filepath.Join(t.TempDir(), "r.html")}); err != nil {
		t.Error(err)
	}
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]string{"r.JSON": FmtJSON, "r.txt": FmtTable, "r.jsonl": "", "r": "", "r.htm": FmtHTML} {
		if got := FormatOf(path, FmtTable, FmtJSON, FmtHTML); got != want {
			t.Errorf("FormatOf(%q) = %q; want %q", path, got, want)
		}
	}
}

func TestWriteFileAtomicKeepsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v; want 0600", fi.Mode(), err)
	}
}

// A long last column is wrapped onto lines of its own so that the table
// fits, every word kept in order.
func TestTableWrapsLastColumn(t *testing.T) {
	value := "2026-10-01 to 2026-11-01 (1.0 months): 667,990 requests, 1.4B input and 175.9M output tokens"
	tbl := Table{Header: []string{"item", "value"}, Rows: [][]string{{"usage", value}, {"spend", "$1,131"}}}
	var b strings.Builder
	if err := tbl.Write(&b, 50); err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if n := len([]rune(line)); n > 50 {
			t.Errorf("line %q is %d columns; want at most 50", line, n)
		}
		words = append(words, strings.Fields(line)...)
	}
	if got, want := strings.Join(words, " "), "item value usage "+value+" spend $1,131"; got != want {
		t.Errorf("words %q; want %q", got, want)
	}
}
