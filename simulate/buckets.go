package simulate

import (
	"container/heap"
	"math"
	"math/rand/v2"
)

// BusiestHours returns the first of the n consecutive hours with the most
// arrivals from src (the earliest on a tie), counting them in one pass.
func BusiestHours(src Source, n int) int {
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

// Bucket is a count of requests known only to have arrived within a span of
// time, such as one row of a usage export: Requests requests arrived in
// [Start, End) seconds, each of PromptTokens and OutputTokens (the row's
// mean). A bucket with End == Start is a request log's single timestamp.
type Bucket struct {
	Start, End   float64
	Requests     int64
	PromptTokens int
	OutputTokens int
	Model        string
}

// BucketSource gives the arrivals of buckets in time order: the requests of
// a bucket fall uniformly at random within it, which is how the arrivals of
// a Poisson stream fall given their count. Each bucket draws the order
// statistics of its requests' positions one at a time, from its own
// generator seeded by the seed and the bucket's index, so the same seed
// gives the same arrivals and a second pass repeats the first; only the
// buckets are held in memory.
type BucketSource struct {
	cursors cursorHeap
	lo, hi  float64
}

// rowCursor is the next arrival of one row.
type rowCursor struct {
	row      *Bucket
	index    int
	at, span float64 // the bucket, in seconds since the origin
	x        float64 // position of the last arrival in the bucket, in [0, 1)
	left     int64   // arrivals still to come
	next     float64 // time of the next arrival
	rng      *rand.Rand
}

// NewBucketSource returns the arrivals of buckets within [lo, hi), moved
// back by lo so that lo is time 0.
func NewBucketSource(buckets []Bucket, seed uint64, lo, hi float64) *BucketSource {
	s := &BucketSource{lo: lo, hi: hi}
	for i := range buckets {
		r := &buckets[i]
		c := &rowCursor{
			row: r, index: i, left: r.Requests,
			at: r.Start, span: r.End - r.Start,
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

// Next returns the next arrival.
func (s *BucketSource) Next() (Request, bool) {
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
		return Request{Arrival: t - s.lo, PromptTokens: r.PromptTokens, OutputTokens: r.OutputTokens, Model: r.Model}, true
	}
	return Request{}, false
}

// cursorHeap orders buckets by their next arrival, then by their order.
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
