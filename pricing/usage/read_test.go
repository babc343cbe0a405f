package usage

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/plan-cli/plan/internal/golden"
)

// result is everything one Read gives.
type result struct {
	records  []Record
	warnings []Warning
	stats    Stats
	err      error
}

func read(inputs []string, opts Options) result {
	var res result
	opts.Warn = func(w Warning) { res.warnings = append(res.warnings, w) }
	res.stats, res.err = Read(context.Background(), inputs, opts, func(r *Record) error {
		res.records = append(res.records, *r)
		return nil
	})
	return res
}

// readString reads text given as standard input.
func readString(text string, opts Options) result {
	opts.Stdin = strings.NewReader(text)
	return read([]string{"-"}, opts)
}

// jsonLines is the golden form of records: one JSON object per line.
func jsonLines(t *testing.T, records []Record, warnings []Warning) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, r := range records {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	for _, w := range warnings {
		b.WriteString("# warning: " + w.String() + "\n")
	}
	return b.Bytes()
}

// samples maps every sample in testdata to the format it must be detected as.
var samples = []struct {
	file, format string
	records      int
}{
	{"openai/completions_usage_sample_2025-10-05_2025-10-12.csv", FormatOpenAIUsageCSV, 6},
	{"openai/completions_usage_1h_2025-10-06_2025-10-07.csv", FormatOpenAIUsageCSV, 4},
	{"openai/completions_usage_1m_2025-10-06_2025-10-06.csv", FormatOpenAIUsageCSV, 3},
	{"openai/completions_usage_empty_2025-10-05_2025-10-12.csv", FormatOpenAIUsageCSV, 0},
	{"openai/cost_sample_2025-10-05_2025-10-12.csv", FormatOpenAICostCSV, 6},
	{"openai/usage_completions_page.json", FormatOpenAIUsageJSON, 3},
	{"openai/costs_page.json", FormatOpenAICostJSON, 2},
	{"anthropic/console_usage_export_sample.csv", FormatAnthropicUsageCSV, 4},
	{"anthropic/console_usage_export_old.csv", FormatAnthropicUsageCSV, 3},
	{"anthropic/console_cost_export_sample.csv", FormatAnthropicCostCSV, 4},
	{"anthropic/usage_report_messages_example.json", FormatAnthropicUsageJSON, 1},
	{"openrouter/activity_export.csv", FormatOpenRouterCSV, 5},
	{"openrouter/activity_export_old.csv", FormatOpenRouterCSV, 2},
	{"litellm/spend_logs.csv", FormatLiteLLMSpendCSV, 4},
	{"litellm/daily_user_spend.csv", FormatLiteLLMDailyCSV, 3},
	{"generic/usage.csv", FormatGenericCSV, 3},
	{"misc/console_usage_bom_crlf.csv", FormatAnthropicUsageCSV, 4},
}

// TestSamples reads every sample: detected as its format, no warnings, and
// the records of its golden file.
func TestSamples(t *testing.T) {
	for _, s := range samples {
		t.Run(s.file, func(t *testing.T) {
			res := read([]string{filepath.Join("testdata", s.file)}, Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.warnings) > 0 {
				t.Errorf("warnings: %v", res.warnings)
			}
			if len(res.records) != s.records {
				t.Errorf("%d records; want %d", len(res.records), s.records)
			}
			if s.records > 0 && res.stats.ByFormat[s.format] != 1 {
				t.Errorf("ByFormat = %v; want %s", res.stats.ByFormat, s.format)
			}
			for _, r := range res.records {
				if r.Format != s.format {
					t.Errorf("line %d: format %s; want %s", r.Line, r.Format, s.format)
				}
			}
			name := strings.TrimSuffix(filepath.Base(s.file), filepath.Ext(s.file)) + ".jsonl"
			golden.Check(t, filepath.Join("golden", filepath.Dir(s.file), name), jsonLines(t, res.records, res.warnings))
		})
	}
}

// TestSampleFormatOverride reads each sample again naming its format.
func TestSampleFormatOverride(t *testing.T) {
	for _, s := range samples {
		detected := read([]string{filepath.Join("testdata", s.file)}, Options{})
		named := read([]string{filepath.Join("testdata", s.file)}, Options{Format: s.format})
		if named.err != nil || !reflect.DeepEqual(named.records, detected.records) {
			t.Errorf("%s with Format %s: %d records, err %v; want the %d detected ones",
				s.file, s.format, len(named.records), named.err, len(detected.records))
		}
	}
}

