package simulate

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/plan-cli/plan/internal/golden"
)

// oneServerCases are runs on one server whose results were recorded in
// testdata/one-server before replicas existed, so that one replica is known
// to give exactly the results it gave then.
func oneServerCases(t *testing.T) map[string]func() (Config, Source) {
	t.Helper()
	gen := func(a Arrivals) Source {
		g, err := NewGenerator(a)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	exp := func(mean float64, seed uint64) Service {
		s, err := NewExponentialService(mean, seed)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	curve, err := NewCurveService([]CurvePoint{
		{Active: 1, PrefillTokensPerSecond: 400, DecodeTokensPerSecond: 20},
		{Active: 4, PrefillTokensPerSecond: 900, DecodeTokensPerSecond: 50},
	})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]func() (Config, Source){
		"mm4-spill": func() (Config, Source) {
			return Config{Slots: 4, QueueLimit: 20, Service: exp(1, 9), Policy: Spill{MaxWait: 2}},
				gen(Arrivals{Rate: 3.5, Duration: 20_000, Shape: 0.5, Seed: 5, PromptTokens: 100, OutputTokens: 50})
		},
		"md1-warmup": func() (Config, Source) {
			return Config{Slots: 1, Service: FixedService{Prefill: 0.2, Decode: 0.7}, WarmUp: 600},
				gen(Arrivals{Rate: 1, Duration: 10_000, Seed: 3, PromptTokens: 10, OutputTokens: 10})
		},
		"curve-queue-limit": func() (Config, Source) {
			return Config{Slots: 4, QueueLimit: 3, Service: timesOnly{curve}},
				gen(Arrivals{Rate: 0.5, Duration: 8_000, Shape: 2, Seed: 8, PromptTokens: 300, OutputTokens: 60})
		},
	}
}

// timesOnly hides the Rates of a RateService, so that Run fixes each
// request's speed when it starts, as it did before processor sharing.
type timesOnly struct{ svc Service }

func (s timesOnly) Times(r Request, active int) (prefill, decode float64) {
	return s.svc.Times(r, active)
}

// legacyJSON is res as JSON without the fields added with replicas.
func legacyJSON(t *testing.T, res Result) []byte {
	t.Helper()
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "busy_seconds")
	delete(m, "idle_seconds")
	out, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func TestOneServerAsBefore(t *testing.T) {
	for name, setup := range oneServerCases(t) {
		t.Run(name, func(t *testing.T) {
			cfg, src := setup()
			res, err := Run(cfg, src)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "one-server/"+name+".json", legacyJSON(t, res))
		})
	}
}

func TestReplicasZeroIsOne(t *testing.T) {
	for name, setup := range oneServerCases(t) {
		t.Run(name, func(t *testing.T) {
			cfg, src := setup()
			zero, err := Run(cfg, src)
			if err != nil {
				t.Fatal(err)
			}
			cfg, src = setup()
			cfg.Replicas = 1
			one, err := Run(cfg, src)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(zero, one) {
				t.Errorf("Replicas 0 and 1 differ:\n%+v\n%+v", zero, one)
			}
		})
	}
}

// tokenService serves a request in OutputTokens seconds and records the
// active count it was given.
type tokenService struct{ active []int }

func (s *tokenService) Times(r Request, active int) (prefill, decode float64) {
	s.active = append(s.active, active)
	return 0, float64(r.OutputTokens)
}

// recordPolicy serves everything locally and records the states it saw.
type recordPolicy struct{ seen []State }

func (p *recordPolicy) SendToCloud(s State, _ Request) bool {
	p.seen = append(p.seen, s)
	return false
}

// lasting returns a request arriving at t that is served in d seconds by a
// tokenService.
func lasting(t float64, d int) Request { return Request{Arrival: t, OutputTokens: d} }

