package scenario

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/plan-cli/plan/pricing/usage"
	"github.com/plan-cli/plan/simulate"
)

// usageRow is what a replay keeps of one usage record.
type usageRow struct {
	start, end time.Time
	requests   int64
	prompt     int
	output     int
	model      string
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
		n += float64(r.requests)
		prompt += float64(r.requests) * float64(r.prompt)
		output += float64(r.requests) * float64(r.output)
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
	var rows []usageRow
	var first time.Time
	var far *usage.Record // the row that ends last
	stats, err := usage.Read(ctx, o.Usage, usage.Options{Format: o.InputFormat, Stdin: o.Stdin, Warn: o.Warn}, func(r *usage.Record) error {
		if r.Kind != usage.KindUsage {
			return nil
		}
		n := r.Requests
		if !r.RequestsKnown {
			n = 1
		}
		if n <= 0 {
			return nil
		}
		end := r.End
		if !end.After(r.Start) && n > 1 {
			end = r.Start.Add(o.Bucket)
		}
		if first.IsZero() || r.Start.Before(first) {
			first = r.Start
		}
		if far == nil || end.After(far.End) {
			rec := *r
			rec.End = end
			far = &rec
		}
		rows = append(rows, usageRow{
			start: r.Start, end: end, requests: n, model: r.Model,
			prompt: meanTokens(r.InputTokens(), n), output: meanTokens(r.Output, n),
		})
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

func meanTokens(tokens, n int64) int {
	return int(math.Round(float64(tokens) / float64(n)))
}

// buckets turns usage rows into simulate buckets in seconds since origin.
func buckets(rows []usageRow, origin time.Time) []simulate.Bucket {
	out := make([]simulate.Bucket, len(rows))
	for i, r := range rows {
		out[i] = simulate.Bucket{
			Start: r.start.Sub(origin).Seconds(), End: r.end.Sub(origin).Seconds(), Requests: r.requests,
			PromptTokens: r.prompt, OutputTokens: r.output, Model: r.model,
		}
	}
	return out
}
