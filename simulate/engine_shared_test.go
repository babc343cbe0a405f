package simulate

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// curve returns a CurveService for the points, each given as active,
// aggregate prefill and aggregate decode tokens per second.
func curve(t testing.TB, points ...[3]float64) *CurveService {
	t.Helper()
	ps := make([]CurvePoint, len(points))
	for i, p := range points {
		ps[i] = CurvePoint{Active: int(p[0]), PrefillTokensPerSecond: p[1], DecodeTokensPerSecond: p[2]}
	}
	svc, err := NewCurveService(ps)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// runEngine runs cfg on reqs and returns the engine, for its exact means.
func runEngine(t *testing.T, cfg Config, src Source) *engine {
	t.Helper()
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	e := newEngine(cfg)
	if err := e.run(src); err != nil {
		t.Fatal(err)
	}
	return e
}

// checkExact compares a mean, which the engine keeps exactly, allowing only
// rounding.
func checkExact(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.15g; want %.15g", what, got, want)
	}
}

func TestSharedTwoRequests(t *testing.T) {
	// Per request: 100 and 10 tokens/s alone, 80 and 8 each with two.
	svc := curve(t, [3]float64{1, 100, 10}, [3]float64{2, 160, 16})
	pol := &recordPolicy{}
	reqs := []Request{
		{Arrival: 0, PromptTokens: 100, OutputTokens: 20},
		{Arrival: 1.5, PromptTokens: 40, OutputTokens: 8},
		{Arrival: 5},
	}
	e := runEngine(t, Config{Slots: 2, Service: svc, Policy: pol}, NewSliceSource(reqs))
	// A prefills alone from 0 to 1 (TTFT 1) and decodes 5 tokens by 1.5.
	// B joins and prefills 40 tokens alone at 100 tokens/s by 1.9 (TTFT
	// 0.4) while A, stalled, keeps 15 tokens left. Both then decode at 8
	// tokens/s: B its 8 tokens by 2.9 (latency 1.4), when A has 7 left. A
	// alone again decodes them by 3.6 (latency 3.6). C has no tokens: TTFT
	// and latency 0.
	checkExact(t, "mean TTFT", e.ttft.mean(), 1.4/3)
	checkExact(t, "mean latency", e.latency.mean(), 5.0/3)
	res := e.result()
	checkNear(t, "TTFT p99", res.TTFT.P99, 1)
	checkNear(t, "TTFT p50", res.TTFT.P50, 0.4)
	checkNear(t, "latency p99", res.Latency.P99, 3.6)
	checkNear(t, "latency p50", res.Latency.P50, 1.4)
	checkExact(t, "makespan", res.Makespan, 5)
	checkExact(t, "busy seconds", res.BusySeconds, 3.6)
	checkExact(t, "utilization", res.Utilization, 5.0/(2*5))
	// C sees the mean time in service of A and B, both completed.
	if got := pol.seen[2]; got.Busy != 0 || math.Abs(got.MeanService-2.5) > 1e-12 {
		t.Errorf("state at 5 s = %+v; want Busy 0, MeanService 2.5", got)
	}
	// B sees A in service and no request completed yet.
	if got := pol.seen[1]; got.Busy != 1 || got.MeanService != 0 {
		t.Errorf("state at 1.5 s = %+v; want Busy 1, MeanService 0", got)
	}
}

