package usage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkAnyInput reads data as standard input and checks what must hold for
// any bytes at all: no panic, errors and warnings that name the input, every
// row accounted for, and records that keep Record's invariants.
func checkAnyInput(t *testing.T, data []byte, format string) {
	t.Helper()
	for _, strict := range []bool{false, true} {
		var warnings []Warning
		var records int
		opts := Options{Format: format, Strict: strict, Stdin: bytes.NewReader(data), Warn: func(w Warning) { warnings = append(warnings, w) }}
		stats, err := Read(context.Background(), []string{"-"}, opts, func(r *Record) error {
			records++
			return checkRecord(r)
		})
		if err != nil && !strings.HasPrefix(err.Error(), "stdin") {
			t.Fatalf("error %q does not name the input", err)
		}
		for _, w := range warnings {
			if w.File != "stdin" || w.Line < 1 || w.Reason == "" {
				t.Fatalf("warning %q does not name its line", w)
			}
		}
		if stats.Records != records || stats.Skipped < len(warnings) {
			t.Fatalf("stats %+v for %d records and %d warnings", stats, records, len(warnings))
		}
		if err == nil && stats.Records+stats.Skipped+stats.Ignored != stats.Rows {
			t.Fatalf("stats %+v do not add up", stats)
		}
	}
}

// checkRecord is what every record must satisfy.
func checkRecord(r *Record) error {
	counts := []int64{r.Requests, r.InputUncached, r.CacheRead, r.CacheWrite5m, r.CacheWrite1h, r.Output, r.Reasoning}
	for _, n := range counts {
		if n < 0 || n > maxCount {
			return fmt.Errorf("count %d out of range in %+v", n, r)
		}
	}
	switch {
	case r.Reasoning > r.Output:
		return fmt.Errorf("reasoning above output in %+v", r)
	case r.Start.Year() < minYear || r.Start.Year() > maxYear || r.End.Before(r.Start):
		return fmt.Errorf("bad span in %+v", r)
	case r.Start.Location() != time.UTC:
		return fmt.Errorf("start not in UTC in %+v", r)
	case r.Kind != KindUsage && r.Kind != KindCost:
		return fmt.Errorf("kind %q", r.Kind)
	case r.ReportedCostUSD < -maxUSD || r.ReportedCostUSD > maxUSD:
		return fmt.Errorf("cost out of range in %+v", r)
	}
	return nil
}

// addSamples seeds a fuzzer with the testdata files of a format.
func addSamples(f *testing.F, format string) {
	for _, s := range samples {
		if format != "" && s.format != format {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata", s.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func fuzzFormat(f *testing.F, format string, seeds ...string) {
	addSamples(f, format)
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAnyInput(t, data, format)
	})
}

// FuzzDetect feeds any bytes through detection: every format, gzip, BOM.
func FuzzDetect(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\ufeff"))
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte("a,b\n1,2\n"))
	f.Add([]byte("[{\"data\":[]}]"))
	fuzzFormat(f, "")
}

func FuzzOpenAIUsageCSV(f *testing.F) {
	fuzzFormat(f, FormatOpenAIUsageCSV, openAIHeader+openAIGood,
		openAIHeader+"1759622400.0,1759708800,,,p,1e3,,k,m,TRUE,,5.0e2,1,\"0\"\r\n")
}

func FuzzOpenAICostCSV(f *testing.F) {
	fuzzFormat(f, FormatOpenAICostCSV, "start_time,end_time,amount_value,amount_currency\n1759622400,1759708800,-0.5,USD\n")
}

func FuzzOpenAIUsageJSON(f *testing.F) {
	fuzzFormat(f, FormatOpenAIUsageJSON, `[{"data":[{"results":[{"input_tokens":"5","output_tokens":1}],"start_time":1730419200}]}]`)
}

func FuzzOpenAICostJSON(f *testing.F) {
	fuzzFormat(f, FormatOpenAICostJSON, `{"data":[{"start_time":1730419200,"results":[{"amount":{"value":-1e3,"currency":"usd"}}]}]}`)
}

func FuzzAnthropicUsageCSV(f *testing.F) {
	fuzzFormat(f, FormatAnthropicUsageCSV)
}

func FuzzAnthropicCostCSV(f *testing.F) {
	fuzzFormat(f, FormatAnthropicCostCSV)
}

func FuzzAnthropicUsageJSON(f *testing.F) {
	fuzzFormat(f, FormatAnthropicUsageJSON, `{"data":[{"results":[{"cache_creation":null,"uncached_input_tokens":1}],"starting_at":"2025-08-01T00:00:00Z","ending_at":"2025-07-01"}]}`)
}

func FuzzOpenRouterCSV(f *testing.F) {
	fuzzFormat(f, FormatOpenRouterCSV, openRouterHeader+"gen-1,2026-06-28T03:46:57.713+02:00,0.01,100,10,0,0,openai/gpt-4o,OpenAI\n")
}

func FuzzLiteLLMSpendCSV(f *testing.F) {
	fuzzFormat(f, FormatLiteLLMSpendCSV, "request_id,startTime,model,spend,prompt_tokens,completion_tokens,metadata\n"+
		`r,2025-11-03 14:07:30+00,m,0,10,5,"{""usage_object"":{""cache_read_input_tokens"":3,""completion_tokens_details"":{""reasoning_tokens"":9}}}"`+"\n")
}

func FuzzLiteLLMDailyCSV(f *testing.F) {
	fuzzFormat(f, FormatLiteLLMDailyCSV)
}

func FuzzGenericCSV(f *testing.F) {
	fuzzFormat(f, FormatGenericCSV, "timestamp,model,input_tokens,output_tokens\n2026-07-01 09:30,m,1,1\n")
}

// FuzzParseTime: whatever time.Parse reads as RFC 3339, parseTime reads as
// the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-06-28 03:46:57.713", "2025-10-05T00:00:00+00:00", "1759622400", "2026-03-22",
		"2024-02-29T23:59:59.999999999-08:00", "2025-11-03 14:07:30+00", "2000-01-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTime(s)
		if err == nil && (got.Location() != time.UTC || got.Year() < minYear || got.Year() > maxYear) {
			t.Fatalf("parseTime(%q) = %v", s, got)
		}
		want, werr := time.Parse(time.RFC3339Nano, s)
		if werr != nil || want.Year() < minYear || want.Year() > maxYear || want.UTC().Year() < minYear ||
			want.UTC().Year() > maxYear || zoneMinutesOver59(s) {
			return
		}
		if err != nil || !got.Equal(want) {
			t.Fatalf("parseTime(%q) = %v, %v; time.Parse gives %v", s, got, err, want)
		}
	})
}

// zoneMinutesOver59 reports a zone such as "-00:60", which time.Parse
// accepts and parseTime rejects.
func zoneMinutesOver59(s string) bool {
	n := len(s)
	return n >= 6 && (s[n-6] == '+' || s[n-6] == '-') && s[n-3] == ':' && s[n-2] >= '6'
}

// FuzzParseCount: a count is a whole, non-negative number up to maxCount,
// and agrees with the value the text spells.
func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"59200.0", "59200.5", "-1", "1e3", "", "000", "1000000000000", "1000000000001", "7.", " 12 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseCount(s)
		if err != nil {
			return
		}
		if n < 0 || n > maxCount {
			t.Fatalf("parseCount(%q) = %d", s, n)
		}
		if s == "" {
			return
		}
		v, ferr := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if ferr != nil || v != float64(n) {
			t.Fatalf("parseCount(%q) = %d; the text is %v (%v)", s, n, v, ferr)
		}
	})
}
