package planner

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/pricing/spend"
	"github.com/plan-cli/plan/pricing/usage"
)

func writeUsage(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "usage.csv")
	body := "timestamp,provider,model,project,requests,input_tokens,output_tokens\n" + strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readTraffic(t *testing.T, path string) *Traffic {
	t.Helper()
	table, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ReadTraffic(context.Background(), []string{path}, usage.Options{}, spend.NewTablePricer(table))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestReadTraffic(t *testing.T) {
	path := writeUsage(t,
		"2026-07-01T09:00:00Z,openai,gpt-4o-2024-08-06,support,100,100000,20000", // 1,200 tokens per request
		"2026-07-01T10:00:00Z,openai,gpt-4o,support,1,50000,1000",                // one long request
		"2026-07-02T09:00:00Z,openai,gpt-4o,batch,10,10000,10000",
		"2026-07-03T09:00:00Z,anthropic,claude-sonnet-4-20250514,support,5,5000,500",
	)
	tr := readTraffic(t, path)
	if len(tr.Groups) != 3 {
		t.Fatalf("%d groups, want gpt-4o/support, gpt-4o/batch, claude-sonnet-4/support", len(tr.Groups))
	}
	g := tr.Groups[0]
	if g.Model != "gpt-4o" || g.Project != "support" || g.Requests != 101 || !g.Priced {
		t.Errorf("largest group %+v", g)
	}
	// gpt-4o list price: $2.50 in, $10 out per 1M tokens.
	if want := (150000*2.5 + 21000*10) / 1e6; math.Abs(g.SpendUSD-want) > 1e-9 {
		t.Errorf("spend %v, want %v", g.SpendUSD, want)
	}
	if p50, p99 := g.ContextPercentile(0.5), g.ContextPercentile(0.995); p50 != 1200 || p99 != 51000 {
		t.Errorf("context p50 %d, p99.5 %d; want 1200 and the long request's 51000", p50, p99)
	}
	if s := g.ShareAbove(8192); math.Abs(s-1.0/101) > 1e-12 {
		t.Errorf("share above 8192 tokens %v, want 1/101", s)
	}
	// 1 July 09:00 to 3 July 10:00, in whole UTC days: 3 days.
	if months := tr.Months(); math.Abs(months-3/DaysPerMonth) > 1e-9 {
		t.Errorf("months %v", months)
	}
	var n int64
	for _, b := range tr.Buckets {
		n += b.Requests
		if b.Start < 0 || b.End < b.Start {
			t.Errorf("bucket %+v", b)
		}
	}
	if single := tr.Log.Requests(); n+single != 116 || single != 1 {
		t.Errorf("%d requests in buckets and %d single ones, want 116 in all, the long request single", n, single)
	}
	// The replay's source gives every request once, in time order.
	src := tr.Source(1, 0, math.Inf(1), nil)
	var got int64
	last := -1.0
	for r, ok := src.Next(); ok; r, ok = src.Next() {
		got++
		if r.Arrival < last {
			t.Errorf("arrival %v after %v", r.Arrival, last)
		}
		last = r.Arrival
	}
	if got != 116 {
		t.Errorf("the source gave %d requests, want 116", got)
	}
}

func TestReadTrafficErrors(t *testing.T) {
	table, _ := pricing.Embedded()
	_, err := ReadTraffic(context.Background(), []string{"testdata/nosuch.csv"}, usage.Options{}, spend.NewTablePricer(table))
	if err == nil || !strings.Contains(err.Error(), "nosuch.csv") {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(t.TempDir(), "cost.csv")
	os.WriteFile(path, []byte("start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id,organization_id\n"), 0o644)
	if _, err := ReadTraffic(context.Background(), []string{path}, usage.Options{}, spend.NewTablePricer(table)); err == nil || !strings.Contains(err.Error(), "no usage rows") {
		t.Errorf("cost export only: %v", err)
	}
}

// Exports of different periods are each made monthly over their own period,
// and the difference is said.
func TestReadTrafficPeriods(t *testing.T) {
	dir := t.TempDir()
	long := "timestamp,provider,model,requests,input_tokens,output_tokens\n"
	for d := 0; d < 60; d++ {
		day := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format("2006-01-02")
		long += day + ",openai,gpt-4o,10,100000,10000\n"
	}
	short := "timestamp,provider,model,requests,input_tokens,output_tokens\n"
	for d := 0; d < 14; d++ {
		// Business hours only: the period is whole days, not 9:00 to 17:00.
		day := time.Date(2026, 9, 17, 9, 0, 0, 0, time.UTC).AddDate(0, 0, d)
		short += day.Format(time.RFC3339) + ",openai,gpt-4o-mini,1,100000,10000\n"
		short += day.Add(8*time.Hour).Format(time.RFC3339) + ",openai,gpt-4o-mini,1,100000,10000\n"
	}
	a, b := filepath.Join(dir, "long.csv"), filepath.Join(dir, "short.csv")
	os.WriteFile(a, []byte(long), 0o644)
	os.WriteFile(b, []byte(short), 0o644)
	table, _ := pricing.Embedded()
	tr, err := ReadTraffic(context.Background(), []string{a, b}, usage.Options{}, spend.NewTablePricer(table))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range tr.Groups {
		days := g.Months() * DaysPerMonth
		want := map[string]float64{"gpt-4o": 60, "gpt-4o-mini": 14}[g.Model]
		if math.Abs(days-want) > 1e-6 {
			t.Errorf("%s: spread over %.2f days, want %v", g.Model, days, want)
		}
	}
	if len(tr.Assumptions) == 0 || !strings.Contains(strings.Join(tr.Assumptions, "\n"), "different periods") {
		t.Errorf("assumptions %q do not say the periods differ", tr.Assumptions)
	}
}

// An export without request counts gets an assumed request size and does
// not size the context; whole-day rows are spread by the office profile.
func TestReadTrafficCoarse(t *testing.T) {
	path := writeUsage(t,
		"2026-07-01,anthropic,claude-sonnet-4-20250514,support,,1900000,100000",
	)
	tr := readTraffic(t, path)
	g := tr.Groups[0]
	if g.Requests != 1000 {
		t.Errorf("requests %d, want 2,000,000 tokens / %d = 1000", g.Requests, AssumedTokensPerRequest)
	}
	if c := g.ContextPercentile(0.95); c != 0 {
		t.Errorf("context p95 %d from a row of unknown request count", c)
	}
	var night, day int64
	for _, b := range tr.Buckets {
		h := int(b.Start/3600) % 24
		if h < 6 {
			night += b.Requests
		}
		if h >= 9 && h < 17 {
			day += b.Requests
		}
	}
	if day < 5*night || day+night == 0 {
		t.Errorf("requests 9-17 h %d, 0-6 h %d: a whole day is not spread by office hours", day, night)
	}
	if !strings.Contains(strings.Join(tr.Assumptions, "\n"), "count no requests") {
		t.Errorf("assumptions %q", tr.Assumptions)
	}
}

// A row dated a century off is refused by file and line.
func TestReadTrafficFarDate(t *testing.T) {
	path := writeUsage(t,
		"2026-07-01T09:00:00Z,openai,gpt-4o,support,1,1000,100",
		"2100-01-01T09:00:00Z,openai,gpt-4o,support,1,1000,100",
	)
	table, _ := pricing.Embedded()
	_, err := ReadTraffic(context.Background(), []string{path}, usage.Options{}, spend.NewTablePricer(table))
	if err == nil || !strings.Contains(err.Error(), "usage.csv:3: dated 2100-01-01") {
		t.Errorf("ReadTraffic = %v; want the file and line of the 2100 row", err)
	}
}
