package simulate

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// at returns requests arriving at the given seconds, each with 10 prompt and
// 20 output tokens.
func at(times ...float64) []Request {
	reqs := make([]Request, len(times))
	for i, t := range times {
		reqs[i] = Request{Arrival: t, PromptTokens: 10, OutputTokens: 20}
	}
	return reqs
}

func TestRunQueueAndSpill(t *testing.T) {
	oneSecond := FixedService{Prefill: 0.25, Decode: 0.75}
	for _, tc := range []struct {
		name     string
		cfg      Config
		reqs     []Request
		served   int
		spilled  int
		rejected int
		waitMean float64
	}{
		{
			name:   "one slot queues in order",
			cfg:    Config{Slots: 1, Service: oneSecond},
			reqs:   at(0, 0, 0),
			served: 3, waitMean: 1, // waits 0, 1, 2
		},
		{
			name:   "two slots serve two at once",
			cfg:    Config{Slots: 2, Service: oneSecond},
			reqs:   at(0, 0, 0, 0),
			served: 4, waitMean: 0.5, // waits 0, 0, 1, 1
		},
		{
			name:   "full queue rejects under AllLocal",
			cfg:    Config{Slots: 1, QueueLimit: 1, Service: oneSecond},
			reqs:   at(0, 0, 0, 0.5),
			served: 2, rejected: 2, waitMean: 0.5, // 0 served, 1 queued, 2 and 3 find the queue full
		},
		{
			name:   "queue drains before the next arrival",
			cfg:    Config{Slots: 1, QueueLimit: 1, Service: oneSecond},
			reqs:   at(0, 0, 2, 2),
			served: 4, waitMean: 0.5,
		},
		{
			name:   "full queue spills",
			cfg:    Config{Slots: 1, QueueLimit: 1, Service: oneSecond, Policy: Spill{MaxWait: 100}},
			reqs:   at(0, 0, 0),
			served: 2, spilled: 1, waitMean: 0.5,
		},
		{
			name:   "expected wait over the SLO spills",
			cfg:    Config{Slots: 1, Service: oneSecond, Policy: Spill{MaxWait: 1.5, MeanService: 1}},
			reqs:   at(0, 0, 0, 0), // expected waits 0, 1, 2, 2
			served: 2, spilled: 2, waitMean: 0.5,
		},
		{
			name:   "expected wait divides among slots",
			cfg:    Config{Slots: 2, Service: oneSecond, Policy: Spill{MaxWait: 1}},
			reqs:   at(0, 0, 0, 0, 0), // expected waits 0, 0, 0.5, 1, 1.5
			served: 4, spilled: 1, waitMean: 0.5,
		},
		{
			name:   "zero wait SLO spills whenever all slots are busy",
			cfg:    Config{Slots: 1, Service: oneSecond, Policy: Spill{}},
			reqs:   at(0, 0.5, 1, 1.5),
			served: 2, spilled: 2, waitMean: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(tc.cfg, NewSliceSource(tc.reqs))
			if err != nil {
				t.Fatal(err)
			}
			if res.ServedLocal != tc.served || res.Spilled != tc.spilled || res.Rejected != tc.rejected {
				t.Errorf("served, spilled, rejected = %d, %d, %d; want %d, %d, %d",
					res.ServedLocal, res.Spilled, res.Rejected, tc.served, tc.spilled, tc.rejected)
			}
			if res.Requests != len(tc.reqs) {
				t.Errorf("requests = %d; want %d", res.Requests, len(tc.reqs))
			}
			if math.Abs(res.Wait.Mean-tc.waitMean) > 1e-9 {
				t.Errorf("mean wait = %v; want %v", res.Wait.Mean, tc.waitMean)
			}
			if res.LocalTokens != int64(30*tc.served) || res.SpilledTokens != int64(30*tc.spilled) {
				t.Errorf("local, spilled tokens = %d, %d; want %d, %d", res.LocalTokens, res.SpilledTokens, 30*tc.served, 30*tc.spilled)
			}
		})
	}
}

