package ollamatest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// exclusiveLock is the machine-wide lock file Exclusive takes.
const exclusiveLock = "plan-ollamatest-exclusive.lock"

// Exclusive waits (up to wait) for the machine-wide lock that timing-sensitive
// tests take, in this and every other test process on the machine, and holds
// it until the test ends, so two such tests never measure at the same time.
// It only excludes tests that call it.
func Exclusive(t testing.TB, wait time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	start := time.Now()
	unlock, err := lockFile(ctx, filepath.Join(os.TempDir(), exclusiveLock))
	if err != nil {
		t.Fatalf("machine-wide test lock: %v (another timing-sensitive test holds it)", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Logf("waited %v for the machine-wide test lock", d.Round(time.Second))
	}
	t.Cleanup(unlock)
}
