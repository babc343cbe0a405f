package bench

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"
)

// loadConfig is one model at one size, for open-loop loads on the fake server.
func loadConfig() Config {
	c := testConfig()
	c.Models = []string{"m"}
	c.MaxTokens = []int{10}
	return c
}

// evenLoad sends n requests every gap.
func evenLoad(n int, gap time.Duration) OpenLoop {
	l := OpenLoop{Rate: 1 / gap.Seconds(), Duration: time.Duration(n) * gap}
	for i := range n {
		l.Arrivals = append(l.Arrivals, time.Duration(i)*gap)
	}
	return l
}

// recorded collects what a Runner records, safely from many goroutines.
type recorded struct {
	mu   sync.Mutex
	runs []LoadRun
}

func (r *recorded) add(v any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if lr, ok := v.(LoadRun); ok {
		r.runs = append(r.runs, lr)
	}
	return nil
}

func TestOpenLoopDoesNotWaitForEarlierRequests(t *testing.T) {
	// Each request streams for about 100 ms; arrivals come every 20 ms, so a
	// closed loop would take 1 s and an open loop keeps about 5 in flight.
	rec := &recorded{}
	r := &Runner{Backend: &fakeBackend{Rate: 100, Gap: 10 * time.Millisecond}, Config: loadConfig(), Record: rec.add}
	start := time.Now()
	s, err := r.RunOpenLoop(context.Background(), evenLoad(10, 20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 800*time.Millisecond {
		t.Errorf("load took %v; want well under the 1 s of one request after another", el)
	}
	if s.Sent != 10 || s.Completed != 10 || s.Failed != 0 || s.CutShort != 0 || len(rec.runs) != 10 {
		t.Fatalf("sent %d, completed %d, failed %d, cut short %d, recorded %d; want 10 sent, completed and recorded",
			s.Sent, s.Completed, s.Failed, s.CutShort, len(rec.runs))
	}
	if s.MeanInFlight < 2.5 || s.MeanInFlight > 6 {
		t.Errorf("mean in flight = %.2f; want about 5 (100 ms service, 20 ms gaps)", s.MeanInFlight)
	}
	if s.E2ESecondsP50 < 0.09 || s.E2ESecondsP99 < s.E2ESecondsP95 || s.E2ESecondsP95 < s.E2ESecondsP50 {
		t.Errorf("e2e p50/p95/p99 = %v/%v/%v; want at least 0.1 s and ordered", s.E2ESecondsP50, s.E2ESecondsP95, s.E2ESecondsP99)
	}
	want := float64(s.Completed) / s.WindowSeconds
	if math.Abs(s.ServedRequestsPerSecond-want) > 1e-9 || math.Abs(s.OutputTokensPerSecond-10*want) > 1e-6 {
		t.Errorf("served %v requests/s, %v tokens/s; want %v and %v", s.ServedRequestsPerSecond, s.OutputTokensPerSecond, want, 10*want)
	}
	for _, lr := range rec.runs {
		if lr.Phase != "load" || lr.SentSeconds < lr.ScheduledSeconds || lr.SentSeconds-lr.ScheduledSeconds > 0.2 || lr.InFlightAtSend < 1 {
			t.Errorf("run %d: phase %q, scheduled %v, sent %v, in flight %d; want phase load, sent on schedule",
				lr.Run.Run, lr.Phase, lr.ScheduledSeconds, lr.SentSeconds, lr.InFlightAtSend)
		}
	}
}

func TestOpenLoopCountsCutShortAndKeepsGoing(t *testing.T) {
	r := &Runner{Backend: &fakeBackend{Rate: 1000, CutShort: 3}, Config: loadConfig()}
	s, err := r.RunOpenLoop(context.Background(), evenLoad(9, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	// Calls 1-3 are the calibration probes and the warm-up; of the 9 load
	// requests (calls 4-12) calls 6, 9 and 12 end without statistics.
	if s.Sent != 9 || s.CutShort != 3 || s.Completed != 6 || len(s.Warnings) == 0 {
		t.Errorf("sent %d, cut short %d, completed %d, warnings %q; want 9, 3, 6 and a warning", s.Sent, s.CutShort, s.Completed, s.Warnings)
	}
}

func TestOpenLoopCountsFailuresAndGoesOn(t *testing.T) {
	rec := &recorded{}
	// The fake server refuses every call from the 6th on but cannot be asked
	// whether it is alive, so the load goes on, counting them as failed.
	r := &Runner{Backend: &fakeBackend{Rate: 1000, FailAt: 6}, Config: loadConfig(), Record: rec.add}
	s, err := r.RunOpenLoop(context.Background(), evenLoad(6, 5*time.Millisecond))
	if err != nil {
		t.Fatalf("error %v; want the load to finish, counting failures", err)
	}
	if s.Failed != 4 || s.Completed != 2 || len(rec.runs) != 6 {
		t.Errorf("failed %d, completed %d, recorded %d; want 4, 2, 6", s.Failed, s.Completed, len(rec.runs))
	}
}

// deadServer is a fake server whose generations and model list both fail
// from a given call on.
type deadServer struct {
	fakeBackend
}

func (d *deadServer) ListModels(context.Context) ([]ModelInfo, error) {
	return nil, errors.New("connection refused")
}

func (d *deadServer) DescribeModel(context.Context, string) (ModelInfo, error) {
	return ModelInfo{Name: "m"}, nil
}

func TestOpenLoopEndsOnDeadServerKeepingFinished(t *testing.T) {
	rec := &recorded{}
	r := &Runner{Backend: &deadServer{fakeBackend{Rate: 1000, FailAt: 6}}, Config: loadConfig(), Record: rec.add}
	s, err := r.RunOpenLoop(context.Background(), evenLoad(20, 20*time.Millisecond))
	var re *RunError
	if !errors.As(err, &re) {
		t.Fatalf("error %v; want a RunError saying the server stopped answering", err)
	}
	if s == nil || s.Completed != 2 || s.Sent >= 20 || len(rec.runs) < 3 {
		t.Fatalf("summary %+v, %d recorded; want the 2 finished kept and the load stopped early", s, len(rec.runs))
	}
}

func TestOpenLoopCancelKeepsFinished(t *testing.T) {
	rec := &recorded{}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{Backend: &fakeBackend{Rate: 1000, Gap: time.Millisecond}, Config: loadConfig(), Record: rec.add}
	r.Progress = func(p Progress) {
		if p.Phase == "load" && p.Run == 5 {
			cancel()
		}
	}
	s, err := r.RunOpenLoop(ctx, evenLoad(50, 30*time.Millisecond))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v; want context.Canceled", err)
	}
	if s == nil || s.Sent > 5 || s.Completed != len(rec.runs) || s.Completed < 3 {
		t.Errorf("summary %+v with %d recorded; want the finished ones, each recorded", s, len(rec.runs))
	}
}

func TestOpenLoopValidate(t *testing.T) {
	tests := []struct {
		name string
		load OpenLoop
		ok   bool
	}{
		{"even", evenLoad(3, time.Second), true},
		{"zero rate", OpenLoop{Duration: time.Second, Arrivals: []time.Duration{0}}, false},
		{"no arrivals", OpenLoop{Rate: 1, Duration: time.Second}, false},
		{"out of order", OpenLoop{Rate: 1, Duration: time.Second, Arrivals: []time.Duration{500 * time.Millisecond, 100 * time.Millisecond}}, false},
		{"past the end", OpenLoop{Rate: 1, Duration: time.Second, Arrivals: []time.Duration{2 * time.Second}}, false},
	}
	for _, tt := range tests {
		if err := tt.load.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v; want ok %v", tt.name, err, tt.ok)
		}
	}
	r := &Runner{Backend: &fakeBackend{Rate: 1000}, Config: testConfig()}
	r.Config.Models = []string{"a", "b"}
	if _, err := r.RunOpenLoop(context.Background(), evenLoad(3, time.Millisecond)); err == nil {
		t.Error("two models: no error; want one asking for one model")
	}
}
