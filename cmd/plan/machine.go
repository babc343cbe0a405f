package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/planner"
	"github.com/plan-cli/plan/pricing"
)

// probes are the planner's probes of this machine and its model server.
func probes(e *env) planner.Probes {
	return planner.Probes{
		Detect: func(ctx context.Context) (hwprofile.Profile, error) {
			return hwprofile.Detect(ctx, e.detectOptions())
		},
		MeasureBandwidth: func(ctx context.Context) (planner.Bandwidth, error) {
			return e.bandwidth(ctx)
		},
		Installed: installed,
	}
}

// installed reads the models installed on an Ollama server.
func installed(ctx context.Context, host string) (bench.Server, error) {
	u, err := backend.ParseHost(host, "11434")
	if err != nil {
		return bench.Server{}, usagef("invalid --host %q: %v", host, err)
	}
	srv, err := backend.NewOllama(u, modelServerClient(10*time.Second, 30*time.Second)).Installed(ctx)
	if err != nil {
		return bench.Server{}, fmt.Errorf("--host: %w", err)
	}
	return srv, nil
}

// defaultCalibrationFile is calibration.json next to the default results
// file, where plan benchmark --calibrate writes it; "" when it is absent.
func defaultCalibrationFile(e *env) string {
	path := filepath.Join(filepath.Dir(defaultResultsPath(e)), "calibration.json")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return ""
	}
	return path
}

// defaultResultsPath is <data dir>/plan/benchmarks.jsonl, the data directory
// being $XDG_DATA_HOME or the platform's usual place.
func defaultResultsPath(e *env) string {
	return filepath.Join(dataDir(e), "plan", "benchmarks.jsonl")
}

func dataDir(e *env) string {
	if d := e.getenv("XDG_DATA_HOME"); d != "" {
		return d
	}
	home := e.getenv("HOME")
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Application Support")
	case "windows":
		if d := e.getenv("LOCALAPPDATA"); d != "" {
			return d
		}
	}
	return filepath.Join(home, ".local", "share")
}

// modelServerClient is the HTTP client of every command that talks to a
// model server (see backend.NewHTTPClient).
func modelServerClient(connect, timeout time.Duration) *http.Client {
	return backend.NewHTTPClient(connect, timeout)
}

// priceTable returns the built-in prices with the --prices file merged over them.
func priceTable(path string) (*pricing.Table, error) {
	t, err := pricing.EmbeddedWith(path)
	if err != nil && path != "" {
		return nil, fmt.Errorf("--prices: %w", err)
	}
	return t, err
}

// bandwidth is this machine's memory bandwidth: the measurement kept from an
// earlier command when it was taken on this machine within
// hwprofile.SavedBandwidthMaxAge, else one taken now, and then kept. The
// measurement copies two 256 MiB buffers for about 1.5 s, so commands that
// need the figure pay for it once.
func (e *env) bandwidth(ctx context.Context) (planner.Bandwidth, error) {
	p, detErr := hwprofile.Detect(ctx, e.detectOptions())
	path := e.bandwidthFile()
	if s, ok := hwprofile.ReadSavedBandwidth(path); ok && detErr == nil && s.Matches(p, time.Now()) {
		return planner.Bandwidth{GBPerS: s.GBPerS, Kept: path, Measured: s.Measured}, nil
	}
	b, err := hwprofile.MeasureBandwidth(ctx, hwprofile.BandwidthOptions{})
	if err != nil {
		return planner.Bandwidth{}, fmt.Errorf("measuring memory bandwidth: %w", err)
	}
	e.keepBandwidth(p, detErr, b)
	return planner.Bandwidth{GBPerS: b.GBPerS}, nil
}

// keepBandwidth keeps a measurement for later commands; failing to only
// costs a new measurement next time.
func (e *env) keepBandwidth(p hwprofile.Profile, detErr error, b hwprofile.Bandwidth) {
	if path := e.bandwidthFile(); path != "" && detErr == nil {
		_ = hwprofile.SaveBandwidth(path, p, b, time.Now())
	}
}

// bandwidthFile is where this machine's bandwidth is kept: under
// $XDG_CACHE_HOME, else $HOME/.cache; "" when neither is set.
func (e *env) bandwidthFile() string {
	cache := e.getenv("XDG_CACHE_HOME")
	if cache == "" {
		if home := e.getenv("HOME"); home != "" {
			cache = filepath.Join(home, ".cache")
		}
	}
	if cache == "" {
		return ""
	}
	return hwprofile.SavedBandwidthFile(cache)
}