// TestNormalised checks the provider semantics on hand-computed rows.
func TestNormalised(t *testing.T) {
	tests := []struct {
		name, file string
		index      int
		check      func(r Record) bool
	}{
		{"openai cached is a subset of input", "openai/completions_usage_sample_2025-10-05_2025-10-12.csv", 0, func(r Record) bool {
			return r.InputUncached == 53440 && r.CacheRead == 5760 && r.Output == 10646 && r.Requests == 10 && r.RequestsKnown
		}},
		{"openai api cache writes are input too", "openai/usage_completions_page.json", 1, func(r Record) bool {
			return r.InputUncached == 3000 && r.CacheRead == 1800 && r.CacheWrite5m == 200 && r.Model == "gpt-4o-mini-2024-07-18"
		}},
		{"anthropic columns are disjoint", "anthropic/console_usage_export_sample.csv", 3, func(r Record) bool {
			return r.InputUncached == 46981 && r.CacheWrite5m == 15969 && !r.RequestsKnown && !r.LongContext
		}},
		{"anthropic old cache write is 5m, > 200k is long", "anthropic/console_usage_export_old.csv", 2, func(r Record) bool {
			return r.CacheRead == 220000 && r.InputUncached == 410000 && r.LongContext
		}},
		{"anthropic api", "anthropic/usage_report_messages_example.json", 0, func(r Record) bool {
			return r.InputUncached == 1500 && r.CacheWrite5m == 500 && r.CacheWrite1h == 1000 && r.CacheRead == 200 &&
				r.Output == 500 && !r.RequestsKnown && r.End.Sub(r.Start).Hours() == 24
		}},
		{"openrouter reasoning is inside completion", "openrouter/activity_export.csv", 2, func(r Record) bool {
			return r.Provider == "google" && r.Upstream == "Google Vertex" && r.InputUncached == 1792 && r.CacheRead == 512 &&
				r.Output == 1850 && r.Reasoning == 1280 && r.Project == "Evals, nightly" && r.Start.Nanosecond() == 500e6
		}},
		{"openrouter cancelled still counts", "openrouter/activity_export.csv", 3, func(r Record) bool {
			return r.Provider == "meta-llama" && r.Requests == 1 && r.InputUncached == 812
		}},
		{"litellm prompt includes reads and writes", "litellm/spend_logs.csv", 1, func(r Record) bool {
			return r.InputUncached == 800 && r.CacheRead == 8000 && r.CacheWrite5m == 4000 && r.Reasoning == 120
		}},
		{"litellm openai cached tokens from details", "litellm/spend_logs.csv", 0, func(r Record) bool {
			return r.InputUncached == 835 && r.CacheRead == 1024 && r.User == "u-alice" && r.Project == "team-ml"
		}},
		{"litellm older version left writes out", "litellm/spend_logs.csv", 3, func(r Record) bool {
			return r.InputUncached == 200 && r.CacheRead == 1000 && r.CacheWrite5m == 3000 && r.Provider == "anthropic"
		}},
		{"litellm model group when no model", "litellm/spend_logs.csv", 2, func(r Record) bool {
			return r.Model == "llama-70b" && r.User == "customer-42"
		}},
		{"litellm daily", "litellm/daily_user_spend.csv", 1, func(r Record) bool {
			return r.InputUncached == 8000 && r.CacheRead == 80000 && r.CacheWrite5m == 40000 && r.Requests == 10
		}},
		{"generic", "generic/usage.csv", 1, func(r Record) bool {
			return r.InputUncached == 50000 && r.CacheRead == 180000 && r.CacheWrite5m == 20000 && !r.CostKnown &&
				r.End.Sub(r.Start).Hours() == 24
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := read([]string{filepath.Join("testdata", tt.file)}, Options{})
			if res.err != nil || len(res.records) <= tt.index {
				t.Fatalf("%d records, err %v", len(res.records), res.err)
			}
			if r := res.records[tt.index]; !tt.check(r) {
				t.Errorf("record %d = %+v", tt.index, r)
			}
		})
	}
}

const openAIHeader = "start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens\n"