// TestSharedPrefillStall checks by hand the two rules of a prefill: the
// requests reading their prompt share the prefill speed of their number,
// and the decoding requests wait until no prompt is left to read.
func TestSharedPrefillStall(t *testing.T) {
	// Per request: 100 and 10 tokens/s alone, 80 and 8 each with two.
	svc := curve(t, [3]float64{1, 100, 10}, [3]float64{2, 160, 16})
	reqs := []Request{
		{Arrival: 0, PromptTokens: 100, OutputTokens: 10},
		{Arrival: 0.5, PromptTokens: 60, OutputTokens: 4},
		{Arrival: 2, PromptTokens: 30},
	}
	e := runEngine(t, Config{Slots: 2, QueueLimit: 1, Service: svc}, NewSliceSource(reqs))
	// A reads 50 tokens alone by 0.5. With B both read at 80 tokens/s: A
	// its other 50 by 1.125 (TTFT 1.125), when B has 10 left; B alone reads
	// them at 100 tokens/s by 1.225 (TTFT 0.725) while A, decoding, waits.
	// Both decode at 8 tokens/s: B its 4 by 1.725 (latency 1.225), A 4 of
	// its 10. A alone decodes 2.75 more by 2, when C arrives and reads 30
	// tokens alone by 2.3 (TTFT and latency 0.3, no output) while A waits
	// with 3.25 left, which it decodes alone by 2.625 (latency 2.625).
	checkExact(t, "mean TTFT", e.ttft.mean(), (1.125+0.725+0.3)/3)
	checkExact(t, "mean latency", e.latency.mean(), (2.625+1.225+0.3)/3)
	res := e.result()
	checkNear(t, "latency p99", res.Latency.P99, 2.625)
	checkNear(t, "latency p50", res.Latency.P50, 1.225)
	checkExact(t, "makespan", res.Makespan, 2.625)
	checkExact(t, "busy seconds", res.BusySeconds, 2.625)
	checkExact(t, "utilization", res.Utilization, (2.625+1.225+0.3)/(2*2.625))
}

// rateFunc is a RateService with given per-request speeds by active count.
type rateFunc func(active int) (prefill, decode float64)

func (f rateFunc) Times(r Request, active int) (prefill, decode float64) {
	p, d := f(active)
	return float64(r.PromptTokens) / p, float64(r.OutputTokens) / d
}

func (f rateFunc) Rates(active int) (prefill, decode float64) { return f(active) }

func TestSharedZeroTokens(t *testing.T) {
	for _, tc := range []struct {
		name            string
		prefill         float64
		ttft, latency   float64 // means
		makespan, waits float64
	}{
		// One slot. The first decodes 10 tokens by 1; the second prefills
		// 50 tokens from 1 to 1.5; the third has none and passes at 1.5.
		{name: "finite prefill", prefill: 100, ttft: (0 + 1.5 + 1.5) / 3, latency: (1 + 1.5 + 1.5) / 3, makespan: 1.5, waits: 2.5 / 3},
		// Prefill takes no time: the second passes at 1, the third too.
		{name: "instant prefill", prefill: math.Inf(1), ttft: 2.0 / 3, latency: 1, makespan: 1, waits: 2.0 / 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := rateFunc(func(int) (float64, float64) { return tc.prefill, 10 })
			reqs := []Request{{OutputTokens: 10}, {PromptTokens: 50}, {}}
			e := runEngine(t, Config{Slots: 1, Service: svc}, NewSliceSource(reqs))
			checkExact(t, "mean TTFT", e.ttft.mean(), tc.ttft)
			checkExact(t, "mean latency", e.latency.mean(), tc.latency)
			checkExact(t, "mean wait", e.wait.mean(), tc.waits)
			res := e.result()
			if res.ServedLocal != 3 || res.Makespan != tc.makespan {
				t.Errorf("served %d, makespan %v; want 3, %v", res.ServedLocal, res.Makespan, tc.makespan)
			}
		})
	}
}

func TestSharedReplicas(t *testing.T) {
	// Per request: 10 tokens/s alone, 8 each with two. No prompts.
	svc := curve(t, [3]float64{1, 1000, 10}, [3]float64{2, 2000, 16})
	reqs := []Request{
		{Arrival: 0, OutputTokens: 10},  // A on replica 0
		{Arrival: 0, OutputTokens: 10},  // B on replica 1
		{Arrival: 0.5, OutputTokens: 4}, // C on replica 0, the tie's lower number
	}
	e := runEngine(t, Config{Replicas: 2, Slots: 2, Service: svc}, NewSliceSource(reqs))
	// A decodes 5 tokens alone by 0.5, then shares with C at 8 tokens/s: C
	// ends at 1, A has 1 left and ends alone at 1.1. B, alone on replica 1
	// throughout, ends at 1.
	checkExact(t, "mean latency", e.latency.mean(), (1.1+1+0.5)/3)
	res := e.result()
	checkNear(t, "latency p99", res.Latency.P99, 1.1)
	checkNear(t, "latency p50", res.Latency.P50, 1)
	checkExact(t, "busy seconds", res.BusySeconds, 2.1)
	checkExact(t, "idle seconds", res.IdleSeconds, 0.1)
	checkExact(t, "utilization", res.Utilization, 2.6/(2*2*1.1))
}

