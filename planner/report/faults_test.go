package report

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/plan-cli/plan/internal/hostile"
	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/planner"
)

// Names from outside cannot inject anything into the Ollama env file: every
// line is a comment or NAME=value, and a shell that sources it runs nothing.
func TestOllamaEnvHostileNames(t *testing.T) {
	for _, name := range hostile.Names {
		r := sampleReport()
		r.Recommendations[0].Model, r.Recommendations[0].OllamaTag = name, name
		r.Routes[0].LocalModel = name
		var buf bytes.Buffer
		if err := WriteOllamaEnv(&buf, r); err != nil {
			t.Fatal(err)
		}
		checkEnvFile(t, name, buf.String())
	}
}

var envLine = regexp.MustCompile(`^(#[^\n]*|[A-Z_]+=[A-Za-z0-9_.:/+-]*)$`)

func checkEnvFile(t *testing.T, name, file string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimRight(file, "\n"), "\n") {
		if !envLine.MatchString(l) || strings.ContainsFunc(l, unicode.IsControl) {
			t.Errorf("name %q: env line %q is neither a comment nor NAME=value", name, l)
		}
	}
}

// Names from outside come back from the LiteLLM YAML as they went in.
func TestLiteLLMHostileNames(t *testing.T) {
	for _, name := range hostile.Names {
		checkLiteLLMName(t, name)
	}
}

func checkLiteLLMName(t *testing.T, name string) {
	t.Helper()
	r := sampleReport()
	r.Routes[0].CloudModel = name
	var buf bytes.Buffer
	if err := WriteLiteLLMConfig(&buf, r); err != nil {
		t.Fatal(err)
	}
	c := parseLiteLLM(t, buf.Bytes())
	if c.ModelList[0].ModelName != name {
		t.Errorf("model_name %q came back as %q", name, c.ModelList[0].ModelName)
	}
}

// CSV cells a spreadsheet would run as formulas are made inert; numbers
// stay numbers.
func TestCSVCells(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+cmd": "'+cmd", "-cmd": "'-cmd", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"-0.25": "-0.25", "+3": "+3", "gpt-4o": "gpt-4o", "": "",
	} {
		if got := output.CSVCell(in); got != want {
			t.Errorf("output.CSVCell(%q) = %q; want %q", in, got, want)
		}
	}
	r := sampleReport()
	r.Routes[0].CloudModel = "=HYPERLINK(\"http://evil\")"
	var buf bytes.Buffer
	if err := writeReportCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[1][0]; got != "'=HYPERLINK(\"http://evil\")" {
		t.Errorf("report CSV cell %q; want the formula made inert", got)
	}
}

func FuzzOllamaEnvNames(f *testing.F) {
	for _, n := range hostile.Names {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		r := sampleReport()
		r.Recommendations[0].Model, r.Recommendations[0].OllamaTag = name, name
		var buf bytes.Buffer
		if err := WriteOllamaEnv(&buf, r); err != nil {
			t.Fatal(err)
		}
		checkEnvFile(t, name, buf.String())
	})
}

func FuzzLiteLLMNames(f *testing.F) {
	for _, n := range hostile.Names {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !utf8.ValidString(name) || name == "" {
			return // YAML carries text; exports are read as UTF-8
		}
		checkLiteLLMName(t, name)
	})
}

// A model whose layers all fit but whose output layer does not is not
// "partial (48/48 layers on GPU)".
func TestFitText(t *testing.T) {
	for _, c := range []struct {
		rec  planner.Recommendation
		want string
	}{
		{planner.Recommendation{Fit: "partial", GPULayers: 48, Layers: 48}, "partial (all 48 layers on GPU, output layer on CPU)"},
		{planner.Recommendation{Fit: "partial", GPULayers: 30, Layers: 48}, "partial (30/48 layers on GPU)"},
		{planner.Recommendation{Fit: "gpu", GPULayers: 48, Layers: 48}, "gpu"},
	} {
		if got := fitText(c.rec); got != c.want {
			t.Errorf("fitText(%+v) = %q; want %q", c.rec, got, c.want)
		}
	}
}