func TestBalancerLeastOutstanding(t *testing.T) {
	svc, pol := &tokenService{}, &recordPolicy{}
	reqs := []Request{
		lasting(0, 10), // replica 0 until 10
		lasting(0, 1),  // replica 1 until 1
		lasting(2, 1),  // replica 1 is empty: runs 2 to 3
		lasting(2, 1),  // both hold one: the tie goes to replica 0, waits 8 s
		lasting(2.5, 1),
	}
	res, err := Run(Config{Replicas: 2, Slots: 1, Service: svc, Policy: pol}, NewSliceSource(reqs))
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, s := range pol.seen {
		got = append(got, s.Replica)
		if s.Replicas != 2 || s.Slots != 1 {
			t.Errorf("state %+v: want Replicas 2, Slots 1", s)
		}
	}
	// The fifth finds replica 0 with two outstanding and replica 1 with one.
	if want := []int{0, 1, 1, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("replicas chosen = %v; want %v", got, want)
	}
	if want := []State{{Busy: 1, Queued: 1, Replica: 0}, {Busy: 1, Replica: 1}}; pol.seen[4].Busy != want[1].Busy || pol.seen[3].Busy != 1 || pol.seen[3].Queued != 0 {
		t.Errorf("states seen = %+v", pol.seen)
	}
	// Waits 0, 0, 0, 8 and 0.5 (the fifth starts at 3 on replica 1).
	if math.Abs(res.Wait.Mean-8.5/5) > 1e-12 {
		t.Errorf("mean wait = %v; want %v", res.Wait.Mean, 8.5/5)
	}
}

func TestReplicaActiveCount(t *testing.T) {
	svc := &tokenService{}
	reqs := []Request{lasting(0, 1), lasting(0, 1), lasting(0, 1), lasting(0, 1), lasting(0, 1)}
	if _, err := Run(Config{Replicas: 2, Slots: 2, Service: svc}, NewSliceSource(reqs)); err != nil {
		t.Fatal(err)
	}
	// Replicas 0, 1, 0, 1 start at once; the fifth waits for replica 0 and
	// starts there beside the one still in service.
	if want := []int{1, 1, 2, 2, 2}; !slices.Equal(svc.active, want) {
		t.Errorf("active counts given to the service = %v; want %v", svc.active, want)
	}
}

func TestReplicaQueuesAndSpill(t *testing.T) {
	oneSecond := FixedService{Decode: 1}
	for _, tc := range []struct {
		name                      string
		cfg                       Config
		reqs                      []Request
		served, spilled, rejected int
		waitMean                  float64
	}{
		{
			name:   "each replica has its own queue limit",
			cfg:    Config{Replicas: 2, Slots: 1, QueueLimit: 1, Service: oneSecond},
			reqs:   at(0, 0, 0, 0, 0), // two served, one queued at each, one rejected
			served: 4, rejected: 1, waitMean: 0.5,
		},
		{
			name:   "no limit queues at both",
			cfg:    Config{Replicas: 2, Slots: 1, Service: oneSecond},
			reqs:   at(0, 0, 0, 0, 0), // waits 0, 0, 1, 1, 2
			served: 5, waitMean: 0.8,
		},
		{
			name:   "spill looks at the chosen replica's wait",
			cfg:    Config{Replicas: 2, Slots: 1, Service: oneSecond, Policy: Spill{MaxWait: 1.5, MeanService: 1}},
			reqs:   at(0, 0, 0, 0, 0), // expected waits 0, 0, 1, 1, 2
			served: 4, spilled: 1, waitMean: 0.5,
		},
		{
			name:   "spill when the chosen replica's queue is full",
			cfg:    Config{Replicas: 3, Slots: 1, QueueLimit: 1, Service: oneSecond, Policy: Spill{MaxWait: 100}},
			reqs:   at(0, 0, 0, 0, 0, 0, 0, 0), // three served, three queued, two spilled
			served: 6, spilled: 2, waitMean: 0.5,
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
			if math.Abs(res.Wait.Mean-tc.waitMean) > 1e-12 {
				t.Errorf("mean wait = %v; want %v", res.Wait.Mean, tc.waitMean)
			}
		})
	}
}

