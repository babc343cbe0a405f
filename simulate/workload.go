package simulate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Request is one call to the model server.
type Request struct {
	Arrival      float64 // seconds since the start of the run
	PromptTokens int
	OutputTokens int
	Model        string
}

// Source yields requests in order of arrival. Next returns false when there
// are no more requests.
type Source interface {
	Next() (Request, bool)
}

// SliceSource is a Source over requests held in memory, already in order of
// arrival.
type SliceSource struct {
	reqs []Request
	i    int
}

// NewSliceSource returns a Source that yields reqs in order.
func NewSliceSource(reqs []Request) *SliceSource {
	return &SliceSource{reqs: reqs}
}

// Next returns the next request.
func (s *SliceSource) Next() (Request, bool) {
	if s.i >= len(s.reqs) {
		return Request{}, false
	}
	s.i++
	return s.reqs[s.i-1], true
}

// Arrivals describes a synthetic workload: requests arriving at Rate per
// second for Duration seconds, each with the same token counts and model.
//
// Gaps between arrivals are drawn from a gamma distribution with shape Shape
// and mean 1/Rate. Shape 1 (or 0, the default) gives Poisson arrivals
// (exponential gaps); a shape below 1 makes traffic burstier, above 1 more
// regular. The same Seed always gives the same requests.
//
// Hourly, when set, makes the rate follow the hours of the day: 24 weights
// for the hours 0 to 23 (time 0 is midnight), scaled to a mean of 1, so that
// the rate during hour h is Rate x weight(h) and the mean over a day is Rate.
// The gaps are drawn as above in operational time, which runs weight(h)
// times faster than clock time during hour h (a time change that turns a
// renewal process into one with that intensity).
type Arrivals struct {
	Rate         float64 // requests per second
	Duration     float64 // seconds
	Shape        float64 // gamma shape of the gaps; 0 means 1 (Poisson)
	Hourly       []float64
	Seed         uint64
	PromptTokens int
	OutputTokens int
	Model        string
}

func (a Arrivals) validate() error {
	switch {
	case !(a.Rate > 0) || math.IsInf(a.Rate, 0):
		return fmt.Errorf("arrival rate %v: must be positive and finite", a.Rate)
	case !(a.Duration >= 0) || math.IsInf(a.Duration, 0):
		return fmt.Errorf("duration %v: must be non-negative and finite", a.Duration)
	case !(a.Shape >= 0) || math.IsInf(a.Shape, 0):
		return fmt.Errorf("gamma shape %v: must be non-negative and finite", a.Shape)
	case a.PromptTokens < 0 || a.OutputTokens < 0:
		return errors.New("token counts must not be negative")
	}
	return validHourly(a.Hourly)
}

func validHourly(w []float64) error {
	if w == nil {
		return nil
	}
	if len(w) != 24 {
		return fmt.Errorf("daily profile: %d hourly weights, want 24", len(w))
	}
	sum := 0.0
	for h, v := range w {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("daily profile: hour %d weight %v: must be non-negative and finite", h, v)
		}
		sum += v
	}
	if sum == 0 {
		return errors.New("daily profile: every hour has weight 0")
	}
	return nil
}

// DailyProfiles are named daily profiles for Arrivals.Hourly: "office" is
// traffic that follows a working day (quiet at night, peaks from 9 to 17
// with a dip at noon), twice the daily mean at its peak; "flat" is none.
var DailyProfiles = map[string][]float64{
	"office": {
		0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 1.2, 2.2, 2.4, 2.4,
		1.6, 2.2, 2.4, 2.4, 2.2, 1.4, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2,
	},
	"flat": nil,
}

// NormalizeHourly returns daily-profile weights scaled to a mean of 1, as
// the generator uses them; nil stays nil.
func NormalizeHourly(w []float64) []float64 {
	if w == nil {
		return nil
	}
	sum := 0.0
	for _, v := range w {
		sum += v
	}
	out := make([]float64, len(w))
	for i, v := range w {
		out[i] = v * float64(len(w)) / sum
	}
	return out
}

// Generator is a Source of synthetic requests described by Arrivals. It holds
// one request at a time, so a month of traffic needs no memory.
type Generator struct {
	a   Arrivals
	rng *rand.Rand
	t   float64
	// With a daily profile: operational time u, and the hour holding it
	// with the operational time at its start.
	u, hourStart float64
	hour         int
}

// NewGenerator returns a Generator for a, or an error if a is invalid.
func NewGenerator(a Arrivals) (*Generator, error) {
	if err := a.validate(); err != nil {
		return nil, err
	}
	if a.Shape == 0 {
		a.Shape = 1
	}
	a.Hourly = NormalizeHourly(a.Hourly)
	rng := rand.New(rand.NewPCG(a.Seed, a.Seed^0x9e3779b97f4a7c15))
	return &Generator{a: a, rng: rng}, nil
}

// Next returns the next request, or false once Duration has passed.
func (g *Generator) Next() (Request, bool) {
	if g.a.Hourly == nil {
		g.t += g.gap()
	} else {
		g.u += g.gap()
		g.t = g.clock()
	}
	if g.t >= g.a.Duration {
		return Request{}, false
	}
	return Request{
		Arrival:      g.t,
		PromptTokens: g.a.PromptTokens,
		OutputTokens: g.a.OutputTokens,
		Model:        g.a.Model,
	}, true
}

// clock converts operational time g.u to clock time, walking forward over
// the hours; an hour of weight w holds 3600 w seconds of operational time.
func (g *Generator) clock() float64 {
	for {
		w := g.a.Hourly[g.hour%24]
		if g.u < g.hourStart+w*3600 {
			return float64(g.hour)*3600 + (g.u-g.hourStart)/w
		}
		g.hourStart += w * 3600
		g.hour++
		if float64(g.hour)*3600 >= g.a.Duration {
			return g.a.Duration
		}
	}
}

func (g *Generator) gap() float64 {
	if g.a.Shape == 1 {
		return g.rng.ExpFloat64() / g.a.Rate
	}
	scale := 1 / (g.a.Rate * g.a.Shape)
	return gamma(g.rng, g.a.Shape) * scale
}

// Generate returns all the requests described by a.
func Generate(a Arrivals) ([]Request, error) {
	g, err := NewGenerator(a)
	if err != nil {
		return nil, err
	}
	var reqs []Request
	for r, ok := g.Next(); ok; r, ok = g.Next() {
		reqs = append(reqs, r)
	}
	return reqs, nil
}

// gamma draws from a gamma distribution with the given shape and scale 1,
// by the method of Marsaglia and Tsang (2000). Shapes below 1 use the boost
// gamma(k) = gamma(k+1)·U^(1/k).
func gamma(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		u := 1 - rng.Float64() // (0, 1]
		return gamma(rng, shape+1) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
