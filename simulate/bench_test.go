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

func benchmarkRun(b *testing.B, replicas, slots int) {
	const n = 1_000_000
	rate := 0.9 * float64(replicas*slots)
	var total int
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		gen, err := NewGenerator(Arrivals{Rate: rate, Duration: n / rate, Seed: uint64(i), PromptTokens: 500, OutputTokens: 200})
		if err != nil {
			b.Fatal(err)
		}
		svc, err := NewExponentialService(1, uint64(i))
		if err != nil {
			b.Fatal(err)
		}
		res, err := Run(Config{Replicas: replicas, Slots: slots, Service: svc, Policy: Spill{MaxWait: 30}}, gen)
		if err != nil {
			b.Fatal(err)
		}
		total += res.Requests
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "requests/s")
}
