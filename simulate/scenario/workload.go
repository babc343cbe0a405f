package scenario

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/plan-cli/plan/pricing/usage"
	"github.com/plan-cli/plan/simulate"
)

// usageRow is what a replay keeps of one usage record: its times and its
// arrivals (simulate.RowBucket).
type usageRow struct {
	start, end time.Time
	b          simulate.Bucket
}

// replay is a workload rebuilt from usage exports.
type replay struct {
	source func() simulate.Source // a fresh pass over the arrivals
	start  time.Time              // the time of second 0
	sizes  requestSizes           // mean request sizes over the rows
}

// readReplay reads the --usage exports and returns their arrivals, in
// order, in seconds since the earliest row (whose time it also returns,
// moved to the first hour replayed with --hours). Rows spanning a bucket
// spread their requests uniformly at random within it (seeded), which is how
// the arrivals of a Poisson stream fall given their count; every arrival has
// the row's mean size. Only the rows are held in memory; their arrivals are
// generated as the replay goes.
func readReplay(ctx context.Context, o *Options) (replay, error) {
	rows, err := readUsageRows(ctx, o)
	if err != nil {
		return replay{}, err
	}
	origin := rows[0].start
	var n, prompt, output float64
	for _, r := range rows {
		if r.start.Before(origin) {
			origin = r.start
		}
		n += float64(r.b.Requests)
		prompt += float64(r.b.Requests) * float64(r.b.PromptTokens)
		output += float64(r.b.Requests) * float64(r.b.OutputTokens)
	}
	out := replay{start: origin, sizes: requestSizes{prompt / n, output / n}}
	lo, hi := 0.0, math.Inf(1)
	if o.Hours > 0 {
		first := simulate.BusiestHours(simulate.NewBucketSource(buckets(rows, origin), o.Seed, 0, math.Inf(1)), o.Hours)
		lo = float64(first) * 3600
		hi = lo + float64(o.Hours)*3600
		out.start = origin.Add(time.Duration(first) * time.Hour)
	}
	bs := buckets(rows, origin)
	out.source = func() simulate.Source { return simulate.NewBucketSource(bs, o.Seed, lo, hi) }
	return out, nil
}

// readUsageRows reads the usage records of the --usage exports.
func readUsageRows(ctx context.Context, o *Options) ([]usageRow, error) {
	o.progress(fmt.Sprintf("reading %d usage files", len(o.Usage)))
	var rows []usageRow
	var first time.Time
	var far *usage.Record // the row that ends last
	stats, err := usage.Read(ctx, o.Usage, usage.Options{Format: o.InputFormat, Stdin: o.Stdin, Warn: o.Warn}, func(r *usage.Record) error {
		if r.Kind != usage.KindUsage {
			return nil
		}
		if r.RequestsKnown && r.Requests <= 0 {
			return nil // a row of no requests brings no arrivals
		}
		start, end, b := simulate.RowBucket(r, simulate.RowRequests(r), o.Bucket)
		if first.IsZero() || r.Start.Before(first) {
			first = r.Start
		}
		if far == nil || end.After(far.End) {
			rec := *r
			rec.End = end
			far = &rec
		}
		b.Model = r.Model
		rows = append(rows, usageRow{start: start, end: end, b: b})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if o.Warned != nil {
		o.Warned(stats)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no usage rows to replay in %d files", len(o.Usage))
	}
	if far != nil && far.End.Sub(first).Seconds() > simulate.MaxArrival {
		return nil, fmt.Errorf("%s:%d: dated %s, more than ten years after the first row (%s): check the dates of the export",
			far.File, far.Line, far.End.UTC().Format("2006-01-02"), first.UTC().Format("2006-01-02"))
	}
	return rows, nil
}

// buckets turns usage rows into simulate buckets in seconds since origin.
func buckets(rows []usageRow, origin time.Time) []simulate.Bucket {
	out := make([]simulate.Bucket, len(rows))
	for i, r := range rows {
		out[i] = r.b
		out[i].Start, out[i].End = r.start.Sub(origin).Seconds(), r.end.Sub(origin).Seconds()
	}
	return out
}
