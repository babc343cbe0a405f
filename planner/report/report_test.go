package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/plan-cli/plan/internal/golden"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/planner"
)

// reportFixtures are the reports the golden files are written from.
var reportFixtures = []struct {
	name   string
	report func() *planner.Report
}{
	{"sample", sampleReport},
	{"example", exampleReport},
	{"cpu-only", cpuOnlyReport},
}

// reportExt is the golden file extension of each format.
var reportExt = map[string]string{"table": "txt", "md": "md", "json": "json", "csv": "csv", "html": "html"}

func TestWriteReportGolden(t *testing.T) {
	for _, fx := range reportFixtures {
		for _, format := range Formats {
			t.Run(fx.name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, format, fx.report(), 0); err != nil {
					t.Fatalf("Write(%s) error = %v", format, err)
				}
				golden.Check(t, "report/"+fx.name+"."+reportExt[format], buf.Bytes())
			})
		}
	}
}

func TestWriteRouterGolden(t *testing.T) {
	for _, fx := range reportFixtures {
		t.Run(fx.name, func(t *testing.T) {
			var yaml, env bytes.Buffer
			if err := WriteLiteLLMConfig(&yaml, fx.report()); err != nil {
				t.Fatalf("WriteLiteLLMConfig() error = %v", err)
			}
			if err := WriteOllamaEnv(&env, fx.report()); err != nil {
				t.Fatalf("WriteOllamaEnv() error = %v", err)
			}
			golden.Check(t, "report/"+fx.name+"-litellm.yaml", yaml.Bytes())
			golden.Check(t, "report/"+fx.name+"-ollama.env", env.Bytes())
		})
	}
}

// TestWriteReportExampleData checks that every format says when the usage
// is the example data, and that none says so of the user's own usage.
func TestWriteReportExampleData(t *testing.T) {
	says := map[string]func(string) bool{
		"json": func(s string) bool { return strings.Contains(s, `"example_data": true`) },
		"csv":  func(s string) bool { return csvColumnAll(t, s, "example_data", "true") },
	}
	for _, format := range Formats {
		check := says[format]
		if check == nil {
			check = func(s string) bool { return strings.Contains(s, "EXAMPLE DATA") && strings.Contains(s, "not yours") }
		}
		for _, example := range []bool{true, false} {
			r := sampleReport()
			r.ExampleData = example
			var buf bytes.Buffer
			if err := Write(&buf, format, r, 0); err != nil {
				t.Fatalf("Write(%s) error = %v", format, err)
			}
			if got := check(buf.String()); got != example {
				t.Errorf("Write(%s) with ExampleData=%v: says example data = %v", format, example, got)
			}
		}
	}
	for name, write := range map[string]func(*bytes.Buffer, *planner.Report) error{
		"litellm": func(b *bytes.Buffer, r *planner.Report) error { return WriteLiteLLMConfig(b, r) },
		"env":     func(b *bytes.Buffer, r *planner.Report) error { return WriteOllamaEnv(b, r) },
	} {
		var buf bytes.Buffer
		if err := write(&buf, exampleReport()); err != nil || !strings.Contains(buf.String(), "EXAMPLE DATA") {
			t.Errorf("%s output on example data = %q, %v; want the example-data warning", name, buf.String(), err)
		}
	}
}