func TestRunLatencyAndUtilization(t *testing.T) {
	cfg := Config{Slots: 2, Service: FixedService{Prefill: 0.5, Decode: 1.5}}
	res, err := Run(cfg, NewSliceSource(at(0, 0, 0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	// Waits 0, 0, 2, 2; latencies 2, 2, 4, 4; TTFT 0.5, 0.5, 2.5, 2.5; makespan 4.
	checkNear(t, "latency p50", res.Latency.P50, 2)
	checkNear(t, "latency p99", res.Latency.P99, 4)
	checkNear(t, "TTFT p50", res.TTFT.P50, 0.5)
	checkNear(t, "TTFT p95", res.TTFT.P95, 2.5)
	checkNear(t, "wait p95", res.Wait.P95, 2)
	checkNear(t, "utilization", res.Utilization, 1)
	checkNear(t, "makespan", res.Makespan, 4)
}

// checkNear allows the 0.5% error of the percentile histogram.
func checkNear(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 0.005*want+1e-12 {
		t.Errorf("%s = %v; want %v", what, got, want)
	}
}

func TestRunHours(t *testing.T) {
	cfg := Config{Slots: 1, QueueLimit: 1, Service: FixedService{Decode: 10}}
	reqs := at(0, 1, 2, 3600, 7300, 7301)
	res, err := Run(cfg, NewSliceSource(reqs))
	if err != nil {
		t.Fatal(err)
	}
	want := []Hour{
		{Hour: 0, Requests: 3, ServedLocal: 2, Rejected: 1, MeanWait: 4.5},
		{Hour: 1, Requests: 1, ServedLocal: 1},
		{Hour: 2, Requests: 2, ServedLocal: 2, MeanWait: 4.5},
	}
	if len(res.Hours) != len(want) {
		t.Fatalf("hours = %+v; want %+v", res.Hours, want)
	}
	for i := range want {
		if res.Hours[i] != want[i] {
			t.Errorf("hour %d = %+v; want %+v", i, res.Hours[i], want[i])
		}
	}
}

func TestRunWarmUp(t *testing.T) {
	cfg := Config{Slots: 1, Service: FixedService{Decode: 1}, WarmUp: 10}
	res, err := Run(cfg, NewSliceSource(at(0, 0, 0, 10)))
	if err != nil {
		t.Fatal(err)
	}
	// The three early requests finish at 1, 2 and 3; the last runs 10 to 11.
	if res.Requests != 1 || res.ServedLocal != 1 {
		t.Errorf("requests, served = %d, %d; want 1, 1", res.Requests, res.ServedLocal)
	}
	checkNear(t, "makespan", res.Makespan, 1)
	checkNear(t, "utilization", res.Utilization, 1)
}

func TestRunErrors(t *testing.T) {
	ok := FixedService{Decode: 1}
	for _, tc := range []struct {
		name string
		cfg  Config
		reqs []Request
		want string
	}{
		{"no slots", Config{Service: ok}, nil, "slots 0"},
		{"negative queue limit", Config{Slots: 1, QueueLimit: -1, Service: ok}, nil, "queue limit"},
		{"no service", Config{Slots: 1}, nil, "no service"},
		{"negative warm-up", Config{Slots: 1, Service: ok, WarmUp: -1}, nil, "warm-up"},
		{"negative fixed time", Config{Slots: 1, Service: FixedService{Decode: -1}}, nil, "fixed service"},
		{"NaN max wait", Config{Slots: 1, Service: ok, Policy: Spill{MaxWait: math.NaN()}}, nil, "spill policy"},
		{"NaN service time", Config{Slots: 1, Service: FixedService{Decode: math.NaN()}}, nil, "fixed service"},
		{"bad service time at run", Config{Slots: 1, Service: badService{}}, at(0), "service gave"},
		{"arrival too late", Config{Slots: 1, Service: ok}, at(1e10), "within"},
		{"out of order", Config{Slots: 1, Service: ok}, at(2, 1), "in order"},
		{"negative arrival", Config{Slots: 1, Service: ok}, at(-1), "non-negative"},
		{"negative tokens", Config{Slots: 1, Service: ok}, []Request{{OutputTokens: -5}}, "token counts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(tc.cfg, NewSliceSource(tc.reqs))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run error = %v; want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := Run(Config{Slots: 1, Service: ok}, nil); err == nil {
		t.Error("Run with a nil source: no error")
	}
}

func TestRunDeterministic(t *testing.T) {
	run := func() Result {
		gen, err := NewGenerator(Arrivals{Rate: 3, Duration: 7200, Shape: 0.5, Seed: 5, PromptTokens: 100, OutputTokens: 50})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := NewExponentialService(1, 9)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(Config{Slots: 4, QueueLimit: 20, Service: svc, Policy: Spill{MaxWait: 2}}, gen)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(), run()
	if a.Wait != b.Wait || a.Latency != b.Latency || a.Spilled != b.Spilled || a.Requests == 0 {
		t.Errorf("two runs with the same seeds differ: %+v, %+v", a, b)
	}
}

// badService returns a negative time, as a faulty Service might.
type badService struct{}

func (badService) Times(Request, int) (prefill, decode float64) { return 0, -1 }

func TestResultJSON(t *testing.T) {
	res, err := Run(Config{Slots: 1, Service: FixedService{Decode: 1}}, NewSliceSource(at(0)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{
		`"requests":1`, `"served_local":1`, `"spilled":0`, `"latency_seconds":{"p50":`, `"ttft_seconds":{"p50":`,
		`"wait_seconds":{"mean":0,"p95":0}`, `"utilization":1`, `"local_tokens":30`, `"spilled_tokens":0`,
		`"hours":[{"hour":0,"requests":1,"served_local":1`, `"mean_wait_seconds":0`,
	} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON %s lacks %s", b, key)
		}
	}
}

func TestRunMinutes(t *testing.T) {
	// One slot, 10 s each: the requests of minute 0 wait for each other,
	// the one of minute 2 runs alone, and the one of minute 3 is past the
	// minutes kept.
	cfg := Config{Slots: 1, Service: FixedService{Decode: 10}, Minutes: 3}
	res, err := Run(cfg, NewSliceSource(at(0, 5, 130, 200)))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Minutes) != 3 {
		t.Fatalf("minutes = %+v; want 3", res.Minutes)
	}
	m0, m1, m2 := res.Minutes[0], res.Minutes[1], res.Minutes[2]
	if m0.ServedLocal != 2 || m1.ServedLocal != 0 || m2.ServedLocal != 1 {
		t.Errorf("served by minute = %d, %d, %d; want 2, 0, 1", m0.ServedLocal, m1.ServedLocal, m2.ServedLocal)
	}
	checkNear(t, "minute 0 latency p95", m0.Latency.P95, 15) // 10 s, and 5 s of wait + 10 s
	checkNear(t, "minute 2 latency p50", m2.Latency.P50, 10)
	if m1.Latency.P95 != 0 {
		t.Errorf("minute 1 latency p95 = %v; want 0 (no requests)", m1.Latency.P95)
	}
	if _, err := Run(Config{Slots: 1, Service: FixedService{Decode: 1}, Minutes: MaxMinutes + 1}, NewSliceSource(nil)); err == nil {
		t.Error("minutes above MaxMinutes: no error")
	}
}
