package simulate

import "fmt"

// State is what a Policy sees when a request arrives: the replica the
// balancer chose for it (see Config) and the run so far.
type State struct {
	Queued     int // requests waiting for a slot on the replica
	Busy       int // slots in service on the replica
	Slots      int // slots of the replica
	QueueLimit int // most requests that may wait on the replica; 0 means no limit
	Replica    int // the chosen replica, from 0
	Replicas   int // replicas behind the balancer
	// MeanService is the mean seconds in service, on any replica, of the
	// requests started so far when the Service gives times, or of those
	// completed so far when it is a RateService (their time in service is
	// known only when they finish); 0 before there is one.
	MeanService float64
}

// QueueFull reports whether no more requests may wait on the replica.
func (s State) QueueFull() bool {
	return s.QueueLimit > 0 && s.Queued >= s.QueueLimit
}

// ExpectedWait estimates how long a request arriving now would wait for a
// slot on the replica, given the mean service time mean: nothing if a slot is free,
// otherwise (Queued+1)·mean/Slots, as if the busy slots freed up evenly.
func (s State) ExpectedWait(mean float64) float64 {
	if s.Busy < s.Slots {
		return 0
	}
	return float64(s.Queued+1) * mean / float64(s.Slots)
}

// Policy decides, when a request arrives, whether the cloud should serve it.
type Policy interface {
	SendToCloud(s State, r Request) bool
}

// AllLocal serves every request locally. A request that arrives when the
// queue is full is rejected.
type AllLocal struct{}

// SendToCloud always returns false.
func (AllLocal) SendToCloud(State, Request) bool { return false }

// Spill sends a request to the cloud when the queue of the replica chosen for
// it is full or when its expected wait for a slot there, State.ExpectedWait,
// exceeds MaxWait.
type Spill struct {
	MaxWait float64 // seconds
	// MeanService is the mean seconds a request holds a slot, for the wait
	// estimate; 0 means State.MeanService, the mean so far.
	MeanService float64
}

// SendToCloud reports whether the request should spill.
func (p Spill) SendToCloud(s State, _ Request) bool {
	if s.QueueFull() {
		return true
	}
	mean := p.MeanService
	if mean == 0 {
		mean = s.MeanService
	}
	return s.ExpectedWait(mean) > p.MaxWait
}

func (p Spill) validate() error {
	if !validSeconds(p.MaxWait) || !validSeconds(p.MeanService) {
		return fmt.Errorf("spill policy: max wait %v s and mean service %v s must be non-negative and finite", p.MaxWait, p.MeanService)
	}
	return nil
}

// SLOSpill sends a request to the cloud by the latency targets: when the
// queue of its replica is full, or when its expected time to first token
// (State.ExpectedWait + its prefill) exceeds TTFT, or its expected
// end-to-end time (+ its decode) exceeds E2E; a target of 0 is no limit.
// Its prefill and decode are timed by Service with the slots that would be
// active when it starts.
type SLOSpill struct {
	TTFT, E2E float64 // seconds
	Service   Service
}

// SendToCloud reports whether the request would miss a target.
func (p SLOSpill) SendToCloud(s State, r Request) bool {
	if s.QueueFull() {
		return true
	}
	wait := s.ExpectedWait(s.MeanService)
	pre, dec := p.Service.Times(r, min(s.Busy+1, s.Slots))
	return (p.TTFT > 0 && wait+pre > p.TTFT) || (p.E2E > 0 && wait+pre+dec > p.E2E)
}
