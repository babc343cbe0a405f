package hwprofile

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A kept measurement stands for the machine it was taken on, for a month.
func TestSavedBandwidth(t *testing.T) {
	path := SavedBandwidthFile(t.TempDir())
	p := Profile{CPU: CPU{Model: "Test CPU", LogicalCores: 8}, Memory: Memory{TotalBytes: 32 << 30}}
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	if _, ok := ReadSavedBandwidth(path); ok {
		t.Fatal("a missing file read")
	}
	if err := SaveBandwidth(path, p, Bandwidth{GBPerS: 61.3, Threads: 8, BufferBytes: 32 << 20, Passes: 20}, now); err != nil {
		t.Fatal(err)
	}
	s, ok := ReadSavedBandwidth(path)
	if !ok || s.GBPerS != 61.3 || !s.Matches(p, now.Add(time.Hour)) {
		t.Fatalf("read back %+v, %v", s, ok)
	}
	other := p
	other.Memory.TotalBytes = 64 << 30
	for name, c := range map[string]struct {
		p   Profile
		now time.Time
	}{
		"another machine": {other, now},
		"too old":         {p, now.Add(SavedBandwidthMaxAge + time.Hour)},
		"from the future": {p, now.Add(-time.Hour)},
	} {
		if s.Matches(c.p, c.now) {
			t.Errorf("%s: matched", name)
		}
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := ReadSavedBandwidth(path); ok {
		t.Error("a damaged file read")
	}
	if matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".bandwidth-*")); len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}