// drawSource yields Poisson arrivals at rate, up to n requests, with
// prompt and output tokens drawn from exponential distributions of the
// given means and rounded (a zero mean gives no tokens).
type drawSource struct {
	rng                 *rand.Rand
	rate                float64
	prompt, output      float64
	n                   int
	t                   float64
	tokensIn, tokensOut int64
}

func newDrawSource(seed uint64, rate, prompt, output float64, n int) *drawSource {
	return &drawSource{rng: rand.New(rand.NewPCG(seed, 1)), rate: rate, prompt: prompt, output: output, n: n}
}

func (s *drawSource) Next() (Request, bool) {
	if s.n == 0 {
		return Request{}, false
	}
	s.n--
	s.t += s.rng.ExpFloat64() / s.rate
	r := Request{
		Arrival:      s.t,
		PromptTokens: int(math.Round(s.rng.ExpFloat64() * s.prompt)),
		OutputTokens: int(math.Round(s.rng.ExpFloat64() * s.output)),
	}
	s.tokensIn += int64(r.PromptTokens)
	s.tokensOut += int64(r.OutputTokens)
	return r, true
}

// TestSharedLinearIsFixed checks that when the aggregate speed grows in
// proportion to the requests in service, so that sharing slows no one,
// processor sharing gives what fixing the speed at the start gives, for
// requests with no prompt: with prompts the two differ, as a prompt being
// read stalls the requests decoding beside it.
func TestSharedLinearIsFixed(t *testing.T) {
	svc := curve(t, [3]float64{1, 300, 20}, [3]float64{8, 2400, 160})
	for _, replicas := range []int{1, 3} {
		run := func(s Service) Result {
			src := newDrawSource(21, 0.8*float64(replicas), 0, 85, 20_000)
			cfg := Config{
				Replicas: replicas, Slots: 4, QueueLimit: 6, Service: s, WarmUp: 100,
				Policy: Spill{MaxWait: 6, MeanService: 4},
			}
			res, err := Run(cfg, src)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		shared, fixed := run(svc), run(timesOnly{svc})
		t.Logf("%d replicas: served %d, spilled %d, wait mean %.3f s", replicas, shared.ServedLocal, shared.Spilled, shared.Wait.Mean)
		if shared.Spilled == 0 || shared.Rejected != 0 || shared.ServedLocal < 15_000 {
			t.Errorf("%d replicas: served %d, spilled %d, rejected %d; want most served, some spilled",
				replicas, shared.ServedLocal, shared.Spilled, shared.Rejected)
		}
		if !sameResult(shared, fixed) {
			t.Errorf("%d replicas: processor sharing gives\n%+v\nfixed speeds give\n%+v", replicas, shared, fixed)
		}
	}
}

// sameResult reports whether two results are equal up to rounding.
func sameResult(a, b Result) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y)) }
	nearP := func(x, y Percentiles) bool { return near(x.P50, y.P50) && near(x.P95, y.P95) && near(x.P99, y.P99) }
	if a.Requests != b.Requests || a.ServedLocal != b.ServedLocal || a.Spilled != b.Spilled || a.Rejected != b.Rejected ||
		a.LocalTokens != b.LocalTokens || a.SpilledTokens != b.SpilledTokens || len(a.Hours) != len(b.Hours) {
		return false
	}
	for i := range a.Hours {
		x, y := a.Hours[i], b.Hours[i]
		if !near(x.MeanWait, y.MeanWait) {
			return false
		}
		x.MeanWait = y.MeanWait
		if x != y {
			return false
		}
	}
	return nearP(a.Latency, b.Latency) && nearP(a.TTFT, b.TTFT) && near(a.Wait.Mean, b.Wait.Mean) &&
		near(a.Wait.P95, b.Wait.P95) && near(a.Utilization, b.Utilization) && near(a.Makespan, b.Makespan) &&
		near(a.BusySeconds, b.BusySeconds) && near(a.IdleSeconds, b.IdleSeconds)
}

