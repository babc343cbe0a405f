package planner

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	if months := tr.Months(); math.Abs(months-(2+1.0/24)/DaysPerMonth) > 1e-9 {
		t.Errorf("months %v", months)
	}
	var n int64
	for _, b := range tr.Buckets {
		n += b.Requests
		if b.Start < 0 || b.End < b.Start {
			t.Errorf("bucket %+v", b)
		}
	}
	if n != 116 {
		t.Errorf("%d requests in buckets, want 116", n)
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
