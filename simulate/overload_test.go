package simulate

import (
	"errors"
	"runtime"
	"runtime/debug"
	"testing"
)

// An overloaded run stops once MaxQueued requests wait, says the load is
// beyond capacity, and keeps its memory bounded; it used to queue every
// arrival of the run.
func TestRunStopsBeyondCapacity(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(512 << 20)) // the run must fit
	src, err := NewGenerator(Arrivals{Rate: 1e6, Duration: 3600, Seed: 1, PromptTokens: 100, OutputTokens: 100})
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = Run(Config{Slots: 1, Service: FixedService{Decode: 1}}, src)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrBeyondCapacity) {
		t.Fatalf("Run = %v; want ErrBeyondCapacity", err)
	}
	if inUse := int64(after.HeapInuse) - int64(before.HeapInuse); inUse > 512<<20 {
		t.Errorf("%d MB in use at the stop; want under 512 MB", inUse>>20)
	}
}

// A closed Done channel stops a run.
func TestRunStops(t *testing.T) {
	src, err := NewGenerator(Arrivals{Rate: 10, Duration: 3600, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	close(done)
	if _, err := Run(Config{Slots: 1, Service: FixedService{Decode: 0.01}, Done: done}, src); !errors.Is(err, ErrStopped) {
		t.Errorf("Run with Done closed = %v; want ErrStopped", err)
	}
}
