package simulate

import (
	"errors"
	"fmt"
	"math"
)

// Config describes the local servers and how requests are routed to them.
//
// Replicas servers, all alike, stand behind a balancer. Each has Slots
// slots, its own first-in, first-out queue of at most QueueLimit requests,
// and its own count of requests in service, which sets the speed of the
// requests there (see Service and RateService). The balancer sends each arriving request to the
// replica with the fewest outstanding requests (in service plus queued),
// the lowest-numbered one on a tie: join the shortest queue, like nginx's
// least_conn. The Policy then decides about the request seeing that
// replica's State.
type Config struct {
	Replicas   int     // servers behind the balancer; 0 means 1
	Slots      int     // requests served at once by each replica, like OLLAMA_NUM_PARALLEL
	QueueLimit int     // most requests that may wait at each replica; 0 means no limit
	Service    Service // how long a request holds a slot; see RateService
	Policy     Policy  // which requests go to the cloud; nil means AllLocal
	// WarmUp is the seconds at the start of the run whose arrivals are
	// simulated but left out of the Result, so that a run starting empty
	// can settle first.
	WarmUp float64
	// Minutes, when above 0, also keeps the latency percentiles of the
	// requests arriving in each of the run's first Minutes minutes
	// (Result.Minutes), up to MaxMinutes.
	Minutes int
	// Done, when closed, stops the run: Run then returns ErrStopped.
	Done <-chan struct{}
}

// MaxQueued is the most requests that may wait for a slot, over all
// replicas, before Run stops and says the load is beyond capacity: its
// memory then stays bounded (about 64 bytes a waiting request) whatever
// the load asked for.
const MaxQueued = 1_000_000

// ErrBeyondCapacity is wrapped by the error of a run stopped because
// MaxQueued requests were waiting: the load grows the queue without bound.
var ErrBeyondCapacity = errors.New("the load is beyond the servers' capacity")

// ErrStopped is returned by a run stopped through Config.Done.
var ErrStopped = errors.New("stopped")

func (c Config) validate() error {
	switch {
	case c.Replicas < 0 || c.Replicas > MaxReplicas:
		return fmt.Errorf("replicas %d: must be from 1 to %d (0 means 1)", c.Replicas, MaxReplicas)
	case c.Slots < 1:
		return fmt.Errorf("slots %d: must be at least 1", c.Slots)
	case c.QueueLimit < 0:
		return fmt.Errorf("queue limit %d: must not be negative (0 means no limit)", c.QueueLimit)
	case c.Service == nil:
		return errors.New("no service model")
	case !validSeconds(c.WarmUp):
		return fmt.Errorf("warm-up %v s: must be non-negative and finite", c.WarmUp)
	case c.Minutes < 0 || c.Minutes > MaxMinutes:
		return fmt.Errorf("minutes %d: must be from 0 to %d", c.Minutes, MaxMinutes)
	}
	if v, ok := c.Service.(interface{ validate() error }); ok {
		if err := v.validate(); err != nil {
			return err
		}
	}
	if v, ok := c.Policy.(interface{ validate() error }); ok {
		return v.validate()
	}
	return nil
}

// MaxMinutes is the most minutes whose latencies Run keeps apart: a day.
// Each takes a histogram of about 24 KB.
const MaxMinutes = 24 * 60

// MaxReplicas is the most replicas Run accepts. The balancer looks at every
// replica for each arrival, so the cost of a run grows with the replicas.
const MaxReplicas = 10_000

// replicas returns the number of replicas, at least 1.
func (c Config) replicas() int { return max(c.Replicas, 1) }

// MaxArrival is the latest arrival Run accepts, in seconds: ten years, which
// bounds the hourly series at 87,660 entries.
const MaxArrival = 10 * 365.25 * 24 * 3600

// Run simulates the requests from src, which must arrive in order, on the
// server described by cfg. The run is deterministic: the same inputs give
// the same Result.
func Run(cfg Config, src Source) (Result, error) {
	if err := cfg.validate(); err != nil {
		return Result{}, fmt.Errorf("simulate: %w", err)
	}
	if src == nil {
		return Result{}, errors.New("simulate: no request source")
	}
	e := newEngine(cfg)
	if err := e.run(src); err != nil {
		return Result{}, fmt.Errorf("simulate: %w", err)
	}
	return e.result(), nil
}

// engine holds the state of one run. With a Service giving times, the only
// events are arrivals, taken in order from the source, and completions, kept
// in a heap with at most Replicas × Slots entries. With a RateService the
// requests share their replica's speed (see engine_shared.go), and a heap
// over the replicas holds the time of each one's next event. Either way,
// events need no allocation.
type engine struct {
	cfg    Config
	policy Policy
	rates  RateService    // set when the requests in service share their replica's speed
	done   completionHeap // requests in service, by finishing time, with times
	events eventHeap      // each replica's next event, with rates
	reps   []replica

	timed        int64   // requests counted in serviceTotal
	serviceTotal float64 // seconds in service: of started requests with times, of completed ones with rates

	res           Result
	latency, ttft histogram
	wait          histogram
	minutes       []histogram // latency by minute of arrival, with Config.Minutes
	slotSeconds   float64     // busy slot-seconds after the warm-up
	busySeconds   float64     // seconds after the warm-up with a replica busy, summed over replicas
	lastDone      float64
	hours         []hourSums
	queued        int // requests waiting for a slot, over all replicas
}

