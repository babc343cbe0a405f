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

// usageRows is what a replay keeps of the --usage exports: the rows that
// aggregate requests, and the rows of single requests in a request log,
// whose memory does not grow with their number (simulate.RequestLog).
type usageRows struct {
	rows                   []usageRow
	log                    simulate.RequestLog
	first                  time.Time
	requests, prompt, outp float64 // for the mean request sizes
}

// readReplay reads the --usage exports and returns their arrivals, in
// order, in seconds since the earliest row (whose time it also returns,
// moved to the first hour replayed with --hours). Rows spanning a bucket
// spread their requests uniformly at random within it (seeded), which is how
// the arrivals of a Poisson stream fall given their count; every arrival has
// the row's mean size. Single requests are kept by minute and size class
// (see simulate.RequestLog). Arrivals are generated as the replay goes.
func readReplay(ctx context.Context, o *Options) (replay, error) {
	u, err := readUsageRows(ctx, o)
	if err != nil {
		return replay{}, err
	}
	origin := u.first
	out := replay{start: origin, sizes: requestSizes{u.prompt / u.requests, u.outp / u.requests}}
	bs := buckets(u.rows, origin)
	from := float64(origin.UnixNano()) / 1e9
	source := func(lo, hi float64) simulate.Source {
		return simulate.Merge(simulate.NewBucketSource(bs, o.Seed, lo, hi), u.log.Source(o.Seed, from+lo, from+hi, nil))
	}
	lo, hi := 0.0, math.Inf(1)
	if o.Hours > 0 {
		first := simulate.BusiestHours(source(lo, hi), o.Hours)
		lo = float64(first) * 3600
		hi = lo + float64(o.Hours)*3600
		out.start = origin.Add(time.Duration(first) * time.Hour)
	}
	out.source = func() simulate.Source { return source(lo, hi) }
	return out, nil
}

// readUsageRows reads the usage records of the --usage exports.
func readUsageRows(ctx context.Context, o *Options) (*usageRows, error) {
	o.progress(fmt.Sprintf("reading %d usage files", len(o.Usage)))
	u := &usageRows{}
	var far *usage.Record // the row that ends last
	stats, err := usage.Read(ctx, o.Usage, usage.Options{Format: o.InputFormat, Stdin: o.Stdin, Warn: o.Warn}, func(r *usage.Record) error {
		if r.Kind != usage.KindUsage {
			return nil
		}
		if r.RequestsKnown && r.Requests <= 0 {
			return nil // a row of no requests brings no arrivals
		}
		n := simulate.RowRequests(r)
		start, end, b := simulate.RowBucket(r, n, o.Bucket)
		if u.first.IsZero() || r.Start.Before(u.first) {
			u.first = r.Start
		}
		if far == nil || end.After(far.End) {
			rec := *r
			rec.End = end
			far = &rec
		}
		u.add(r.Model, start, end, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if o.Warned != nil {
		o.Warned(stats)
	}
	if u.requests == 0 {
		return nil, fmt.Errorf("no usage rows to replay in %d files", len(o.Usage))
	}
	if far != nil && far.End.Sub(u.first).Seconds() > simulate.MaxArrival {
		return nil, fmt.Errorf("%s:%d: dated %s, more than ten years after the first row (%s): check the dates of the export",
			far.File, far.Line, far.End.UTC().Format("2006-01-02"), u.first.UTC().Format("2006-01-02"))
	}
	return u, nil
}

// add keeps one row: a single request in the log, any other as a bucket.
func (u *usageRows) add(model string, start, end time.Time, b simulate.Bucket) {
	n := float64(b.Requests)
	u.requests += n
	u.prompt += n * float64(b.PromptTokens)
	u.outp += n * float64(b.OutputTokens)
	if b.Requests == 1 && end.Sub(start) <= time.Minute {
		u.log.Add(model, float64(start.UnixNano())/1e9, b.PromptTokens, b.OutputTokens)
		return
	}
	b.Model = model
	u.rows = append(u.rows, usageRow{start: start, end: end, b: b})
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
