package planner

import (
	"context"
	"fmt"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/bench"
)

// Probes read the world outside the planner: this machine's hardware, its
// memory bandwidth, and the models a server has installed. The command
// passes real ones; tests pass fixed ones.
type Probes struct {
	// Detect describes this machine.
	Detect func(context.Context) (hwprofile.Profile, error)
	// MeasureBandwidth measures this machine's memory bandwidth in GB/s.
	MeasureBandwidth func(context.Context) (float64, error)
	// Installed reads the models installed on an Ollama server.
	Installed func(ctx context.Context, host string) (bench.Server, error)
}

// FlagError is a mistake in what the user asked for, named by its flag.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

func flagErrorf(format string, args ...any) error {
	return &FlagError{fmt.Errorf(format, args...)}
}

// detectOnce is p with Detect run at most once: a plan asks about this
// machine for the hardware and again for its memory.
func detectOnce(p Probes) Probes {
	detect := p.Detect
	var (
		done bool
		prof hwprofile.Profile
		err  error
	)
	p.Detect = func(ctx context.Context) (hwprofile.Profile, error) {
		if !done {
			prof, err = detect(ctx)
			done = true
		}
		return prof, err
	}
	return p
}
