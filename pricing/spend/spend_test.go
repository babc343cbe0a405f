package spend

import (
	"math"
	"testing"
	"time"

	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/pricing/usage"
)

// flatPricer prices every known model at $1 per 1M input and $2 per 1M output tokens.
type flatPricer map[string]string // exported name → canonical

func (f flatPricer) Price(r *usage.Record) (Priced, bool) {
	c, ok := f[r.Model]
	if !ok {
		return Priced{Model: r.Model}, false
	}
	return Priced{Model: c, CostUSD: float64(r.InputTokens())*1e-6 + float64(r.Output)*2e-6}, true
}

var t0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday

func rec(model string, start time.Time, width time.Duration, requests, uncached, cached, output int64) *usage.Record {
	return &usage.Record{Kind: usage.KindUsage, Model: model, Provider: "openai", Start: start, End: start.Add(width),
		Requests: requests, RequestsKnown: true, InputUncached: uncached, CacheRead: cached, Output: output, Project: "proj_secret"}
}

func TestTotalsAndModels(t *testing.T) {
	a := New("model", false, flatPricer{"gpt-4o-2024-08-06": "gpt-4o", "gpt-4o": "gpt-4o"})
	a.Add(rec("gpt-4o-2024-08-06", t0, time.Hour, 10, 9000, 1000, 2000))
	a.Add(rec("gpt-4o", t0.Add(time.Hour), time.Hour, 30, 20000, 0, 4000))
	a.Add(rec("mystery-1", t0, time.Hour, 5, 100, 0, 50))
	s := a.Summary()
	if s.TotalInputTokens != 30100 || s.TotalCachedInputTokens != 1000 || s.TotalOutputTokens != 6050 || s.TotalRequests != 45 {
		t.Errorf("totals = %+v", s)
	}
	// By hand: (10000+20000)/1e6 × $1 + (2000+4000)/1e6 × $2 = 0.03 + 0.012.
	if want := 0.042; math.Abs(s.TotalCostUSD-want) > 1e-12 {
		t.Errorf("total cost = %v; want %v (the unpriced model left out)", s.TotalCostUSD, want)
	}
	m := s.ByModel[0]
	if m.Model != "gpt-4o" || m.Requests != 40 || m.MeanInput != 30000.0/40 || m.MeanOutput != 150 || len(m.Exported) != 2 {
		t.Errorf("gpt-4o row = %+v", m)
	}
	if math.Abs(m.CacheHit-1000.0/30000) > 1e-12 {
		t.Errorf("cache hit share = %v; want 1/30", m.CacheHit)
	}
	if len(s.Unpriced) != 1 || s.Unpriced[0].Model != "mystery-1" || s.Unpriced[0].Tokens.Output != 50 {
		t.Errorf("unpriced = %+v; want mystery-1 with its tokens", s.Unpriced)
	}
}

func TestLoadShapeHourly(t *testing.T) {
	a := New("month", false, flatPricer{"m": "m"})
	// Two weeks of hourly buckets; Tuesdays at 14:00 are busy.
	for h := 0; h < 14*24; h++ {
		start := t0.Add(time.Duration(h) * time.Hour)
		n := int64(1)
		if start.Weekday() == time.Tuesday && start.Hour() == 14 {
			n = 100 + int64(h/168) // the second week's is the busiest hour
		}
		a.Add(rec("m", start, time.Hour, n, 10*n, 0, n))
	}
	l := a.Summary().Load
	if l.Granularity != "1h" || l.BusiestHour == nil {
		t.Fatalf("load = %+v; want hourly granularity and a busiest hour", l)
	}
	if want := t0.Add(8*24*time.Hour + 14*time.Hour); !l.BusiestHour.Start.Equal(want) || l.BusiestHour.Requests != 101 {
		t.Errorf("busiest hour = %+v; want %v with 101 requests", l.BusiestHour, want)
	}
	tue14 := l.HourOfWeek[24+14]
	if tue14.Day != "Tue" || tue14.Hour != 14 || tue14.MeanRequests != 100.5 {
		t.Errorf("Tue 14:00 = %+v; want mean 100.5 requests", tue14)
	}
	if mon0 := l.HourOfWeek[0]; mon0.Day != "Mon" || mon0.MeanRequests != 1 {
		t.Errorf("Mon 00:00 = %+v; want mean 1", mon0)
	}
}