const openRouterHeader = "generation_id,created_at,cost_total,tokens_prompt,tokens_completion,tokens_reasoning,tokens_cached,model_permaslug,provider_name\n"

const openAIGood = "1759622400,1759708800,,,proj_1,10.0,,key_1,gpt-4o,FALSE,default,59200.0,10646.0,5760.0\n"

// TestBadRows: each bad row is a warning naming its line, the other rows
// still count, and with Strict the same row is an error.
func TestBadRows(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		line   int
		reason string
	}{
		{"not a number", openAIHeader + openAIGood +
			"1759622400,1759708800,,,proj_1,10.0,,key_1,gpt-4o,FALSE,default,abc,1.0,0\n", 3, `input_tokens: "abc" is not a number`},
		{"half a token", openAIHeader + openAIGood +
			"1759622400,1759708800,,,proj_1,10.0,,key_1,gpt-4o,FALSE,default,59200.5,1.0,0\n", 3, `input_tokens: "59200.5" is not a whole number`},
		{"negative", openAIHeader + openAIGood +
			"1759622400,1759708800,,,proj_1,-1,,key_1,gpt-4o,FALSE,default,5,1.0,0\n", 3, `num_model_requests: "-1" is negative`},
		{"absurd", openAIHeader + openAIGood +
			"1759622400,1759708800,,,proj_1,1,,key_1,gpt-4o,FALSE,default,2000000000000,1,0\n", 3, `input_tokens: "2000000000000" is more than 1e+12`},
		{"absurd float", openAIHeader + openAIGood +
			"1759622400,1759708800,,,proj_1,1,,key_1,gpt-4o,FALSE,default,5e13,1,0\n", 3, `input_tokens: "5e13" is more than 1e+12`},
		{"cached above input", openAIHeader + openAIGood +
			"1759622400,1759708800,,,proj_1,1,,key_1,gpt-4o,FALSE,default,5,1,6\n", 3, "input_tokens 5 is less than its cached (6)"},
		{"bad batch", openAIHeader + openAIGood +
			"1759622400,1759708800,,,proj_1,1,,key_1,gpt-4o,maybe,default,5,1,0\n", 3, `batch: "maybe" is not true or false`},
		{"bad time", openAIHeader + openAIGood +
			"yesterday,1759708800,,,proj_1,1,,key_1,gpt-4o,FALSE,default,5,1,0\n", 3, `start_time: "yesterday" is not a time`},
		{"end before start", openAIHeader + openAIGood +
			"1759708800,1759622400,,,proj_1,1,,key_1,gpt-4o,FALSE,default,5,1,0\n", 3, "the end 2025-10-05T00:00:00Z is before the start"},
		{"too few fields", openAIHeader + openAIGood + "1759622400,1759708800,,,proj_1\n", 3, "5 fields, the header has 14"},
		{"bare quote", openAIHeader + openAIGood + "1759622400,1759708800,,,pro\"j,1,,k,m,FALSE,default,5,1,0\n", 3, `bare " in non-quoted-field`},
		{"openrouter reasoning above completion", openRouterHeader +
			"gen-2,2026-06-28 03:46:57.713,0.01,100,10,20,0,openai/o3,OpenAI\n" +
			"gen-1,2026-06-28 03:46:57.713,0.01,100,10,0,0,openai/gpt-4o,OpenAI\n", 2, "tokens_reasoning 20 is more than tokens_completion 10"},
		{"openrouter bad date", openRouterHeader +
			"gen-1,2026-06-28 03:46:57.713,0.01,100,10,0,0,openai/gpt-4o,OpenAI\n" +
			"gen-2,2026-02-30 03:46:57,0.01,100,10,0,0,openai/gpt-4o,OpenAI\n", 3, `created_at: "2026-02-30 03:46:57" is not a time`},
		{"openrouter no model", openRouterHeader +
			"gen-1,2026-06-28 03:46:57.713,0.01,100,10,0,0,openai/gpt-4o,OpenAI\n" +
			"gen-2,2026-06-28 03:46:57.713,0.01,100,10,0,0,,OpenAI\n", 3, "model_permaslug: empty"},
		{"openrouter negative cost", openRouterHeader +
			"gen-1,2026-06-28 03:46:57.713,0.01,100,10,0,0,openai/gpt-4o,OpenAI\n" +
			"gen-2,2026-06-28 03:46:57.713,-0.01,100,10,0,0,openai/gpt-4o,OpenAI\n", 3, `cost_total: "-0.01" is negative`},
		{"openrouter year 1970", openRouterHeader +
			"gen-1,2026-06-28 03:46:57.713,0.01,100,10,0,0,openai/gpt-4o,OpenAI\n" +
			"gen-2,1970-01-01 00:00:00,0.01,100,10,0,0,openai/gpt-4o,OpenAI\n", 3, "outside the years"},
		{"multi-line quoted field keeps line numbers", openRouterHeader +
			"gen-1,2026-06-28 03:46:57.713,0.01,100,10,0,0,\"openai/\ngpt-4o\",OpenAI\n" +
			"gen-2,2026-06-28 03:46:57.713,x,100,10,0,0,openai/gpt-4o,OpenAI\n", 4, `cost_total: "x" is not an amount`},
		{"cost in euros", "start_time,end_time,amount_value,amount_currency,line_item\n" +
			"1759622400,1759708800,0.5,usd,\n1759622400,1759708800,0.5,eur,\n", 3, `amount_currency: "eur" is not usd`},
		{"json type", `{"object":"page","data":[{"start_time":1730419200,"end_time":1730505600,"results":[
{"object":"organization.usage.completions.result","input_tokens":1,"output_tokens":1,"num_model_requests":1},
{"object":"organization.usage.completions.result","input_tokens":1,"output_tokens":1,"num_model_requests":1,"model":5}]}]}`,
			3, "model: number is not a string"},
		{"json negative", `{"object":"page","data":[{"start_time":1730419200,"end_time":1730505600,"results":[
{"input_tokens":1,"output_tokens":1,"num_model_requests":1},
{"input_tokens":-5,"output_tokens":1,"num_model_requests":1}]}]}`, 3, `input_tokens: "-5" is negative`},
		{"json not a number", `{"data":[{"starting_at":"2025-08-01T00:00:00Z","ending_at":"2025-08-02T00:00:00Z","results":[
{"uncached_input_tokens":1,"output_tokens":1},
{"uncached_input_tokens":true,"output_tokens":1}]}]}`, 3, `uncached_input_tokens: "true" is not a number`},
		{"json bad bucket time", `{"data":[{"starting_at":"2025-08-01T00:00:00Z","results":[{"uncached_input_tokens":1,"output_tokens":1}]},
{"results":[{"uncached_input_tokens":1,"output_tokens":1}],"starting_at":"August"}]}`, 2, `starting_at: "August" is not a time`},
		{"json unknown result", `{"data":[{"start_time":1730419200,"results":[{"input_tokens":1},
{"foo":1}]}]}`, 2, "neither OpenAI nor Anthropic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readString(tt.text, Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.records) != 1 || res.stats.Skipped != 1 || len(res.warnings) != 1 {
				t.Fatalf("%d records, %d skipped, warnings %v; want 1 record and 1 warning", len(res.records), res.stats.Skipped, res.warnings)
			}
			w := res.warnings[0]
			if w.File != "stdin" || w.Line != tt.line || !strings.Contains(w.Reason, tt.reason) {
				t.Errorf("warning %q; want stdin:%d: ...%s...", w, tt.line, tt.reason)
			}
			strict := readString(tt.text, Options{Strict: true})
			if strict.err == nil || strict.err.Error() != w.String() {
				t.Errorf("strict: err %v; want %q", strict.err, w)
			}
		})
	}
}

