package simulate

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// RequestLog keeps the requests of per-request usage logs compactly, in
// memory that grows with the days and models they cover, not with the
// requests: for each model and UTC day, how many requests arrived in each
// minute, and how many of each hour's fell in each size class (SizeClass of
// the prompt and of the output). A replay draws the requests of a day when
// it reaches it: each minute's requests at uniformly random times within
// the minute, their sizes the hour's classes shuffled among them, each
// request the middle of its classes (within 4.4% of its size).
type RequestLog struct {
	index map[arrivalKey]int
	days  []*dayArrivals
}

type arrivalKey struct {
	model string
	day   int
}

// minutesPerDay is the minutes of a day.
const minutesPerDay = 1440

// dayArrivals is one model's requests in one day: per minute, and per hour
// and size class. A minute holds at most 65,535 requests of a model (1,092
// a second); more are counted in the next minute of the hour that has
// room.
type dayArrivals struct {
	model   string
	day     int
	minutes [minutesPerDay]uint16
	hours   [24][]hourClass
}

// hourClass counts an hour's requests of one size class (a class may take
// several entries when it has more than 65,535).
type hourClass struct {
	class uint16
	n     uint16
}

// sizeClasses packs the size classes of a request's prompt and of its
// output (SizeClass) in one number: the split between the two sets how
// long the request reads and how long it decodes.
func sizeClasses(prompt, output int) uint16 {
	return uint16(SizeClass(prompt))<<8 | uint16(SizeClass(output))
}

// classTokens is the prompt and output of the middle of a request's size
// classes.
func classTokens(c uint16) (prompt, output int) {
	return classMiddle(int(c >> 8)), classMiddle(int(c & 0xff))
}

// classMiddle is the geometric middle of a size class: within 4.4% of
// every size in it.
func classMiddle(class int) int {
	if class == 0 {
		return 0
	}
	return int(math.Round(math.Exp2((float64(class) - 0.5) / 8)))
}

// SizeClass is the size class of so many tokens: 0 for none, then classes
// that grow by 2^(1/8), about 9% apart, so a class's middle is within 4.4%
// of each of its members (161 classes reach a million tokens; the last,
// 255, holds everything beyond 3.7 billion).
func SizeClass(tokens int) int {
	if tokens <= 0 {
		return 0
	}
	return min(255, 1+int(math.Floor(8*math.Log2(float64(tokens)))))
}

// Add counts one request of a model arriving at the time (seconds since the
// origin, at least 0).
func (a *RequestLog) Add(model string, at float64, prompt, output int) {
	day := int(at / 86400)
	if a.index == nil {
		a.index = map[arrivalKey]int{}
	}
	k := arrivalKey{model, day}
	i, ok := a.index[k]
	if !ok {
		i = len(a.days)
		a.index[k] = i
		a.days = append(a.days, &dayArrivals{model: model, day: day})
	}
	d := a.days[i]
	m := min(minutesPerDay-1, int(at-float64(day)*86400)/60)
	for m%60 < 59 && d.minutes[m] == math.MaxUint16 {
		m++
	}
	if d.minutes[m] < math.MaxUint16 {
		d.minutes[m]++
	}
	d.countHour(m/60, sizeClasses(prompt, output))
}

// countHour counts a request of the class in the hour.
func (d *dayArrivals) countHour(h int, c uint16) {
	for i, e := range d.hours[h] {
		if e.class == c && e.n < math.MaxUint16 {
			d.hours[h][i].n++
			return
		}
	}
	d.hours[h] = append(d.hours[h], hourClass{class: c, n: 1})
}

// Len is the number of model-days held.
func (a *RequestLog) Len() int { return len(a.days) }

// Requests is the number of requests held.
func (a *RequestLog) Requests() int64 {
	var n int64
	for _, d := range a.days {
		for _, hour := range d.hours {
			for _, c := range hour {
				n += int64(c.n)
			}
		}
	}
	return n
}

// sorted orders the model-days by day, then model; Add after it keeps
// working.
func (a *RequestLog) sorted() []*dayArrivals {
	ds := slices.Clone(a.days)
	slices.SortFunc(ds, func(x, y *dayArrivals) int {
		return cmp.Or(cmp.Compare(x.day, y.day), cmp.Compare(x.model, y.model))
	})
	return ds
}

// Source returns the arrivals within [lo, hi) seconds, moved back by lo,
// of the requests keep accepts (by model and the mean size of their
// class). The same seed gives the same arrivals.
func (a *RequestLog) Source(seed uint64, lo, hi float64, keep func(model string, prompt, output int) bool) *LogSource {
	return &LogSource{days: a.sorted(), seed: seed, lo: lo, hi: hi, keep: keep}
}

// LogSource draws the requests of RequestLog a day at a time.
type LogSource struct {
	days   []*dayArrivals
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

// fill draws the requests of the next day that has any in [lo, hi).
func (s *LogSource) fill() bool {
	s.batch, s.pos = s.batch[:0], 0
	for s.next < len(s.days) && len(s.batch) == 0 {
		day := s.days[s.next].day
		start := float64(day) * 86400
		if start >= s.hi {
			return false
		}
		rng := rand.New(rand.NewPCG(s.seed, uint64(day)))
		for ; s.next < len(s.days) && s.days[s.next].day == day; s.next++ {
			if start+86400 > s.lo {
				s.batch = s.days[s.next].draw(s.batch, rng, start, s.lo, s.hi, s.keep)
			}
		}
		for i := range s.batch {
			s.batch[i].Arrival -= s.lo
		}
		slices.SortStableFunc(s.batch, func(x, y Request) int { return cmp.Compare(x.Arrival, y.Arrival) })
	}
	return len(s.batch) > 0
}

// draw appends the day's requests within [lo, hi): each minute's at random
// times within it, with the hour's size classes shuffled among them, each
// the middle of its classes.
func (d *dayArrivals) draw(out []Request, rng *rand.Rand, start, lo, hi float64, keep func(string, int, int) bool) []Request {
	var sizes []uint16 // the classes of each request of the hour, in a random order
	for h, classes := range d.hours {
		sizes = sizes[:0]
		for _, c := range classes {
			for range c.n {
				sizes = append(sizes, c.class)
			}
		}
		rng.Shuffle(len(sizes), func(i, j int) { sizes[i], sizes[j] = sizes[j], sizes[i] })
		k := 0
		for m := h * 60; m < h*60+60; m++ {
			for range d.minutes[m] {
				if k == len(sizes) {
					break
				}
				c := sizes[k]
				k++
				at := start + 60*(float64(m)+rng.Float64())
				if at < lo || at >= hi {
					continue
				}
				p, o := classTokens(c)
				if keep == nil || keep(d.model, p, o) {
					out = append(out, Request{Arrival: at, PromptTokens: p, OutputTokens: o, Model: d.model})
				}
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