// csvColumnAll reports whether every row of the CSV has want in column.
func csvColumnAll(t *testing.T, s, column, want string) bool {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("CSV %q: %v rows, error %v", s, len(rows), err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == column {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("CSV header %v has no %s column", rows[0], column)
	}
	for _, row := range rows[1:] {
		if row[col] != want {
			return false
		}
	}
	return true
}

func TestWriteReportJSONFields(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "json", sampleReport(), 0); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JSON output does not parse: %v", err)
	}
	for _, key := range []string{"break_even_months", "monthly_cloud_cost_usd", "monthly_local_cost_usd", "share_spend_local", "recommendations"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("JSON output has no %q", key)
		}
	}
	rec := doc["recommendations"].([]any)[0].(map[string]any)
	for _, key := range []string{"model", "quantization", "memory_bytes", "decode_tokens_per_second"} {
		if _, ok := rec[key]; !ok {
			t.Errorf("recommendations[0] has no %q", key)
		}
	}
	buf.Reset()
	if err := Write(&buf, "json", cpuOnlyReport(), 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"break_even_months": null`) {
		t.Errorf("JSON of a report that never breaks even has no \"break_even_months\": null")
	}
}

// TestWriteReportCSVSums checks that the CSV rows of each cloud model add
// up to its route's requests and spend.
func TestWriteReportCSVSums(t *testing.T) {
	r := sampleReport()
	var buf bytes.Buffer
	if err := Write(&buf, "csv", r, 0); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	requests := map[string]int64{}
	for _, row := range rows[1:] {
		var n int64
		if err := json.Unmarshal([]byte(row[5]), &n); err != nil {
			t.Fatalf("row %v: requests %q: %v", row, row[5], err)
		}
		requests[row[0]] += n
	}
	for _, rt := range r.Routes {
		if requests[rt.CloudModel] != rt.Requests {
			t.Errorf("CSV rows of %s add up to %d requests; want %d", rt.CloudModel, requests[rt.CloudModel], rt.Requests)
		}
	}
}

func TestReportHeadline(t *testing.T) {
	never := sampleReport()
	never.BreakEvenMonths, never.BreakEven.BreakEvenMonths = nil, nil
	costly := sampleReport()
	costly.BreakEvenMonths, costly.BreakEven.BreakEvenMonths = nil, nil
	costly.BreakEven.Inputs.CloudDisplacedMonthlyUSD = 10
	tests := []struct {
		name string
		r    *planner.Report
		want []string
	}{
		{"pays back", sampleReport(), []string{
			"This RTX 4090 workstation can take 62% of your cloud spend ($186 of $300 a month) and 86% of your requests, running qwen2.5:14b and llama3.1:8b.",
			"it pays for itself in 16.1 months",
			"The other $114 a month stays in the cloud, for task class ($96), context ($14) and capacity ($3.60)."}},
		{"owned", exampleReport(), []string{"This machine (RTX 4090 workstation) can take", "With no hardware to buy, it saves $171 a month from the first month"}},
		{"nothing moves", cpuOnlyReport(), []string{"This machine (Intel N100 mini PC) cannot take any of your cloud spend ($300 a month), so there is nothing to install.",
			"All of it stays in the cloud, for quality ($204) and task class ($96)."}},
		{"not within the horizon", never, []string{"It does not pay for itself within 36 months: it saves $171 a month, too little to pay back $2,750 of hardware"}},
		{"running costs more", costly, []string{"It never pays for itself: running it costs more than the $10 a month of cloud spend it takes over."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reportHeadline(tt.r)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("reportHeadline() = %q\nwant it to contain %q", got, w)
				}
			}
		})
	}
}

// TestWriteReportNothingFits renders a report of hardware no model fits:
// no recommendations, no routes, no busiest hour.
func TestWriteReportNothingFits(t *testing.T) {
	r := cpuOnlyReport()
	r.Recommendations, r.Routes = nil, nil
	r.Notes = []string{"no model of the catalog fits Intel N100 mini PC and decodes 10 tokens/s for one request"}
	for _, format := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, format, r, 0); err != nil {
			t.Errorf("Write(%s) error = %v", format, err)
		}
		if format != "csv" && !strings.Contains(buf.String(), "no model of the catalog fits") {
			t.Errorf("Write(%s) does not show the note saying why", format)
		}
	}
	var env, yaml bytes.Buffer
	if err := WriteOllamaEnv(&env, r); err != nil || !strings.Contains(env.String(), "nothing to set") {
		t.Errorf("WriteOllamaEnv() = %q, %v; want it to say there is nothing to set", env.String(), err)
	}
	if err := WriteLiteLLMConfig(&yaml, r); err != nil || !strings.Contains(yaml.String(), "model_list:\n  []\n") {
		t.Errorf("WriteLiteLLMConfig() = %q, %v; want an empty model list", yaml.String(), err)
	}
}

func TestWriteReportBadFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, "yaml", sampleReport(), 0)
	if err == nil || !strings.Contains(err.Error(), "table, md, json, csv, html") {
		t.Errorf("Write(yaml) error = %v; want a usage error listing the formats", err)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteReportWriteError(t *testing.T) {
	for _, format := range Formats {
		if err := Write(failWriter{}, format, sampleReport(), 0); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("Write(%s) to a failing writer: error = %v; want the write error", format, err)
		}
	}
	if err := WriteLiteLLMConfig(failWriter{}, sampleReport()); err == nil {
		t.Errorf("WriteLiteLLMConfig() to a failing writer: no error")
	}
	if err := WriteOllamaEnv(failWriter{}, sampleReport()); err == nil {
		t.Errorf("WriteOllamaEnv() to a failing writer: no error")
	}
}

func TestWrapText(t *testing.T) {
	got := show.Wrap("one two three four five", 9, "")
	if want := "one two\nthree\nfour five"; got != want {
		t.Errorf("wrapText() = %q; want %q", got, want)
	}
}