// TestStrictStops: strict mode stops at the first bad row, lenient reads on.
func TestStrictStops(t *testing.T) {
	text := openAIHeader + "x,1759708800,,,p,1,,k,m,FALSE,default,5,1,0\n" + openAIGood + openAIGood
	lenient := readString(text, Options{})
	if lenient.err != nil || len(lenient.records) != 2 || lenient.stats.Skipped != 1 || lenient.stats.Rows != 3 {
		t.Errorf("lenient: %d records, stats %+v, err %v; want 2 records, 1 skipped", len(lenient.records), lenient.stats, lenient.err)
	}
	strict := readString(text, Options{Strict: true})
	if strict.err == nil || !strings.HasPrefix(strict.err.Error(), "stdin:2: start_time:") || len(strict.records) != 0 {
		t.Errorf("strict: %d records, err %v; want stdin:2: start_time: ...", len(strict.records), strict.err)
	}
	if len(strict.warnings) != 0 {
		t.Errorf("strict passed warnings on: %v", strict.warnings)
	}
}

// TestFileErrors: what stops a read is an error naming the file.
func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	sample, err := os.ReadFile("testdata/openrouter/activity_export.csv")
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "activity.csv.gz")
	writeFile(t, truncated, gzipBytes(t, sample)[:300])
	corrupt := filepath.Join(dir, "corrupt.gz")
	z := gzipBytes(t, sample)
	z[len(z)-6] ^= 0xff // the CRC-32
	writeFile(t, corrupt, z)
	tests := []struct {
		name   string
		inputs []string
		opts   Options
		want   []string
	}{
		{"unknown header", []string{"-"}, Options{Stdin: strings.NewReader("date,what,how_much\n2026-01-01,x,1\n")},
			[]string{"stdin: unknown export format", `"date", "what", "how_much"`, FormatOpenRouterCSV, FormatGenericCSV}},
		{"many columns are cut short", []string{"-"}, Options{Stdin: strings.NewReader("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o\n")},
			[]string{`"l", ... (15 in all)`}},
		{"unknown json", []string{"-"}, Options{Stdin: strings.NewReader(`{"object":"list","items":[]}`)},
			[]string{`stdin:1: unknown JSON: an object with keys "object", "items"`}},
		{"json scalar", []string{"-"}, Options{Stdin: strings.NewReader("[1]")}, []string{"stdin:1: 1 where { should be"}},
		{"broken json", []string{"-"}, Options{Stdin: strings.NewReader("{\"data\":[\n{\"start_time\":1,\n\"results\":[{]}]}")},
			[]string{"stdin:3: invalid character"}},
		{"json cut short", []string{"-"}, Options{Stdin: strings.NewReader("{\"data\":[\n{\"start_time\":1730419200,\"results\":[\n")},
			[]string{"stdin:3: the JSON ends early"}},
		{"truncated gzip", []string{truncated}, Options{}, []string{truncated + ": ", "truncated gzip data"}},
		{"corrupt gzip", []string{corrupt}, Options{}, []string{corrupt + ": ", "corrupt gzip data"}},
		{"bad gzip header", []string{"-"}, Options{Stdin: bytes.NewReader([]byte{0x1f, 0x8b, 0, 0})}, []string{"stdin: reading gzip"}},
		{"missing file", []string{filepath.Join(dir, "nope.csv")}, Options{}, []string{"nope.csv: no such file"}},
		{"no inputs", nil, Options{}, []string{"no inputs"}},
		{"stdin without a reader", []string{"-"}, Options{}, []string{"no standard input"}},
		{"unknown format", []string{"-"}, Options{Format: "excel", Stdin: strings.NewReader("")}, []string{`unknown format "excel"`, FormatGenericCSV}},
		{"wrong format", []string{"testdata/generic/usage.csv"}, Options{Format: FormatOpenRouterCSV},
			[]string{"testdata/generic/usage.csv: not a openrouter-csv export: missing columns generation_id, created_at"}},
		{"csv format for json", []string{"testdata/anthropic/usage_report_messages_example.json"}, Options{Format: FormatGenericCSV},
			[]string{"this is a JSON file, not generic-csv"}},
		{"json format for csv", []string{"testdata/generic/usage.csv"}, Options{Format: FormatOpenAIUsageJSON},
			[]string{"this is a CSV file, not openai-usage-json"}},
		{"broken header", []string{"-"}, Options{Stdin: strings.NewReader("a,\"b\n")}, []string{"stdin: reading the header"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := read(tt.inputs, tt.opts)
			if res.err == nil {
				t.Fatalf("no error; want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.err.Error(), w) {
					t.Errorf("error %q; want it to contain %q", res.err, w)
				}
			}
		})
	}
}