func TestLoadShapeDailyHasNoHours(t *testing.T) {
	a := New("day", false, flatPricer{"m": "m"})
	a.Add(rec("m", t0, 24*time.Hour, 5, 10, 0, 1))
	a.Add(rec("m", t0.Add(24*time.Hour), 24*time.Hour, 9, 10, 0, 1))
	l := a.Summary().Load
	if l.Granularity != "1d" || l.BusiestHour != nil || l.HourOfWeek != nil || l.BusiestDay.Requests != 9 {
		t.Errorf("load = %+v; want daily granularity, no hours, busiest day with 9 requests", l)
	}
}

func TestCostExportComparedPerDay(t *testing.T) {
	a := New("day", false, flatPricer{"m": "m"})
	a.Add(rec("m", t0, 24*time.Hour, 1, 1_000_000, 0, 0)) // computed $1
	a.Add(&usage.Record{Kind: usage.KindCost, Start: t0, End: t0.Add(24 * time.Hour), ReportedCostUSD: 1.25, CostKnown: true})
	days := a.Summary().Days
	if len(days) != 1 || days[0].ReportedUSD != 1.25 || days[0].ComputedUSD != 1 || days[0].DifferenceUSD != 0.25 {
		t.Errorf("days = %+v; want reported 1.25, computed 1, difference 0.25", days)
	}
}

func TestRedactProjects(t *testing.T) {
	a := New("project", true, flatPricer{"m": "m"})
	a.Add(rec("m", t0, time.Hour, 1, 1, 0, 1))
	if g := a.Summary().Groups; len(g) != 1 || g[0].Key != "project-1" {
		t.Errorf("groups = %+v; want the project hidden as project-1", g)
	}
}

func TestAsyncMatchesAdd(t *testing.T) {
	p := flatPricer{"m": "m", "n": "n"}
	sync, async := New("day", false, p), New("day", false, p)
	add, wait := async.Async()
	for i := 0; i < 2000; i++ {
		r := rec([]string{"m", "n"}[i%2], t0.Add(time.Duration(i)*time.Minute), 0, 1, int64(i), 0, 7)
		sync.Add(r)
		if err := add(r); err != nil {
			t.Fatal(err)
		}
	}
	wait()
	a, b := sync.Summary(), async.Summary()
	if a.TotalCostUSD != b.TotalCostUSD || a.TotalInputTokens != b.TotalInputTokens || len(a.Groups) != len(b.Groups) || a.Records != 2000 {
		t.Errorf("async summary %+v differs from sync %+v", b, a)
	}
}

func TestTablePricerBatchAndNoModel(t *testing.T) {
	table, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tp := NewTablePricer(table)
	// claude-sonnet-4 has no batch prices in the table: half of 1M × $3e-6.
	r := rec("claude-sonnet-4-20250514", t0, 24*time.Hour, 10, 1_000_000, 0, 0)
	r.Batch = true
	p, ok := tp.Price(r)
	if !ok || math.Abs(p.CostUSD-1.5) > 1e-9 || p.Note == "" {
		t.Errorf("batch price = %+v, %v; want $1.50 with a note", p, ok)
	}
	// gpt-4o has batch prices of its own: 1M × $1.25e-6.
	r = rec("gpt-4o", t0, 24*time.Hour, 10, 1_000_000, 0, 0)
	r.Batch = true
	if p, ok := tp.Price(r); !ok || math.Abs(p.CostUSD-1.25) > 1e-9 {
		t.Errorf("gpt-4o batch = %+v; want $1.25", p)
	}
	if p, ok := tp.Price(rec("", t0, time.Hour, 1, 1, 0, 1)); ok || p.Model != NoModel {
		t.Errorf("nameless row = %+v, %v; want unpriced %q", p, ok, NoModel)
	}
}

func TestPerRequestRowsAreNotBuckets(t *testing.T) {
	a := New("day", false, flatPricer{"m": "m"})
	r := rec("m", t0, 90*time.Second, 1, 10, 0, 1) // a 90-second request
	r.Format = usage.FormatLiteLLMSpendCSV
	a.Add(r)
	if g := a.Summary().Load.Granularity; g != "per request" {
		t.Errorf("granularity = %q; want per request", g)
	}
}
