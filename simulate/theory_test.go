package simulate

import (
	"fmt"
	"math"
	"testing"
)

// erlangC returns the mean wait in queue of an M/M/c queue with arrival rate
// lambda and service rate mu per server: Wq = C(c, a)/(c·mu − lambda), where
// a = lambda/mu and C is the Erlang C probability of waiting.
func erlangC(c int, lambda, mu float64) float64 {
	a := lambda / mu
	rho := a / float64(c)
	sum, term := 0.0, 1.0 // term = a^k/k!
	for k := range c {
		if k > 0 {
			term *= a / float64(k)
		}
		sum += term
	}
	last := term * a / float64(c) / (1 - rho) // a^c/c! · 1/(1−ρ)
	prob := last / (sum + last)
	return prob / (float64(c)*mu - lambda)
}

// pollaczekKhinchineMD1 returns the mean wait in queue of an M/D/1 queue:
// Wq = ρ/(2μ(1−ρ)).
func pollaczekKhinchineMD1(lambda, mu float64) float64 {
	rho := lambda / mu
	return rho / (2 * mu * (1 - rho))
}

// theoryRequests is the number of arrivals in a theory check at the given
// load. The standard error of the mean wait of M/M/1 at 90% load is about
// sqrt(35900/n) service times against a mean of 9, so 12 million arrivals put
// 2% at more than three standard errors; at 50% load 2 million suffice.
func theoryRequests(load float64) float64 {
	if load > 0.8 {
		return 12_000_000
	}
	return 2_000_000
}

func meanWait(t *testing.T, slots int, load float64, svc Service, seed uint64) float64 {
	t.Helper()
	const mean = 1.0 // seconds of service
	rate := load * float64(slots) / mean
	gen, err := NewGenerator(Arrivals{Rate: rate, Duration: theoryRequests(load) / rate, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(Config{Slots: slots, Service: svc, WarmUp: 10_000 / rate}, gen)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Utilization-load) > 0.01*load {
		t.Errorf("utilization = %.4f; want %.2f within 1%%", res.Utilization, load)
	}
	return res.Wait.Mean
}

func TestErlangC(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		slots int
		load  float64
	}{
		{"1 server 50%", 1, 0.5},
		{"1 server 90%", 1, 0.9},
		{"4 servers 50%", 4, 0.5},
		{"4 servers 90%", 4, 0.9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, err := NewExponentialService(1, 7)
			if err != nil {
				t.Fatal(err)
			}
			got := meanWait(t, tc.slots, tc.load, svc, 11)
			want := erlangC(tc.slots, tc.load*float64(tc.slots), 1)
			checkWithin(t, got, want, 0.02)
		})
	}
}

func TestPollaczekKhinchine(t *testing.T) {
	t.Parallel()
	for _, load := range []float64{0.5, 0.9} {
		t.Run(fmtLoad(load), func(t *testing.T) {
			t.Parallel()
			got := meanWait(t, 1, load, FixedService{Decode: 1}, 13)
			checkWithin(t, got, pollaczekKhinchineMD1(load, 1), 0.02)
		})
	}
}

func fmtLoad(load float64) string {
	return fmt.Sprintf("%.0f%%", 100*load)
}

func checkWithin(t *testing.T, got, want, tol float64) {
	t.Helper()
	rel := (got - want) / want
	t.Logf("mean wait %.5f s; theory %.5f s; error %+.2f%%", got, want, 100*rel)
	if math.Abs(rel) > tol {
		t.Errorf("mean wait = %.5f s; want %.5f s within %.0f%%", got, want, 100*tol)
	}
}

// TestReplicasBetweenPooledAndSplit checks R replicas of one slot each, with
// Poisson arrivals and exponential service, against two bounds: one pooled
// queue for all R servers (M/M/R, Erlang C), which no balancer can beat, and
// R separate M/M/1 queues fed by a random split, Wq = ρ/(μ(1−ρ)). Joining the
// shortest queue must lie between them and much nearer the pooled queue:
// within a quarter of the gap.
func TestReplicasBetweenPooledAndSplit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		replicas int
		load     float64
	}{
		{2, 0.5}, {4, 0.5}, {4, 0.9},
	} {
		t.Run(fmt.Sprintf("%d replicas %s", tc.replicas, fmtLoad(tc.load)), func(t *testing.T) {
			t.Parallel()
			svc, err := NewExponentialService(1, 17)
			if err != nil {
				t.Fatal(err)
			}
			rate := tc.load * float64(tc.replicas)
			n := theoryRequests(tc.load) / 4
			gen, err := NewGenerator(Arrivals{Rate: rate, Duration: n / rate, Seed: 19})
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(Config{Replicas: tc.replicas, Slots: 1, Service: svc, WarmUp: 10_000 / rate}, gen)
			if err != nil {
				t.Fatal(err)
			}
			pooled := erlangC(tc.replicas, rate, 1)
			split := tc.load / (1 - tc.load)
			got := res.Wait.Mean
			t.Logf("mean wait %.4f s; pooled M/M/%d %.4f s; split M/M/1 %.4f s; %.1f%% of the gap",
				got, tc.replicas, pooled, split, 100*(got-pooled)/(split-pooled))
			if got < pooled*0.98 || got > pooled+0.25*(split-pooled) {
				t.Errorf("mean wait %.4f s: want from %.4f s (pooled, less 2%%) to a quarter of the way to %.4f s (split)", got, pooled, split)
			}
		})
	}
}
