package main

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
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
func readReplay(ctx context.Context, e *env, o *simulateOptions) (replay, error) {
	rows, err := readUsageRows(ctx, e, o)
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
	if o.hours > 0 {
		first := busiestHours(newUsageSource(rows, origin, o.seed, 0, math.Inf(1)), o.hours)
		lo = float64(first) * 3600
		hi = lo + float64(o.hours)*3600
		out.start = origin.Add(time.Duration(first) * time.Hour)
	}
	out.source = func() simulate.Source { return newUsageSource(rows, origin, o.seed, lo, hi) }
	return out, nil
}

// readUsageRows reads the usage records of the --usage exports.
func readUsageRows(ctx context.Context, e *env, o *simulateOptions) ([]usageRow, error) {
	var rows []usageRow
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
		rows = append(rows, usageRow{
			start: r.Start, end: end, requests: n, model: r.Model,
			prompt: meanTokens(r.InputTokens(), n), output: meanTokens(r.Output, n),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	warn.summary(stats)
	if len(rows) == 0 {
		return nil, fmt.Errorf("no usage rows to replay in %d files", len(o.usage))
	}
	return rows, nil
}

func meanTokens(tokens, n int64) int {
	return int(math.Round(float64(tokens) / float64(n)))
}

// busiestHours returns the first of the n consecutive hours with the most
// arrivals from src (the earliest on a tie), counting them in one pass.
func busiestHours(src simulate.Source, n int) int {
	var counts []int
	for r, ok := src.Next(); ok; r, ok = src.Next() {
		h := int(r.Arrival / 3600)
		for len(counts) <= h {
			counts = append(counts, 0)
		}
		counts[h]++
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
	return best
}

// usageSource merges the arrivals of every row in time order. Each row
// draws the order statistics of its requests' uniform positions in its
// bucket one at a time, from its own generator seeded by the seed and the
// row's index, so the same seed gives the same arrivals and a second pass
// repeats the first. It gives the arrivals in [lo, hi), moved back by lo.
type usageSource struct {
	cursors cursorHeap
	lo, hi  float64
}

// rowCursor is the next arrival of one row.
type rowCursor struct {
	row      *usageRow
	index    int
	at, span float64 // the bucket, in seconds since the origin
	x        float64 // position of the last arrival in the bucket, in [0, 1)
	left     int64   // arrivals still to come
	next     float64 // time of the next arrival
	rng      *rand.Rand
}

func newUsageSource(rows []usageRow, origin time.Time, seed uint64, lo, hi float64) *usageSource {
	s := &usageSource{lo: lo, hi: hi}
	for i := range rows {
		r := &rows[i]
		c := &rowCursor{
			row: r, index: i, left: r.requests,
			at: r.start.Sub(origin).Seconds(), span: r.end.Sub(r.start).Seconds(),
			rng: rand.New(rand.NewPCG(seed, uint64(i))),
		}
		if c.at+c.span < lo || c.at >= hi {
			continue
		}
		c.advance()
		s.cursors = append(s.cursors, c)
	}
	heap.Init(&s.cursors)
	return s
}

// advance draws the next arrival: the smallest of the left uniform
// positions above x is x + (1-x)(1 - U^(1/left)).
func (c *rowCursor) advance() {
	if c.span > 0 {
		u := 1 - c.rng.Float64() // (0, 1]
		c.x += (1 - c.x) * (1 - math.Pow(u, 1/float64(c.left)))
	}
	c.next = c.at + c.x*c.span
}

func (s *usageSource) Next() (simulate.Request, bool) {
	for len(s.cursors) > 0 {
		c := s.cursors[0]
		t := c.next
		c.left--
		if c.left > 0 {
			c.advance()
			heap.Fix(&s.cursors, 0)
		} else {
			heap.Pop(&s.cursors)
		}
		if t < s.lo || t >= s.hi {
			continue
		}
		r := c.row
		return simulate.Request{Arrival: t - s.lo, PromptTokens: r.prompt, OutputTokens: r.output, Model: r.model}, true
	}
	return simulate.Request{}, false
}

// cursorHeap orders rows by their next arrival, then by their order in the
// exports.
type cursorHeap []*rowCursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	if h[i].next != h[j].next {
		return h[i].next < h[j].next
	}
	return h[i].index < h[j].index
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*rowCursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