// TestLongLine: a file without line breaks is not read into memory whole.
func TestLongLine(t *testing.T) {
	defer func(n int) { maxLine = n }(maxLine)
	maxLine = 1000
	res := readString("timestamp,model,input_tokens,output_tokens\n"+strings.Repeat("x", 3*bufSize), Options{})
	if res.err == nil || !strings.Contains(res.err.Error(), "stdin: a line longer than 1000 bytes") {
		t.Errorf("err %v; want a line too long", res.err)
	}
	res = readString(`{"data":[],"x":"`+strings.Repeat("x", 3*bufSize)+`"}`, Options{})
	if res.err != nil {
		t.Errorf("JSON: %v; want no limit on its lines", res.err)
	}
}

// TestEmpty: an empty file, white space or a bare header give no records and no error.
func TestEmpty(t *testing.T) {
	for _, text := range []string{"", "\n\n", "  \r\n", "\ufeff", openAIHeader, "start_time,end_time,start_time_iso,end_time_iso\r\n",
		`{"object":"page","data":[],"has_more":false}`, `{"data":null}`, "[]"} {
		res := readString(text, Options{})
		if res.err != nil || len(res.records) != 0 || len(res.warnings) != 0 {
			t.Errorf("%q: %d records, warnings %v, err %v; want nothing", text, len(res.records), res.warnings, res.err)
		}
	}
}

