package simulate

import (
	"testing"
	"time"
)

// BenchmarkSimulate runs M/M/4 at 90% load and reports simulated requests
// per second of wall time.
func BenchmarkSimulate(b *testing.B) {
	const n = 1_000_000
	var total int
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		gen, err := NewGenerator(Arrivals{Rate: 3.6, Duration: n / 3.6, Seed: uint64(i), PromptTokens: 500, OutputTokens: 200})
		if err != nil {
			b.Fatal(err)
		}
		svc, err := NewExponentialService(1, uint64(i))
		if err != nil {
			b.Fatal(err)
		}
		res, err := Run(Config{Slots: 4, Service: svc, Policy: Spill{MaxWait: 30}}, gen)
		if err != nil {
			b.Fatal(err)
		}
		total += res.Requests
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "requests/s")
}
