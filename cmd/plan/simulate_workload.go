package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
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

// replayUsage reads the --usage exports and rebuilds their arrivals, in
// order, in seconds since the earliest row. Rows spanning a bucket spread
// their requests uniformly at random within it (seeded), which is how the
// arrivals of a Poisson stream fall given their count; every arrival has the
// row's mean size. All arrivals are held in memory.
//
// It returns the arrivals and the wall-clock time of second 0.
func replayUsage(ctx context.Context, e *env, o *simulateOptions) ([]simulate.Request, time.Time, error) {
	var rows []usageRow
	var total int64
	warn := newWarnings(e)
	stats, err := usage.Read(ctx, o.usage, usage.Options{Format: o.inputFormat, Stdin: e.stdin, Warn: warn.add}, func(r *usage.Record) error {
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
			end = r.Start.Add(o.bucket)
		}
		total += n
		if total > maxReplayRequests {
			return fmt.Errorf("more than %d requests to replay; use a shorter export", maxReplayRequests)
		}
		rows = append(rows, usageRow{
			start: r.Start, end: end, requests: n, model: r.Model,
			prompt: meanTokens(r.InputTokens(), n), output: meanTokens(r.Output, n),
		})
		return nil
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	warn.summary(stats)
	if len(rows) == 0 {
		return nil, time.Time{}, fmt.Errorf("no usage rows to replay in %d files", len(o.usage))
	}
	reqs, origin := arrivalsOf(rows, o.seed)
	from := 0
	if o.hours > 0 {
		reqs, from = busiestHours(reqs, o.hours)
	}
	return reqs, origin.Add(time.Duration(from) * time.Hour), nil
}

// busiestHours keeps the arrivals of the n consecutive hours (counted from
// the start of the replay) with the most arrivals, the earliest such window
// on a tie, shifted to start at 0. It returns them and the window's first
// hour.
func busiestHours(reqs []simulate.Request, n int) ([]simulate.Request, int) {
	if len(reqs) == 0 {
		return reqs, 0
	}
	counts := make([]int, int(reqs[len(reqs)-1].Arrival/3600)+1)
	for _, r := range reqs {
		counts[int(r.Arrival/3600)]++
	}
	best, bestSum, sum := 0, -1, 0
	for i := range counts {
		sum += counts[i]
		if i >= n {
			sum -= counts[i-n]
		}
		if first := max(i-n+1, 0); sum > bestSum {
			best, bestSum = first, sum
		}
	}
	lo, hi := float64(best)*3600, float64(best+n)*3600
	out := reqs[:0]
	for _, r := range reqs {
		if r.Arrival >= lo && r.Arrival < hi {
			r.Arrival -= lo
			out = append(out, r)
		}
	}
	return out, best
}

// maxReplayRequests bounds the arrivals held in memory (about 50 bytes each).
const maxReplayRequests = 50_000_000

func meanTokens(tokens, n int64) int {
	return int(math.Round(float64(tokens) / float64(n)))
}

// arrivalsOf places the requests of rows in time, in seconds since the
// earliest row's start (returned too), and sorts them.
func arrivalsOf(rows []usageRow, seed uint64) ([]simulate.Request, time.Time) {
	origin := rows[0].start
	var n int64
	for _, r := range rows {
		if r.start.Before(origin) {
			origin = r.start
		}
		n += r.requests
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x3c6ef372fe94f82b))
	reqs := make([]simulate.Request, 0, n)
	for _, r := range rows {
		at := r.start.Sub(origin).Seconds()
		span := r.end.Sub(r.start).Seconds()
		for range r.requests {
			t := at
			if span > 0 {
				t += rng.Float64() * span
			}
			reqs = append(reqs, simulate.Request{Arrival: t, PromptTokens: r.prompt, OutputTokens: r.output, Model: r.model})
		}
	}
	slices.SortStableFunc(reqs, func(a, b simulate.Request) int {
		switch {
		case a.Arrival < b.Arrival:
			return -1
		case a.Arrival > b.Arrival:
			return 1
		}
		return 0
	})
	return reqs, origin
}
