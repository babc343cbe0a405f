package usage

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var benchRows = flag.Int("usage.rows", 200_000, "rows of the OpenRouter export BenchmarkReadOpenRouter generates")

// benchFile is the generated export, made once per test binary.
var benchFile struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	flag.Parse()
	// Outside benchmarks, a recycled batch's text is overwritten, so a
	// value kept past its batch shows in the records the tests compare.
	poisonRecycled = flag.Lookup("test.bench").Value.String() == ""
	code := m.Run()
	if benchFile.dir != "" {
		os.RemoveAll(benchFile.dir)
	}
	os.Exit(code)
}

// benchExport writes (once) an OpenRouter activity export of *benchRows
// requests, with the value mix of a real one.
func benchExport(b *testing.B) string {
	benchFile.once.Do(func() {
		benchFile.dir, benchFile.err = os.MkdirTemp("", "usage-bench-")
		if benchFile.err != nil {
			return
		}
		benchFile.path = filepath.Join(benchFile.dir, "activity.csv")
		benchFile.err = writeOpenRouterExport(benchFile.path, *benchRows)
	})
	if benchFile.err != nil {
		b.Fatal(benchFile.err)
	}
	return benchFile.path
}

var benchModels = []struct{ slug, host string }{
	{"openai/gpt-4o-2024-08-06", "OpenAI"}, {"openai/gpt-4o-mini-2024-07-18", "OpenAI"},
	{"openai/o3-mini-2025-01-31", "OpenAI"}, {"anthropic/claude-4-sonnet-20250522", "Anthropic"},
	{"anthropic/claude-3-5-haiku-20241022", "Amazon Bedrock"}, {"google/gemini-2.5-pro", "Google Vertex"},
	{"google/gemini-2.5-flash", "Google AI Studio"}, {"meta-llama/llama-3.3-70b-instruct", "Together"},
	{"meta-llama/llama-3.1-8b-instruct", "DeepInfra"}, {"deepseek/deepseek-r1", "Fireworks"},
	{"mistralai/mistral-small-3.1-24b-instruct", "Mistral"}, {"qwen/qwen-2.5-72b-instruct", "Novita"},
}

var benchKeys = []string{"prod-backend", "eval-runs", "playground", "batch-jobs", "staging", "ci"}

var benchApps = []string{"", "", "Support Bot", "Evals, nightly", "Docs search"}

func writeOpenRouterExport(path string, rows int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	fmt.Fprintln(w, "generation_id,created_at,cost_total,cost_web_search,cost_cache,cost_file_processing,byok_usage_inference,"+
		"tokens_prompt,tokens_completion,tokens_reasoning,tokens_cached,model_permaslug,provider_name,variant,cancelled,"+
		"streamed,user,finish_reason_raw,finish_reason_normalized,generation_time_ms,time_to_first_token_ms,"+
		"api_key_disabled,api_key_name,app_name")
	t := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		t = t.Add(time.Duration(rng.IntN(2000)) * time.Millisecond)
		writeOpenRouterRow(w, rng, i, t)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeOpenRouterRow(w io.Writer, rng *rand.Rand, i int, t time.Time) {
	m := benchModels[rng.IntN(len(benchModels))]
	prompt := 50 + rng.IntN(20000)
	completion := 10 + rng.IntN(3000)
	reasoning, cached := 0, 0
	if strings.Contains(m.slug, "o3") || strings.Contains(m.slug, "r1") || strings.Contains(m.slug, "2.5-pro") {
		reasoning = rng.IntN(completion)
	}
	if rng.IntN(3) == 0 {
		cached = rng.IntN(prompt)
	}
	user := ""
	if rng.IntN(2) == 0 {
		user = fmt.Sprintf("user_%d", rng.IntN(300))
	}
	app := benchApps[rng.IntN(len(benchApps))]
	if strings.Contains(app, ",") {
		app = `"` + app + `"`
	}
	fmt.Fprintf(w, "gen-%d-%016x,%s,%.7f,0,%.6f,0,0,%d,%d,%d,%d,%s,%s,standard,%t,%t,%s,stop,stop,%d,%d,false,%s,%s\n",
		t.Unix(), rng.Uint64(), t.Format("2006-01-02 15:04:05.000"), float64(prompt)*2.5e-6+float64(completion)*1e-5,
		float64(cached)*1.25e-6, prompt, completion, reasoning, cached, m.slug, m.host, rng.IntN(100) == 0, rng.IntN(4) != 0,
		user, 200+rng.IntN(30000), 100+rng.IntN(2000), benchKeys[rng.IntN(len(benchKeys))], app)
}

// bareCSV is the baseline: encoding/csv reading every row and doing nothing.
func bareCSV(b *testing.B, path string) int {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	rows := 0
	for {
		_, err := cr.Read()
		if err == io.EOF {
			return rows - 1
		}
		if err != nil {
			b.Fatal(err)
		}
		rows++
	}
}

// readExport is Read over the file, summing what an aggregator would.
func readExport(b *testing.B, path string) int {
	var tokens int64
	stats, err := Read(context.Background(), []string{path}, Options{Strict: true}, func(r *Record) error {
		tokens += r.InputTokens() + r.Output
		return nil
	})
	if err != nil || tokens == 0 {
		b.Fatal(err, tokens)
	}
	return stats.Records
}

// measure times one pass and counts its heap allocations.
func measure(pass func() int) (time.Duration, uint64, int) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	rows := pass()
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return d, after.Mallocs - before.Mallocs, rows
}

// BenchmarkReadOpenRouter compares Read with a bare encoding/csv pass over
// the same generated OpenRouter export (-usage.rows sets its size): rows per
// second of each, their ratio, and allocations per row.
func BenchmarkReadOpenRouter(b *testing.B) {
	path := benchExport(b)
	var csvTime, readTime time.Duration
	var csvAllocs, readAllocs uint64
	var rows int
	for b.Loop() {
		d, a, n := measure(func() int { return bareCSV(b, path) })
		csvTime, csvAllocs = csvTime+d, csvAllocs+a
		d, a, m := measure(func() int { return readExport(b, path) })
		readTime, readAllocs = readTime+d, readAllocs+a
		if m != n {
			b.Fatalf("Read gave %d records for %d rows", m, n)
		}
		rows += n
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	csvRate := float64(rows) / csvTime.Seconds()
	readRate := float64(rows) / readTime.Seconds()
	b.ReportMetric(csvRate, "csv-rows/s")
	b.ReportMetric(readRate, "read-rows/s")
	b.ReportMetric(readRate/csvRate, "read/csv")
	b.ReportMetric(float64(csvAllocs)/float64(rows), "csv-allocs/row")
	b.ReportMetric(float64(readAllocs)/float64(rows), "read-allocs/row")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MB")
}