func TestBusyIdleEnergy(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		cfg                       Config
		reqs                      []Request
		busy, idle, makespan, use float64
	}{
		{
			// Replica 0 serves the first and third at 0–2 and the last at
			// 5–7; replica 1 the second at 0–2. Slot-seconds 8 of 2×2×7.
			name: "two replicas, overlap counted once",
			cfg:  Config{Replicas: 2, Slots: 2, Service: FixedService{Prefill: 1, Decode: 1}},
			reqs: at(0, 0, 0, 5),
			busy: 6, idle: 8, makespan: 7, use: 8.0 / 28,
		},
		{
			// Busy 0–8 without a break; the warm-up cuts 0–2. The third
			// runs 10–14, so 8–10 is idle.
			name: "warm-up and a gap",
			cfg:  Config{Slots: 1, Service: FixedService{Decode: 4}, WarmUp: 2},
			reqs: at(0, 1, 10),
			busy: 10, idle: 2, makespan: 12, use: 10.0 / 12,
		},
		{
			name: "nothing served",
			cfg:  Config{Replicas: 3, Slots: 1, Service: FixedService{Decode: 4}},
			reqs: nil,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(tc.cfg, NewSliceSource(tc.reqs))
			if err != nil {
				t.Fatal(err)
			}
			if res.BusySeconds != tc.busy || res.IdleSeconds != tc.idle || res.Makespan != tc.makespan {
				t.Errorf("busy, idle, makespan = %v, %v, %v; want %v, %v, %v",
					res.BusySeconds, res.IdleSeconds, res.Makespan, tc.busy, tc.idle, tc.makespan)
			}
			if math.Abs(res.Utilization-tc.use) > 1e-15 {
				t.Errorf("utilization = %v; want %v", res.Utilization, tc.use)
			}
			// 300 W busy and 50 W idle, in joules, then kWh.
			want := (300*tc.busy + 50*tc.idle) / 3.6e6
			if got := res.EnergyKWh(300, 50); got != want {
				t.Errorf("EnergyKWh(300, 50) = %v; want %v", got, want)
			}
		})
	}
}

func TestEnergyKWh(t *testing.T) {
	// One hour busy at 1 kW and two hours idle at 100 W: 1 + 0.2 kWh.
	r := Result{BusySeconds: 3600, IdleSeconds: 7200}
	if got := r.EnergyKWh(1000, 100); math.Abs(got-1.2) > 1e-15 {
		t.Errorf("EnergyKWh = %v; want 1.2", got)
	}
}

func TestReplicasDeterministic(t *testing.T) {
	run := func() Result {
		gen, err := NewGenerator(Arrivals{Rate: 7, Duration: 7200, Shape: 0.5, Seed: 5, PromptTokens: 100, OutputTokens: 50})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := NewExponentialService(1, 9)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(Config{Replicas: 3, Slots: 2, QueueLimit: 5, Service: svc, Policy: Spill{MaxWait: 2}}, gen)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(), run()
	if !reflect.DeepEqual(a, b) || a.Spilled == 0 || a.ServedLocal == 0 {
		t.Errorf("two runs with the same seeds differ or serve nothing: %+v, %+v", a, b)
	}
}

func TestReplicasErrors(t *testing.T) {
	for _, n := range []int{-1, MaxReplicas + 1} {
		_, err := Run(Config{Replicas: n, Slots: 1, Service: FixedService{}}, NewSliceSource(nil))
		if err == nil || !strings.Contains(err.Error(), "replicas") {
			t.Errorf("Replicas %d: error %v; want one about replicas", n, err)
		}
	}
}

// TestMemoryFlat checks that a run allocates no more for ten times the
// requests in the same hour: nothing is allocated per event.
func TestMemoryFlat(t *testing.T) {
	allocs := func(n float64) float64 {
		return testing.AllocsPerRun(3, func() {
			gen, err := NewGenerator(Arrivals{Rate: n / 3000, Duration: 3000, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			// Service scaled to the rate keeps the load at 70% of 8 slots.
			svc, err := NewExponentialService(8*0.7*3000/n, 2)
			if err != nil {
				t.Fatal(err)
			}
			// A queue limit under 16 fills each ring buffer at its first use.
			cfg := Config{Replicas: 4, Slots: 2, QueueLimit: 10, Service: svc, Policy: Spill{MaxWait: 5}}
			if _, err := Run(cfg, gen); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(17_000), allocs(170_000)
	t.Logf("allocations per run: %v for 17,000 requests, %v for 170,000", small, large)
	if large > small {
		t.Errorf("allocations: %v for 17,000 requests, %v for 170,000; want no more", small, large)
	}
}
