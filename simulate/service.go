package simulate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Service says how long a request takes once it holds a slot: its prefill
// seconds (reading the prompt, up to the first token) and its decode seconds
// (writing the output). active is the number of requests in service when this
// one starts, itself included, so active is at least 1.
//
// A Service that gives only times has a request's speed fixed when it
// starts, from the number active then: it is not slowed down when others
// start later nor sped up when they finish. A Service that is also a
// RateService is simulated by processor sharing instead, and its Times is
// not used by Run.
type Service interface {
	Times(r Request, active int) (prefill, decode float64)
}

// RateService is a Service whose requests share their server's speed. Rates
// gives the per-request prefill and decode speeds, in tokens per second,
// with active requests in service on the server (at least 1). Both must be
// positive; +Inf means a phase takes no time.
//
// Run then re-times every request in service on a replica whenever a request
// starts, ends its prefill or leaves there, as a continuous-batching server
// shares its steps: while m of the requests there are reading their prompt,
// each of those works through its remaining prompt tokens at the prefill
// speed with m active, and the requests decoding beside them make no
// progress; while none is, each works through its remaining output tokens at
// the decode speed with the number in service active (processor sharing).
// Its time to first token is its wait plus the time to finish its prefill.
type RateService interface {
	Service
	Rates(active int) (prefillTPS, decodeTPS float64)
}

// FixedService takes the same time for every request.
type FixedService struct {
	Prefill float64 // seconds
	Decode  float64 // seconds
}

// Times returns the fixed prefill and decode seconds.
func (s FixedService) Times(Request, int) (prefill, decode float64) {
	return s.Prefill, s.Decode
}

func (s FixedService) validate() error {
	if !validSeconds(s.Prefill) || !validSeconds(s.Decode) {
		return fmt.Errorf("fixed service %v+%v s: times must be non-negative and finite", s.Prefill, s.Decode)
	}
	return nil
}

// ExponentialService takes an exponentially distributed time with a given
// mean, all of it counted as decode. It exists to check the simulator against
// queueing theory (M/M/c).
type ExponentialService struct {
	mean float64
	rng  *rand.Rand
}

// NewExponentialService returns an ExponentialService with the given mean
// seconds, drawing from a generator seeded with seed.
func NewExponentialService(mean float64, seed uint64) (*ExponentialService, error) {
	if !(mean > 0) || math.IsInf(mean, 0) {
		return nil, fmt.Errorf("mean service %v s: must be positive and finite", mean)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x6a09e667f3bcc909))
	return &ExponentialService{mean: mean, rng: rng}, nil
}

// Times returns no prefill and an exponential decode time.
func (s *ExponentialService) Times(Request, int) (prefill, decode float64) {
	return 0, s.rng.ExpFloat64() * s.mean
}

// CurvePoint is one measurement of a server's aggregate speed with Active
// requests in service at once: the tokens per second summed over all of them.
type CurvePoint struct {
	Active                 int     `json:"active"`
	PrefillTokensPerSecond float64 `json:"prefill_tokens_per_second"`
	DecodeTokensPerSecond  float64 `json:"decode_tokens_per_second"`
}

// CurveService times requests from a measured concurrency curve. With k
// requests active, each one prefills at aggregate prefill(k)/k tokens per
// second and decodes at aggregate decode(k)/k, where the aggregates are
// interpolated linearly between measured points and held flat beyond the
// first and last. It is a RateService, so Run shares the speed among the
// requests in service as their number changes.
type CurveService struct {
	points []CurvePoint
}

// NewCurveService returns a CurveService for the measured points, which need
// not be sorted but must have distinct positive Active counts and positive
// finite speeds.
func NewCurveService(points []CurvePoint) (*CurveService, error) {
	if len(points) == 0 {
		return nil, errors.New("concurrency curve: no points")
	}
	ps := slices.Clone(points)
	slices.SortFunc(ps, func(a, b CurvePoint) int { return a.Active - b.Active })
	for i, p := range ps {
		if err := p.validate(); err != nil {
			return nil, err
		}
		if i > 0 && ps[i-1].Active == p.Active {
			return nil, fmt.Errorf("concurrency curve: two points for %d active", p.Active)
		}
	}
	return &CurveService{points: ps}, nil
}

func (p CurvePoint) validate() error {
	if p.Active < 1 {
		return fmt.Errorf("concurrency curve: active %d: must be at least 1", p.Active)
	}
	if !validRate(p.PrefillTokensPerSecond) || !validRate(p.DecodeTokensPerSecond) {
		return fmt.Errorf("concurrency curve: at %d active: speeds must be positive and finite", p.Active)
	}
	return nil
}

// Times returns the request's prefill and decode seconds at the per-request
// speed with active requests in service.
func (s *CurveService) Times(r Request, active int) (prefill, decode float64) {
	pre, dec := s.Aggregate(active)
	k := float64(max(active, 1))
	return float64(r.PromptTokens) * k / pre, float64(r.OutputTokens) * k / dec
}

// Rates returns the per-request prefill and decode speeds with active
// requests in service: the aggregate speeds divided by active (at least 1).
func (s *CurveService) Rates(active int) (prefillTPS, decodeTPS float64) {
	pre, dec := s.Aggregate(active)
	k := float64(max(active, 1))
	return pre / k, dec / k
}

// Aggregate returns the interpolated aggregate prefill and decode tokens per
// second with active requests in service.
func (s *CurveService) Aggregate(active int) (prefill, decode float64) {
	ps := s.points
	i, _ := slices.BinarySearchFunc(ps, active, func(p CurvePoint, k int) int { return p.Active - k })
	switch {
	case i == 0:
		return ps[0].PrefillTokensPerSecond, ps[0].DecodeTokensPerSecond
	case i == len(ps):
		last := ps[len(ps)-1]
		return last.PrefillTokensPerSecond, last.DecodeTokensPerSecond
	}
	lo, hi := ps[i-1], ps[i]
	f := float64(active-lo.Active) / float64(hi.Active-lo.Active)
	return lerp(lo.PrefillTokensPerSecond, hi.PrefillTokensPerSecond, f),
		lerp(lo.DecodeTokensPerSecond, hi.DecodeTokensPerSecond, f)
}

func lerp(a, b, f float64) float64 { return a + (b-a)*f }

func validSeconds(s float64) bool { return s >= 0 && !math.IsInf(s, 0) }

func validRate(r float64) bool { return r > 0 && !math.IsInf(r, 0) }