// TestJSONShapes: an array of pages and pages one after another; results
// before their bucket's times; other OpenAI result kinds ignored.
func TestJSONShapes(t *testing.T) {
	page := `{"data":[{"results":[{"uncached_input_tokens":1,"output_tokens":2}],"starting_at":"2025-08-01T00:00:00Z","ending_at":"2025-08-02T00:00:00Z"}]}`
	other := `{"object":"page","data":[{"start_time":1730419200,"end_time":1730505600,"results":[` +
		`{"object":"organization.usage.embeddings.result","input_tokens":16,"num_model_requests":2}]}]}`
	tests := []struct {
		name             string
		text             string
		records, ignored int
	}{
		{"one page", page, 1, 0},
		{"array of pages", "[" + page + "," + page + "]", 2, 0},
		{"pages in a row", page + "\n" + page + "\n" + page, 3, 0},
		{"embeddings", other, 0, 1},
		{"unknown keys skipped", `{"extra":{"a":[1,{"b":null}]},"data":[{"x":[[]],"start_time":1730419200,"results":[{"input_tokens":3,"output_tokens":1}]}]}`, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readString(tt.text, Options{})
			if res.err != nil || len(res.records) != tt.records || res.stats.Ignored != tt.ignored || len(res.warnings) > 0 {
				t.Errorf("%d records, %d ignored, warnings %v, err %v; want %d and %d",
					len(res.records), res.stats.Ignored, res.warnings, res.err, tt.records, tt.ignored)
			}
			for _, r := range res.records {
				if r.Start.IsZero() || r.End.Before(r.Start) {
					t.Errorf("record %+v has no bucket", r)
				}
			}
		})
	}
}

// TestIgnored: empty buckets and LiteLLM cache hits are skipped silently.
func TestIgnored(t *testing.T) {
	tests := []struct {
		file    string
		ignored int
	}{
		{"testdata/openai/completions_usage_sample_2025-10-05_2025-10-12.csv", 1},
		{"testdata/openai/cost_sample_2025-10-05_2025-10-12.csv", 2},
		{"testdata/litellm/spend_logs.csv", 1},
	}
	for _, tt := range tests {
		res := read([]string{tt.file}, Options{})
		if res.err != nil || res.stats.Ignored != tt.ignored || res.stats.Skipped != 0 {
			t.Errorf("%s: stats %+v, err %v; want %d ignored", tt.file, res.stats, res.err, tt.ignored)
		}
	}
}

