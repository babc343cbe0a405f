package simulate

import (
	"fmt"
	"math"
)

// Processor sharing with prefill first. With a RateService, the requests in
// service on a replica share its speed as a continuous-batching server
// (Ollama's runner, llama.cpp's server) shares it: every step of the model
// takes the prompt tokens waiting to be read together with one token of each
// request that is decoding, so a step that reads a prompt lasts as long as
// that prompt's reading and gives each decoding request one token only.
// Hence, on a replica with k requests in service, m of them still reading
// their prompt:
//
//   - while m > 0, each of the m works through its remaining prompt tokens
//     at the per-request prefill speed with m active (the aggregate
//     prefill(m) shared by the m), and the k − m decoding requests make no
//     progress: the one token per prompt step they really get is left out,
//     less than one token per 512 prompt tokens (Ollama's default batch);
//   - while m = 0, each works through its remaining output tokens at the
//     per-request decode speed with k active.
//
// Each running request keeps the time its current phase would end at the
// current speeds; when a speed changes, the engine scales the time left by
// old speed / new speed, which is the same as recounting its tokens left. A
// decoding request stalled by a prefill keeps its tokens left instead and is
// timed again when the prefill ends. A replica's next event is the earliest
// of those ends.

// job is a request in service on a replica, with rates.
type job struct {
	arrival  float64 // seconds
	start    float64 // seconds, when it took its slot
	end      float64 // when its current phase ends at the current speeds; +Inf while stalled
	output   int     // output tokens
	left     int     // tokens of a phase begun but not yet timed
	work     float64 // output tokens left while stalled
	decoding bool    // past the first token
	pending  bool    // its phase began at the last event and awaits a time
	stalled  bool    // decoding, but stopped by another request's prefill
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
		e.enter(e.dequeue(i), t, i)
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
		e.addLatency(jb.arrival, t-jb.arrival)
	}
}

// retime sets, at time t, the end of the current phase of each request on
// replica i from the speeds with the requests now in service, and the
// replica's next event. A request whose phase has no tokens ends at t, to
// be handled by the next event at t.
func (e *engine) retime(i int, t float64) error {
	rep := &e.reps[i]
	k := len(rep.jobs)
	rep.active = k
	if k == 0 {
		e.events.set(i, math.Inf(1))
		return nil
	}
	m := 0
	for j := range rep.jobs {
		if !rep.jobs[j].decoding {
			m++
		}
	}
	var err error
	if m > 0 {
		err = e.retimePrefill(rep, t, m)
	} else {
		err = e.retimeDecode(rep, t, k)
	}
	if err != nil {
		return err
	}
	next := math.Inf(1)
	for j := range rep.jobs {
		next = min(next, rep.jobs[j].end)
	}
	e.events.set(i, next)
	return nil
}

// checkedRates returns the per-request speeds with active requests in
// service, or an error if either is not positive.
func (e *engine) checkedRates(active int) (prefill, decode float64, err error) {
	prefill, decode = e.rates.Rates(active)
	if !(prefill > 0) || !(decode > 0) {
		return 0, 0, fmt.Errorf("service speeds with %d active: %v and %v tokens/s; must be positive", active, prefill, decode)
	}
	return prefill, decode, nil
}

// speedChange is the factor by which the time left of a phase grows when
// its speed goes from old to now: 1 when old is unknown (0) or unchanged.
func speedChange(old, now float64) float64 {
	if now != old && old > 0 {
		return old / now
	}
	return 1
}

// retimePrefill times the m requests of rep reading their prompt at the
// per-request prefill speed with m active, and stalls the decoding ones.
func (e *engine) retimePrefill(rep *replica, t float64, m int) error {
	prefill, _, err := e.checkedRates(m)
	if err != nil {
		return err
	}
	scale := speedChange(rep.prefillRate, prefill)
	rep.prefillRate = prefill
	for j := range rep.jobs {
		jb := &rep.jobs[j]
		switch {
		case jb.end <= t:
			// Due now: the event at t handles it.
		case !jb.decoding && jb.pending:
			jb.end, jb.pending = t+float64(jb.left)/prefill, false
		case !jb.decoding && scale != 1:
			jb.end = t + (jb.end-t)*scale
		case !jb.decoding:
		case jb.pending && jb.left == 0:
			jb.end, jb.pending = t, false // nothing to decode: done at once
		case jb.pending:
			jb.work, jb.end, jb.pending, jb.stalled = float64(jb.left), math.Inf(1), false, true
		case !jb.stalled:
			jb.work, jb.end, jb.stalled = (jb.end-t)*rep.decodeRate, math.Inf(1), true
		}
	}
	return nil
}

// retimeDecode times the requests of rep, all decoding, at the per-request
// decode speed with k active, resuming those a prefill stalled.
func (e *engine) retimeDecode(rep *replica, t float64, k int) error {
	_, decode, err := e.checkedRates(k)
	if err != nil {
		return err
	}
	scale := speedChange(rep.decodeRate, decode)
	rep.decodeRate = decode
	for j := range rep.jobs {
		jb := &rep.jobs[j]
		switch {
		case jb.end <= t:
			// Due now: the event at t handles it.
		case jb.pending:
			jb.end, jb.pending = t+float64(jb.left)/decode, false
		case jb.stalled:
			jb.end, jb.stalled = t+jb.work/decode, false
		case scale != 1:
			jb.end = t + (jb.end-t)*scale
		}
	}
	return nil
}
