package hwprofile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// SavedBandwidth is a bandwidth measurement kept for later commands, with
// the machine it was taken on.
type SavedBandwidth struct {
	CPU          string    `json:"cpu"`
	LogicalCores int       `json:"logical_cores"`
	MemoryBytes  uint64    `json:"memory_bytes"`
	GBPerS       float64   `json:"gb_per_s"`
	Method       string    `json:"method"`
	Measured     time.Time `json:"measured"`
}

// SavedBandwidthMaxAge is how long a kept measurement stands in for a new
// one.
const SavedBandwidthMaxAge = 30 * 24 * time.Hour

// SavedBandwidthFile is the file that keeps this machine's bandwidth under
// a cache directory ($XDG_CACHE_HOME, else $HOME/.cache): cache/plan/bandwidth.json.
func SavedBandwidthFile(cache string) string { return filepath.Join(cache, "plan", "bandwidth.json") }

// Matches reports whether the measurement was taken on the profile's
// machine (the same CPU model, cores and memory) within the maximum age.
func (s SavedBandwidth) Matches(p Profile, now time.Time) bool {
	return s.GBPerS > 0 && s.CPU == p.CPU.Model && s.LogicalCores == p.CPU.LogicalCores &&
		s.MemoryBytes == p.Memory.TotalBytes && now.Sub(s.Measured) >= 0 && now.Sub(s.Measured) <= SavedBandwidthMaxAge
}

// ReadSavedBandwidth reads a kept measurement; a file that is missing or
// damaged reads as none.
func ReadSavedBandwidth(path string) (SavedBandwidth, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return SavedBandwidth{}, false
	}
	var s SavedBandwidth
	if json.Unmarshal(b, &s) != nil {
		return SavedBandwidth{}, false
	}
	return s, true
}

// SaveBandwidth keeps a measurement of the profile's machine, replacing the
// file at once (a reader never sees half of it).
func SaveBandwidth(path string, p Profile, b Bandwidth, now time.Time) error {
	s := SavedBandwidth{CPU: p.CPU.Model, LogicalCores: p.CPU.LogicalCores, MemoryBytes: p.Memory.TotalBytes,
		GBPerS: b.GBPerS, Method: b.Method(), Measured: now.UTC()}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("keeping the bandwidth: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bandwidth-*.json")
	if err != nil {
		return fmt.Errorf("keeping the bandwidth: %w", err)
	}
	_, werr := tmp.Write(append(data, '\n'))
	if err := errors.Join(werr, tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("keeping the bandwidth in %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}