// replica is the state of one server behind the balancer.
type replica struct {
	queue     ring    // requests waiting for a slot
	busy      int     // requests in service
	busySince float64 // when busy last rose from 0

	// With rates only: the requests in service and the per-request
	// speeds, in tokens per second, with active of them in service.
	jobs        []job
	active      int
	prefillRate float64
	decodeRate  float64
}

func newEngine(cfg Config) *engine {
	p := cfg.Policy
	if p == nil {
		p = AllLocal{}
	}
	n := cfg.replicas()
	e := &engine{cfg: cfg, policy: p, reps: make([]replica, n), minutes: make([]histogram, cfg.Minutes)}
	if rs, ok := cfg.Service.(RateService); ok {
		e.rates = rs
		e.events = newEventHeap(n)
	} else {
		e.done = make(completionHeap, 0, min(n*cfg.Slots, 1<<16))
	}
	return e
}

// run takes the events in order of time, an arrival after anything else
// due at the same moment.
func (e *engine) run(src Source) error {
	last := math.Inf(-1)
	next, more := src.Next()
	for n := 0; ; n++ {
		if n%4096 == 0 && e.stopped() {
			return ErrStopped
		}
		due := e.nextEvent()
		if !more && math.IsInf(due, 1) {
			return nil
		}
		if more && next.Arrival < due {
			if err := checkRequest(next, last); err != nil {
				return err
			}
			last = next.Arrival
			if err := e.arrive(next); err != nil {
				return err
			}
			next, more = src.Next()
			continue
		}
		if err := e.handleEvent(); err != nil {
			return err
		}
	}
}

// nextEvent returns the time of the next event other than an arrival, or
// +Inf when there is none.
func (e *engine) nextEvent() float64 {
	if e.rates != nil {
		_, t := e.events.top()
		return t
	}
	if len(e.done) == 0 {
		return math.Inf(1)
	}
	return e.done[0].t
}

// handleEvent handles the next event other than an arrival.
func (e *engine) handleEvent() error {
	if e.rates != nil {
		i, t := e.events.top()
		return e.advance(i, t)
	}
	return e.finish(e.done.pop())
}

func checkRequest(r Request, last float64) error {
	switch {
	case math.IsNaN(r.Arrival) || math.IsInf(r.Arrival, 0) || r.Arrival < 0:
		return fmt.Errorf("request arriving at %v s: arrival must be non-negative and finite", r.Arrival)
	case r.Arrival > MaxArrival:
		return fmt.Errorf("request arriving at %v s: arrivals must be within %v s of the start", r.Arrival, MaxArrival)
	case r.Arrival < last:
		return fmt.Errorf("request arriving at %v s after one at %v s: requests must be in order of arrival", r.Arrival, last)
	case r.PromptTokens < 0 || r.OutputTokens < 0:
		return fmt.Errorf("request arriving at %v s: token counts must not be negative", r.Arrival)
	}
	return nil
}

// pick returns the replica with the fewest requests in service or queued,
// the lowest-numbered one on a tie.
func (e *engine) pick() int {
	best, least := 0, math.MaxInt
	for i := range e.reps {
		n := e.reps[i].busy + e.reps[i].queue.len()
		if n < least {
			best, least = i, n
			if n == 0 {
				break
			}
		}
	}
	return best
}

func (e *engine) state(i int) State {
	rep := &e.reps[i]
	s := State{
		Queued: rep.queue.len(), Busy: rep.busy, Slots: e.cfg.Slots, QueueLimit: e.cfg.QueueLimit,
		Replica: i, Replicas: len(e.reps),
	}
	if e.timed > 0 {
		s.MeanService = e.serviceTotal / float64(e.timed)
	}
	return s
}

// arrive routes a request arriving now to a replica, then there: to the
// cloud, to a free slot, to the queue, or, when the queue is full, away.
func (e *engine) arrive(r Request) error {
	i := e.pick()
	s := e.state(i)
	h := e.hour(r)
	if h != nil {
		h.requests++
	}
	switch {
	case e.policy.SendToCloud(s, r):
		if h != nil {
			h.spilled++
			e.res.Spilled++
			e.res.SpilledTokens += tokens(r)
			e.res.spill(r)
		}
	case s.Busy < s.Slots && e.rates != nil:
		return e.join(r, r.Arrival, i)
	case s.Busy < s.Slots:
		return e.start(r, r.Arrival, i)
	case s.QueueFull():
		if h != nil {
			h.rejected++
			e.res.Rejected++
		}
	default:
		e.reps[i].queue.push(r)
		if e.queued++; e.queued > MaxQueued {
			return fmt.Errorf("%w: %d requests were waiting for a slot %.0f s into the run; stopped there", ErrBeyondCapacity, e.queued, r.Arrival)
		}
	}
	return nil
}

