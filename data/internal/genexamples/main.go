// Command genexamples writes the example usage export that plan report
// falls back to when it is given none: a month of hourly buckets in the
// OpenAI usage-export CSV format, for a made-up team with four workloads.
//
//	go run ./internal/genexamples -out examples/openai_usage_example_2026-10.csv.gz
//
// The traffic is synthetic and says so in its project names. Each workload
// has a daily request count, a working-day profile (weekends at a third),
// mean prompt and output sizes with a spread, and a cache-hit share; the
// counts of each hour are Poisson draws from a fixed seed, so the file is
// the same on every run. The gzip header carries no time or name.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

// workload is one made-up team's use of one model.
type workload struct {
	project, key, model string
	perDay              float64 // requests on a working day
	prompt, output      float64 // mean tokens per request
	cached              float64 // share of prompt tokens read from the cache
}

var workloads = []workload{
	{"proj_example_support_bot", "key_example_support", "gpt-4o-mini-2024-07-18", 20000, 1500, 200, 0.3},
	{"proj_example_extraction", "key_example_etl", "gpt-4.1-mini-2025-04-14", 5000, 3000, 300, 0.1},
	{"proj_example_code_assistant", "key_example_ide", "gpt-4o-2024-08-06", 1500, 4000, 600, 0.5},
	{"proj_example_research", "key_example_research", "o3-2025-04-16", 200, 20000, 3000, 0.2},
}

// hourly is the share of a working day's requests in each hour (UTC).
var hourly = []float64{
	0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 1.2, 2.2, 2.4, 2.4,
	1.6, 2.2, 2.4, 2.4, 2.2, 1.4, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2,
}

var header = []string{
	"start_time", "end_time", "start_time_iso", "end_time_iso", "project_id", "num_model_requests", "user_id",
	"api_key_id", "model", "batch", "service_tier", "input_tokens", "output_tokens", "input_cached_tokens",
	"input_uncached_tokens",
}

func main() {
	out := flag.String("out", "", "gzip file to write")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "genexamples: give -out FILE")
		os.Exit(2)
	}
	if err := os.WriteFile(*out, generate(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genexamples:", err)
		os.Exit(1)
	}
}

func generate() []byte {
	var body bytes.Buffer
	w := csv.NewWriter(&body)
	w.Write(header)
	rng := rand.New(rand.NewPCG(2026, 10))
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	sum := 0.0
	for _, v := range hourly {
		sum += v
	}
	for t := start; t.Month() == 10; t = t.Add(time.Hour) {
		day := 1.0
		if t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
			day = 1.0 / 3
		}
		for _, wl := range workloads {
			n := poisson(rng, wl.perDay*day*hourly[t.Hour()]/sum)
			if n == 0 {
				continue
			}
			w.Write(row(rng, wl, t, n))
		}
	}
	w.Flush()
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body.Bytes())
	zw.Close()
	return gz.Bytes()
}

// row is one hourly bucket of n requests whose sizes vary by ±25% around
// the workload's means.
func row(rng *rand.Rand, wl workload, t time.Time, n int) []string {
	spread := func(mean float64) int64 {
		return int64(math.Round(float64(n) * mean * (0.75 + 0.5*rng.Float64())))
	}
	in, out := spread(wl.prompt), spread(wl.output)
	cached := int64(math.Round(float64(in) * wl.cached))
	end := t.Add(time.Hour)
	f := func(v int64) string { return strconv.FormatInt(v, 10) + ".0" }
	return []string{
		strconv.FormatInt(t.Unix(), 10), strconv.FormatInt(end.Unix(), 10),
		t.Format("2006-01-02T15:04:05+00:00"), end.Format("2006-01-02T15:04:05+00:00"),
		wl.project, strconv.Itoa(n) + ".0", "", wl.key, wl.model, "FALSE", "default",
		f(in), f(out), f(cached), f(in - cached),
	}
}

// poisson draws a Poisson count: by inversion for small means, by a
// rounded normal approximation above 50.
func poisson(rng *rand.Rand, mean float64) int {
	if mean > 50 {
		return max(0, int(math.Round(mean+math.Sqrt(mean)*rng.NormFloat64())))
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
