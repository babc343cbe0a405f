package simulate

import "math"

// Result summarises a run. Latencies and waits count only requests served
// locally and arriving after the warm-up; counts and tokens count every
// request arriving after the warm-up. Utilization, BusySeconds and
// IdleSeconds count the time after the warm-up, whenever the requests
// arrived.
type Result struct {
	Requests    int         `json:"requests"`
	ServedLocal int         `json:"served_local"`
	Spilled     int         `json:"spilled"`
	Rejected    int         `json:"rejected"`         // queue full under AllLocal
	Latency     Percentiles `json:"latency_seconds"`  // arrival to last token
	TTFT        Percentiles `json:"ttft_seconds"`     // queue wait + prefill
	Wait        WaitStats   `json:"wait_seconds"`     // arrival to start of service
	Utilization float64     `json:"utilization"`      // busy slot-seconds / (replicas × slots × makespan)
	Makespan    float64     `json:"makespan_seconds"` // end of warm-up (or 0) to last completion
	// BusySeconds sums over the replicas the time in the makespan during
	// which at least one request was in service on the replica.
	BusySeconds float64 `json:"busy_seconds"`
	// IdleSeconds is replicas × Makespan − BusySeconds: the replica-seconds
	// in the makespan with nothing in service.
	IdleSeconds   float64 `json:"idle_seconds"`
	LocalTokens   int64   `json:"local_tokens"`   // prompt + output
	SpilledTokens int64   `json:"spilled_tokens"` // prompt + output
	Hours         []Hour  `json:"hours"`
	// Minutes is the latency of the requests served locally by minute of
	// arrival, for the first Config.Minutes minutes.
	Minutes []Minute `json:"minutes,omitempty"`
	// SpilledByModel counts what spilled by the requests' Model, for
	// pricing it at that model's prices.
	SpilledByModel map[string]SpillCount `json:"-"`
}

// SpillCount is the requests and tokens that spilled of one model.
type SpillCount struct {
	Requests     int
	PromptTokens int64
	OutputTokens int64
}

// spill counts r as spilled.
func (res *Result) spill(r Request) {
	if res.SpilledByModel == nil {
		res.SpilledByModel = map[string]SpillCount{}
	}
	c := res.SpilledByModel[r.Model]
	c.Requests++
	c.PromptTokens += int64(r.PromptTokens)
	c.OutputTokens += int64(r.OutputTokens)
	res.SpilledByModel[r.Model] = c
}

// Overloaded reports whether the servers were beyond their capacity, so
// that the queue grew while requests arrived and the latencies depend on
// the run's length: busy 97% of the time or more, with a mean wait for a
// slot over ten times the median time in service. (A stable queue at 95%
// load on two slots waits about nine service times.)
func (r Result) Overloaded() bool {
	service := math.Max(r.Latency.P50-r.Wait.Mean, 1e-3)
	return r.ServedLocal > 0 && r.Utilization >= 0.97 && r.Wait.Mean >= 10*service
}

// EnergyKWh returns the energy the replicas use over the makespan, in
// kilowatt-hours, when one replica draws activeWatts while it serves any
// request and idleWatts while it serves none:
//
//	(activeWatts × BusySeconds + idleWatts × IdleSeconds) / 3,600,000
func (r Result) EnergyKWh(activeWatts, idleWatts float64) float64 {
	return (activeWatts*r.BusySeconds + idleWatts*r.IdleSeconds) / 3.6e6
}

// Percentiles of a duration in seconds, each within 0.5% (see histogram).
type Percentiles struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// WaitStats describes the wait for a slot, in seconds. Mean is exact; P95 is
// within 0.5%.
type WaitStats struct {
	Mean float64 `json:"mean"`
	P95  float64 `json:"p95"`
}

// Hour counts the requests arriving in one hour of the run; hour 0 starts at
// time 0.
type Hour struct {
	Hour        int     `json:"hour"`
	Requests    int     `json:"requests"`
	ServedLocal int     `json:"served_local"`
	Spilled     int     `json:"spilled"`
	Rejected    int     `json:"rejected"`
	MeanWait    float64 `json:"mean_wait_seconds"` // of requests served locally
}

// Minute is the latency of the requests served locally that arrived in
// one minute of the run; minute 0 starts at time 0.
type Minute struct {
	Minute      int         `json:"minute"`
	ServedLocal int         `json:"served_local"`
	Latency     Percentiles `json:"latency_seconds"`
}

// hourSums accumulates one Hour.
type hourSums struct {
	requests, served, spilled, rejected int
	wait                                float64
}

func (h hourSums) hour(i int) Hour {
	out := Hour{Hour: i, Requests: h.requests, ServedLocal: h.served, Spilled: h.spilled, Rejected: h.rejected}
	if h.served > 0 {
		out.MeanWait = h.wait / float64(h.served)
	}
	return out
}