// TestSharedMM1 checks processor sharing against queueing theory: one
// server whose aggregate speed is the same whatever the number in service,
// shared equally, with Poisson arrivals and exponential work, is an
// M/M/1-PS queue, whose mean time in the system is 1/(μ − λ), as for M/M/1.
func TestSharedMM1(t *testing.T) {
	t.Parallel()
	for _, load := range []float64{0.5, 0.9} {
		t.Run(fmtLoad(load), func(t *testing.T) {
			t.Parallel()
			const tokens, speed = 1000.0, 1000.0 // mean output; aggregate tokens/s
			svc := curve(t, [3]float64{1, speed, speed})
			n := theoryRequests(load)
			src := newDrawSource(23, load, 0, tokens, int(n))
			// Slots enough that none waits: P(N ≥ 300) = ρ^300.
			e := runEngine(t, Config{Slots: 300, Service: svc, WarmUp: 10_000 / load}, src)
			mu := speed / (float64(src.tokensOut) / n)
			want := 1 / (mu - load)
			got := e.latency.mean()
			rel := (got - want) / want
			t.Logf("mean time in system %.5f s; theory %.5f s; error %+.2f%%", got, want, 100*rel)
			if math.Abs(rel) > 0.02 {
				t.Errorf("mean time in system = %.5f s; want %.5f s within 2%%", got, want)
			}
			if e.wait.mean() != 0 {
				t.Errorf("mean wait = %v; want 0 with slots enough", e.wait.mean())
			}
		})
	}
}

func TestSharedDeterministic(t *testing.T) {
	svc := curve(t, [3]float64{1, 800, 40}, [3]float64{4, 1500, 90})
	run := func() Result {
		src := newDrawSource(5, 1.2, 500, 150, 30_000)
		res, err := Run(Config{Replicas: 3, Slots: 4, QueueLimit: 5, Service: svc, Policy: Spill{MaxWait: 3}}, src)
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

func TestSharedErrors(t *testing.T) {
	for _, speed := range []float64{0, -1, math.NaN()} {
		svc := rateFunc(func(active int) (float64, float64) {
			if active > 1 {
				return speed, 10
			}
			return 10, 10
		})
		_, err := Run(Config{Slots: 2, Service: svc}, NewSliceSource(at(0, 0)))
		if err == nil || !strings.Contains(err.Error(), "service speeds with 2 active") {
			t.Errorf("speed %v: error %v; want one about the service speeds", speed, err)
		}
	}
}

// TestSharedMemoryFlat checks that processor sharing allocates no more for
// ten times the requests in the same hour, but for the runtime's noise.
func TestSharedMemoryFlat(t *testing.T) {
	allocs := func(n float64) float64 {
		// Speeds scaled to the rate keep the load alike: a request alone
		// takes 0.875 s at 17,000 requests, about 5 of the 8 slots busy.
		f := n / 17_000
		svc := curve(t, [3]float64{1, 800 * f, 40 * f}, [3]float64{2, 1200 * f, 64 * f})
		return testing.AllocsPerRun(3, func() {
			gen, err := NewGenerator(Arrivals{Rate: n / 3000, Duration: 3000, Seed: 1, PromptTokens: 100, OutputTokens: 30})
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
	// Allocation per event would add thousands; the runtime may add one
	// or two of its own while the runs are measured.
	if large > small+2 {
		t.Errorf("allocations: %v for 17,000 requests, %v for 170,000; want no more than 2 more", small, large)
	}
}