// TestInputs: standard input, a directory, a gzip file under any name.
func TestInputs(t *testing.T) {
	dir := t.TempDir()
	sample, err := os.ReadFile("testdata/openrouter/activity_export.csv")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "b", "activity.csv"), sample)
	writeFile(t, filepath.Join(dir, "a.csv.gz"), gzipBytes(t, sample))
	// gzip without the name, with CRLF lines (the same bytes twice would be read once)
	writeFile(t, filepath.Join(dir, "export"), gzipBytes(t, bytes.ReplaceAll(sample, []byte("\n"), []byte("\r\n"))))
	writeFile(t, filepath.Join(dir, ".DS_Store"), []byte{0, 1, 2})
	writeFile(t, filepath.Join(dir, ".hidden", "x.csv"), []byte("nonsense\n"))

	res := read([]string{dir}, Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	var files []string
	for _, r := range res.records {
		if len(files) == 0 || files[len(files)-1] != r.File {
			files = append(files, r.File)
		}
	}
	// The three files hold the same requests (generation ids): all are read,
	// and each request counts once.
	want := []string{filepath.Join(dir, "a.csv.gz")}
	if !reflect.DeepEqual(files, want) || res.stats.Files != 3 || res.stats.Rows != 15 || len(res.records) != 5 || res.stats.RepeatedRows != 10 {
		t.Errorf("files %v, stats %+v; want %v, 15 rows, 5 records, 10 repeated", files, res.stats, want)
	}

	plain := read([]string{"testdata/openrouter/activity_export.csv"}, Options{})
	stdin := readString(string(gzipBytes(t, sample)), Options{})
	if stdin.err != nil || len(stdin.records) != len(plain.records) {
		t.Fatalf("gzip on stdin: %d records, err %v", len(stdin.records), stdin.err)
	}
	for i := range stdin.records {
		a, b := stdin.records[i], plain.records[i]
		a.File, b.File = "", ""
		if a != b {
			t.Errorf("record %d from stdin %+v; want %+v", i, a, b)
		}
	}

	both := read([]string{"testdata/generic/usage.csv", "-"}, Options{Stdin: bytes.NewReader(sample)})
	if both.err != nil || len(both.records) != 8 || both.stats.ByFormat[FormatGenericCSV] != 1 || both.stats.ByFormat[FormatOpenRouterCSV] != 1 {
		t.Errorf("file and stdin: %d records, stats %+v, err %v", len(both.records), both.stats, both.err)
	}
}

// TestBOMAndCRLF: the same records with or without a byte-order mark and CRLF.
func TestBOMAndCRLF(t *testing.T) {
	plain := read([]string{"testdata/anthropic/console_usage_export_sample.csv"}, Options{})
	bom := read([]string{"testdata/misc/console_usage_bom_crlf.csv"}, Options{})
	if plain.err != nil || bom.err != nil || len(plain.records) != len(bom.records) {
		t.Fatalf("plain %d records (err %v), bom %d (err %v)", len(plain.records), plain.err, len(bom.records), bom.err)
	}
	for i := range plain.records {
		a, b := plain.records[i], bom.records[i]
		a.File, b.File = "", ""
		if a != b {
			t.Errorf("record %d: %+v; want %+v", i, b, a)
		}
	}
}

// TestCallbackError: fn's error stops the read and comes back wrapped.
func TestCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	stats, err := Read(context.Background(), []string{"testdata/openrouter/activity_export.csv"}, Options{}, func(*Record) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !strings.HasPrefix(err.Error(), "testdata/openrouter/activity_export.csv:3: ") || stats.Records != 2 {
		t.Errorf("err %v, stats %+v; want stop at line 3 after 2 records", err, stats)
	}
}

// TestCancel: a cancelled context stops the read.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Read(ctx, []string{"testdata/generic/usage.csv"}, Options{}, func(*Record) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v; want context.Canceled", err)
	}
}

// TestFormats: every format is listed once, with columns, and detection
// prefers the most specific one.
func TestFormats(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Formats() {
		if seen[f.Name] || f.Description == "" || len(f.Required) == 0 {
			t.Errorf("format %+v: duplicate or undocumented", f)
		}
		seen[f.Name] = true
	}
	if len(seen) != 11 {
		t.Errorf("%d formats; want 11", len(seen))
	}
	Formats()[0].Required[0] = "changed"
	if Formats()[0].Required[0] == "changed" {
		t.Error("Formats shares its slices")
	}
	if got := (Warning{File: "a.csv", Line: 3, Reason: "bad"}).String(); got != "a.csv:3: bad" {
		t.Errorf("Warning.String() = %q", got)
	}
	if got := (Warning{File: "a.csv", Reason: "bad"}).String(); got != "a.csv: bad" {
		t.Errorf("Warning.String() = %q", got)
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A header far wider than any export is refused with the file and line, in
// bounded memory; it used to reserve 8 x 256 rows x its columns.
func TestWideHeader(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(512 << 20)) // the run must fit
	dir := t.TempDir()
	path := filepath.Join(dir, "wide.csv")
	var b strings.Builder
	for i := range 1_000_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("c")
	}
	b.WriteString("\n1\n")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Read(context.Background(), []string{path}, Options{}, func(*Record) error { return nil })
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "wide.csv:1: the header has 1000000 columns") {
		t.Errorf("Read = %v; want a refusal naming the file, line and column count", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
		t.Errorf("reading a 2 MB header allocated %d MB; want under 256 MB", alloc>>20)
	}
}