// dequeue takes the next request waiting at replica i.
func (e *engine) dequeue(i int) Request {
	e.queued--
	return e.reps[i].queue.pop()
}

// stopped reports whether Config.Done is closed.
func (e *engine) stopped() bool {
	select {
	case <-e.cfg.Done:
		return true
	default:
		return false
	}
}

// finish ends a request's service and starts the next one waiting on the
// same replica.
func (e *engine) finish(c completion) error {
	e.release(c.replica, c.t)
	rep := &e.reps[c.replica]
	if rep.queue.len() == 0 {
		return nil
	}
	return e.start(e.dequeue(c.replica), c.t, c.replica)
}

// start puts a request into service on replica i at time t, its times
// given by the Service.
func (e *engine) start(r Request, t float64, i int) error {
	e.occupy(i, t)
	prefill, decode := e.cfg.Service.Times(r, e.reps[i].busy)
	if !validSeconds(prefill) || !validSeconds(decode) {
		return fmt.Errorf("request arriving at %v s: service gave %v+%v s; times must be non-negative and finite", r.Arrival, prefill, decode)
	}
	finish := t + prefill + decode
	e.done.push(completion{t: finish, replica: i})
	e.timed++
	e.serviceTotal += prefill + decode
	e.lastDone = max(e.lastDone, finish)
	if finish > e.cfg.WarmUp {
		e.slotSeconds += finish - max(t, e.cfg.WarmUp)
	}
	if e.admit(r, t) {
		e.ttft.add(t - r.Arrival + prefill)
		e.addLatency(r.Arrival, finish-r.Arrival)
	}
	return nil
}

// occupy counts a request starting service on replica i at time t.
func (e *engine) occupy(i int, t float64) {
	rep := &e.reps[i]
	rep.busy++
	if rep.busy == 1 {
		rep.busySince = t
	}
}

// release counts a request leaving service on replica i at time t.
func (e *engine) release(i int, t float64) {
	rep := &e.reps[i]
	rep.busy--
	if rep.busy == 0 && t > e.cfg.WarmUp {
		e.busySeconds += t - max(rep.busySince, e.cfg.WarmUp)
	}
}

// admit counts a request starting service at time t, its wait and its
// tokens, and reports whether it arrived after the warm-up.
func (e *engine) admit(r Request, t float64) bool {
	if r.Arrival < e.cfg.WarmUp {
		return false
	}
	wait := t - r.Arrival
	e.wait.add(wait)
	e.res.ServedLocal++
	e.res.LocalTokens += tokens(r)
	h := e.hour(r)
	h.served++
	h.wait += wait
	return true
}

// hour returns the sums for the hour of r's arrival, or nil during the
// warm-up.
func (e *engine) hour(r Request) *hourSums {
	if r.Arrival < e.cfg.WarmUp {
		return nil
	}
	i := int(r.Arrival / 3600)
	for len(e.hours) <= i {
		e.hours = append(e.hours, hourSums{})
	}
	return &e.hours[i]
}

// addLatency counts the latency of a request served locally that arrived
// at arrival.
func (e *engine) addLatency(arrival, latency float64) {
	e.latency.add(latency)
	if m := int(arrival / 60); m < len(e.minutes) {
		e.minutes[m].add(latency)
	}
}

func tokens(r Request) int64 { return int64(r.PromptTokens) + int64(r.OutputTokens) }

func (e *engine) result() Result {
	res := e.res
	res.Requests = res.ServedLocal + res.Spilled + res.Rejected
	res.Latency = e.latency.percentiles()
	res.TTFT = e.ttft.percentiles()
	res.Wait = WaitStats{Mean: e.wait.mean(), P95: e.wait.quantile(0.95)}
	if span := e.lastDone - e.cfg.WarmUp; span > 0 {
		reps := float64(len(e.reps))
		res.Makespan = span
		res.Utilization = e.slotSeconds / (reps * float64(e.cfg.Slots) * span)
		res.BusySeconds = e.busySeconds
		res.IdleSeconds = max(0, reps*span-e.busySeconds)
	}
	res.Hours = make([]Hour, len(e.hours))
	for i, h := range e.hours {
		res.Hours[i] = h.hour(i)
	}
	if len(e.minutes) > 0 {
		res.Minutes = make([]Minute, len(e.minutes))
		for i := range e.minutes {
			res.Minutes[i] = Minute{Minute: i, ServedLocal: int(e.minutes[i].n), Latency: e.minutes[i].percentiles()}
		}
	}
	return res
}
