package ollamatest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

func TestSweepStale(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	stale := staleDir(t, dead.Process.Pid)
	sleeper := exec.Command("sleep", "60")
	sleeper.Dir = stale
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { sleeper.Wait(); close(exited) }()
	t.Cleanup(func() { sleeper.Process.Kill(); <-exited })
	live := staleDir(t, os.Getpid())

	sweepStale()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("directory of a dead owner: %v; want it removed", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("directory of a live owner: %v; want it kept", err)
	}
	if runtime.GOOS != "linux" {
		return
	}
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Error("a process working in the stale directory is still running")
	}
}

// staleDir creates a server directory owned by pid.
func staleDir(t *testing.T, pid int) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ollamatest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