// A JSON string longer than any export holds is refused by file, without
// holding it whole.
func TestHugeJSONString(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(512 << 20)) // the run must fit
	defer func(n int) { maxJSONString = n }(maxJSONString)
	maxJSONString = 1 << 10
	path := filepath.Join(t.TempDir(), "page.json")
	body := `{"object":"page","data":[{"start_time":1,"end_time":2,"results":[{"model":"` + strings.Repeat("x", 4<<10) + `"}]}]}`
	writeFile(t, path, []byte(body))
	res := read([]string{path}, Options{})
	if res.err == nil || !strings.Contains(res.err.Error(), "page.json") || !strings.Contains(res.err.Error(), "JSON string longer than 1024 bytes") {
		t.Errorf("Read = %v; want a refusal naming the file", res.err)
	}
	// Escaped quotes do not end a string; strings under the limit pass.
	writeFile(t, path, []byte(`{"object":"page","data":[{"start_time":1,"end_time":2,"results":[{"object":"x","model":"a\"b"}]}]}`))
	if res := read([]string{path}, Options{}); res.err != nil && strings.Contains(res.err.Error(), "longer than") {
		t.Errorf("a short string with an escaped quote: %v", res.err)
	}
}

// A page whose keys come sorted (end_time, results, start_time) gives the
// same records as one with its times first: its results wait in a
// temporary file until the start time is read, not in memory.
func TestSortedKeysJSON(t *testing.T) {
	var results []string
	for i := range 2000 {
		results = append(results, fmt.Sprintf(`{"object":"organization.usage.completions.result","input_tokens":%d,"output_tokens":10,"num_model_requests":1,"model":"gpt-4o-mini","project_id":"p%d"}`, 100+i, i%7))
	}
	list := strings.Join(results, ",")
	sorted := `{"data":[{"end_time":1759708800,"object":"bucket","results":[` + list + `],"start_time":1759622400}],"object":"page"}`
	first := `{"object":"page","data":[{"object":"bucket","start_time":1759622400,"end_time":1759708800,"results":[` + list + `]}]}`
	dir := t.TempDir()
	a, b := filepath.Join(dir, "sorted.json"), filepath.Join(dir, "first.json")
	writeFile(t, a, []byte(sorted))
	writeFile(t, b, []byte(first))
	ra, rb := read([]string{a}, Options{}), read([]string{b}, Options{})
	if ra.err != nil || rb.err != nil || len(ra.records) != 2000 || len(rb.records) != 2000 {
		t.Fatalf("sorted: %d records, %v; times first: %d records, %v", len(ra.records), ra.err, len(rb.records), rb.err)
	}
	for i := range ra.records {
		x, y := ra.records[i], rb.records[i]
		x.File, y.File, x.Line, y.Line = "", "", 0, 0
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("record %d differs:\n%+v\n%+v", i, x, y)
		}
	}
}

// The results of a sorted page are not held in memory: the heap stays small
// while a bucket of 200,000 results waits for its start time.
func TestSortedKeysJSONMemory(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(512 << 20)) // the run must fit
	path := filepath.Join(t.TempDir(), "sorted.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"data":[{"end_time":1759708800,"object":"bucket","results":[`)
	for i := range 200_000 {
		if i > 0 {
			f.WriteString(",")
		}
		fmt.Fprintf(f, `{"object":"organization.usage.completions.result","input_tokens":%d,"output_tokens":10,"num_model_requests":1,"model":"gpt-4o-mini","project_id":"project-%d","api_key_id":"key-%d"}`, i, i, i)
	}
	f.WriteString(`],"start_time":1759622400}],"object":"page"}`)
	f.Close()
	var base, m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	var peak uint64
	n := 0
	_, err = Read(context.Background(), []string{path}, Options{}, func(*Record) error {
		if n++; n%20_000 == 1 {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
		}
		return nil
	})
	if err != nil || n != 200_000 {
		t.Fatalf("%d records, %v", n, err)
	}
	if grew := int64(peak) - int64(base.HeapInuse); grew > 32<<20 {
		t.Errorf("the heap grew %d MB while the bucket's results waited; want under 32 MB", grew>>20)
	}
}
