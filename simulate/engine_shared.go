package simulate

import (
	"fmt"
	"math"
)

// Processor sharing. With a RateService, every request in service on a
// replica works through its remaining prompt tokens at the per-request
// prefill speed with the replica's current number of requests in service,
// then through its output tokens at the decode speed. Each request keeps
// the time its current phase would end at the current speeds; whenever the
// number in service changes, the engine scales the time left of each
// request by old speed / new speed, which is the same as recounting its
// tokens left. A replica's next event is the earliest of those ends.

// job is a request in service on a replica, with rates.
type job struct {
	arrival  float64 // seconds
	start    float64 // seconds, when it took its slot
	end      float64 // when its current phase ends at the current speeds
	output   int     // output tokens
	left     int     // tokens of a phase begun but not yet timed
	decoding bool    // past the first token
	pending  bool    // its phase began at the last event and awaits a time
}

// join puts a request into service on replica i at time t and re-times the
// requests there.
func (e *engine) join(r Request, t float64, i int) error {
	e.enter(r, t, i)
	return e.retime(i, t)
}

// enter puts a request into service on replica i at time t, its prefill
// not yet timed.
func (e *engine) enter(r Request, t float64, i int) {
	e.occupy(i, t)
	e.admit(r, t)
	rep := &e.reps[i]
	rep.jobs = append(rep.jobs, job{
		arrival: r.Arrival, start: t, end: math.Inf(1),
		output: r.OutputTokens, left: r.PromptTokens, pending: true,
	})
}

// advance handles replica i's event at time t: requests whose prefill ends
// go on to decode, requests whose decode ends leave, waiting requests take
// the slots freed, and the requests there are re-timed.
func (e *engine) advance(i int, t float64) error {
	rep := &e.reps[i]
	for j := 0; j < len(rep.jobs); {
		jb := &rep.jobs[j]
		switch {
		case jb.end > t:
			j++
		case !jb.decoding:
			if jb.arrival >= e.cfg.WarmUp {
				e.ttft.add(t - jb.arrival)
			}
			jb.decoding, jb.pending, jb.left, jb.end = true, true, jb.output, math.Inf(1)
			j++
		default:
			e.complete(jb, t)
			last := len(rep.jobs) - 1
			rep.jobs[j] = rep.jobs[last]
			rep.jobs = rep.jobs[:last]
			e.release(i, t)
		}
	}
	for rep.busy < e.cfg.Slots && rep.queue.len() > 0 {
		e.enter(rep.queue.pop(), t, i)
	}
	return e.retime(i, t)
}

// complete counts a request leaving service at time t.
func (e *engine) complete(jb *job, t float64) {
	e.timed++
	e.serviceTotal += t - jb.start
	e.lastDone = max(e.lastDone, t)
	if t > e.cfg.WarmUp {
		e.slotSeconds += t - max(jb.start, e.cfg.WarmUp)
	}
	if jb.arrival >= e.cfg.WarmUp {
		e.latency.add(t - jb.arrival)
	}
}

// retime sets, at time t, the end of the current phase of each request on
// replica i from the speeds with the number now in service, and the
// replica's next event. A request whose phase has no tokens ends at t, to
// be handled by the next event at t.
func (e *engine) retime(i int, t float64) error {
	rep := &e.reps[i]
	k := len(rep.jobs)
	if k == 0 {
		rep.active = 0
		e.events.set(i, math.Inf(1))
		return nil
	}
	prefill, decode := rep.prefillRate, rep.decodeRate
	scalePrefill, scaleDecode := 1.0, 1.0
	if k != rep.active {
		prefill, decode = e.rates.Rates(k)
		if !(prefill > 0) || !(decode > 0) {
			return fmt.Errorf("service speeds with %d active: %v and %v tokens/s; must be positive", k, prefill, decode)
		}
		if rep.active > 0 && rep.prefillRate != prefill {
			scalePrefill = rep.prefillRate / prefill
		}
		if rep.active > 0 && rep.decodeRate != decode {
			scaleDecode = rep.decodeRate / decode
		}
		rep.active, rep.prefillRate, rep.decodeRate = k, prefill, decode
	}
	next := math.Inf(1)
	for j := range rep.jobs {
		jb := &rep.jobs[j]
		rate, scale := prefill, scalePrefill
		if jb.decoding {
			rate, scale = decode, scaleDecode
		}
		switch {
		case jb.pending:
			jb.end, jb.pending = t+float64(jb.left)/rate, false
		case scale != 1:
			jb.end = t + (jb.end-t)*scale
		}
		next = min(next, jb.end)
	}
	e.events.set(i, next)
	return nil
}
