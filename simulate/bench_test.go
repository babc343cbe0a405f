package simulate

import (
	"testing"
	"time"
)

// BenchmarkSimulate runs M/M/4 at 90% load and reports simulated requests
// per second of wall time.
func BenchmarkSimulate(b *testing.B) {
	benchmarkRun(b, 1, 4)
}

// BenchmarkSimulateReplicas runs four replicas of four slots each at 90%
// load behind the balancer.
func BenchmarkSimulateReplicas(b *testing.B) {
	benchmarkRun(b, 4, 4)
}

// BenchmarkSimulateShared runs one replica of four slots with a measured
// curve, so by processor sharing, at 90% of its throughput with four in
// service.
func BenchmarkSimulateShared(b *testing.B) {
	svc, err := NewCurveService([]CurvePoint{
		{Active: 1, PrefillTokensPerSecond: 2000, DecodeTokensPerSecond: 50},
		{Active: 4, PrefillTokensPerSecond: 4000, DecodeTokensPerSecond: 120},
	})
	if err != nil {
		b.Fatal(err)
	}
	// With four in service, 500 + 200 tokens take 0.5 + 6.67 s: four
	// slots serve 0.558 requests per second.
	const rate = 0.9 * 4 / (0.5 + 200.0/30)
	benchmarkService(b, 1, 4, rate, func(uint64) Service { return svc })
}

func benchmarkRun(b *testing.B, replicas, slots int) {
	exp := func(seed uint64) Service {
		svc, err := NewExponentialService(1, seed)
		if err != nil {
			b.Fatal(err)
		}
		return svc
	}
	benchmarkService(b, replicas, slots, 0.9*float64(replicas*slots), exp)
}

// benchmarkService runs a million requests arriving at rate per second on
// the service made for each seed.
func benchmarkService(b *testing.B, replicas, slots int, rate float64, service func(seed uint64) Service) {
	const n = 1_000_000
	var total int
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		gen, err := NewGenerator(Arrivals{Rate: rate, Duration: n / rate, Seed: uint64(i), PromptTokens: 500, OutputTokens: 200})
		if err != nil {
			b.Fatal(err)
		}
		cfg := Config{Replicas: replicas, Slots: slots, Service: service(uint64(i)), Policy: Spill{MaxWait: 30}}
		res, err := Run(cfg, gen)
		if err != nil {
			b.Fatal(err)
		}
		total += res.Requests
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "requests/s")
}
