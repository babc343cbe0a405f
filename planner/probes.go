package planner

import (
	"context"
	"fmt"
	"time"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/bench"
)

// Probes read the world outside the planner: this machine's hardware, its
// memory bandwidth, and the models a server has installed. The command
// passes real ones; tests pass fixed ones.
type Probes struct {
	// Detect describes this machine.
	Detect func(context.Context) (hwprofile.Profile, error)
	// MeasureBandwidth measures this machine's memory bandwidth, or reads
	// a measurement kept from an earlier command.
	MeasureBandwidth func(context.Context) (Bandwidth, error)
	// Installed reads the models installed on an Ollama server.
	Installed func(ctx context.Context, host string) (bench.Server, error)
}

// Bandwidth is this machine's memory bandwidth in GB/s, and where it comes
// from: Kept names the file of a measurement kept from an earlier command,
// taken at Measured; "" when it was measured now.
type Bandwidth struct {
	GBPerS   float64
	Kept     string
	Measured time.Time
}

// note says where the figure comes from.
func (b Bandwidth) note() string {
	if b.Kept == "" {
		return fmt.Sprintf("measured now: %.1f GB/s", b.GBPerS)
	}
	return fmt.Sprintf("%.1f GB/s, measured %s and kept in %s (plan profile --bandwidth measures it again)",
		b.GBPerS, b.Measured.UTC().Format("2006-01-02"), b.Kept)
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
