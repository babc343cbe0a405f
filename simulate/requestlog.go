package simulate

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// RequestLog keeps the requests of per-request usage logs compactly, in
// memory that grows with the hours and models they cover, not with the
// requests: for each model and hour, how many requests arrived in each
// minute, and how many of them fell in each size class (SizeClass), with
// their prompt and output tokens summed. A replay draws the requests of an
// hour when it reaches it: each minute's requests at uniformly random
// times within the minute, their sizes the hour's classes shuffled among
// them, each request the mean of its class.
type RequestLog struct {
	index map[arrivalKey]int
	hours []*hourArrivals
}

type arrivalKey struct {
	model string
	hour  int
}

// hourArrivals is one model's requests in one hour.
type hourArrivals struct {
	model   string
	hour    int
	minutes [60]uint32
	classes []classCount
}

// classCount is the requests of one size class and their tokens.
type classCount struct {
	class          int
	n              int64
	prompt, output int64
}

// SizeClass is the size class of a request of so many tokens (prompt and
// output): classes grow by 2^(1/8), about 9% apart, so a class's mean is
// within about 5% of each of its requests.
func SizeClass(tokens int) int {
	if tokens <= 1 {
		return 0
	}
	return 1 + int(math.Floor(8*math.Log2(float64(tokens))))
}

// Add counts one request of a model arriving at the time (seconds since the
// origin, at least 0).
func (a *RequestLog) Add(model string, at float64, prompt, output int) {
	hour := int(at / 3600)
	if a.index == nil {
		a.index = map[arrivalKey]int{}
	}
	k := arrivalKey{model, hour}
	i, ok := a.index[k]
	if !ok {
		i = len(a.hours)
		a.index[k] = i
		a.hours = append(a.hours, &hourArrivals{model: model, hour: hour})
	}
	h := a.hours[i]
	h.minutes[min(59, int(at-float64(hour)*3600)/60)]++
	c := SizeClass(prompt + output)
	j, found := slices.BinarySearchFunc(h.classes, c, func(x classCount, c int) int { return cmp.Compare(x.class, c) })
	if !found {
		h.classes = slices.Insert(h.classes, j, classCount{class: c})
	}
	h.classes[j].n++
	h.classes[j].prompt += int64(prompt)
	h.classes[j].output += int64(output)
}

// Len is the number of model-hours held.
func (a *RequestLog) Len() int { return len(a.hours) }

// Requests is the number of requests held.
func (a *RequestLog) Requests() int64 {
	var n int64
	for _, h := range a.hours {
		for _, c := range h.classes {
			n += c.n
		}
	}
	return n
}

// sorted orders the model-hours by hour, then model; Add after it keeps
// working.
func (a *RequestLog) sorted() []*hourArrivals {
	hs := slices.Clone(a.hours)
	slices.SortFunc(hs, func(x, y *hourArrivals) int {
		return cmp.Or(cmp.Compare(x.hour, y.hour), cmp.Compare(x.model, y.model))
	})
	return hs
}

// Source returns the arrivals within [lo, hi) seconds, moved back by lo,
// of the requests keep accepts (by model and the mean size of their
// class). The same seed gives the same arrivals.
func (a *RequestLog) Source(seed uint64, lo, hi float64, keep func(model string, prompt, output int) bool) *LogSource {
	return &LogSource{hours: a.sorted(), seed: seed, lo: lo, hi: hi, keep: keep}
}

// LogSource draws the requests of RequestLog an hour at a time.
type LogSource struct {
	hours  []*hourArrivals
	next   int
	seed   uint64
	lo, hi float64
	keep   func(model string, prompt, output int) bool
	batch  []Request
	pos    int
}

// Next returns the next arrival.
func (s *LogSource) Next() (Request, bool) {
	for s.pos >= len(s.batch) {
		if !s.fill() {
			return Request{}, false
		}
	}
	r := s.batch[s.pos]
	s.pos++
	return r, true
}

// fill draws the requests of the next hour that has any in [lo, hi).
func (s *LogSource) fill() bool {
	s.batch, s.pos = s.batch[:0], 0
	for s.next < len(s.hours) && len(s.batch) == 0 {
		hour := s.hours[s.next].hour
		start := float64(hour) * 3600
		if start >= s.hi {
			return false
		}
		rng := rand.New(rand.NewPCG(s.seed, uint64(hour)))
		for ; s.next < len(s.hours) && s.hours[s.next].hour == hour; s.next++ {
			s.batch = s.hours[s.next].draw(s.batch, rng, start, s.keep)
		}
		kept := s.batch[:0]
		for _, r := range s.batch {
			if r.Arrival >= s.lo && r.Arrival < s.hi {
				r.Arrival -= s.lo
				kept = append(kept, r)
			}
		}
		s.batch = kept
		slices.SortStableFunc(s.batch, func(x, y Request) int { return cmp.Compare(x.Arrival, y.Arrival) })
	}
	return len(s.batch) > 0
}

// draw appends the hour's requests: each minute's at random times within
// it, with the hour's size classes shuffled among them.
func (h *hourArrivals) draw(out []Request, rng *rand.Rand, start float64, keep func(string, int, int) bool) []Request {
	var sizes []int // class index of each request, in a random order
	for i, c := range h.classes {
		for range c.n {
			sizes = append(sizes, i)
		}
	}
	rng.Shuffle(len(sizes), func(i, j int) { sizes[i], sizes[j] = sizes[j], sizes[i] })
	k := 0
	for m, n := range h.minutes {
		for range n {
			c := h.classes[sizes[k]]
			k++
			p, o := int(math.Round(float64(c.prompt)/float64(c.n))), int(math.Round(float64(c.output)/float64(c.n)))
			at := start + 60*(float64(m)+rng.Float64())
			if keep == nil || keep(h.model, p, o) {
				out = append(out, Request{Arrival: at, PromptTokens: p, OutputTokens: o, Model: h.model})
			}
		}
	}
	return out
}

// Merge gives the arrivals of two sources in time order (a's first on a
// tie).
func Merge(a, b Source) Source { return &mergeSource{a: a, b: b} }

type mergeSource struct {
	a, b     Source
	ra, rb   Request
	okA, okB bool
	started  bool
}

func (m *mergeSource) Next() (Request, bool) {
	if !m.started {
		m.ra, m.okA = m.a.Next()
		m.rb, m.okB = m.b.Next()
		m.started = true
	}
	switch {
	case m.okA && (!m.okB || m.ra.Arrival <= m.rb.Arrival):
		r := m.ra
		m.ra, m.okA = m.a.Next()
		return r, true
	case m.okB:
		r := m.rb
		m.rb, m.okB = m.b.Next()
		return r, true
	}
	return Request{}, false
}
