package ollamatest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Each server directory holds a file naming the process that started the server. A test
// process that dies without stopping its servers (killed, or ended by a test timeout) leaves
// the directory behind; the server dies with its parent on Linux, but its model runners
// live on. sweepStale, run before each start, clears up after such processes.

const ownerFile = "owner"

func writeOwner(dir string) error {
	return os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644)
}

// sweepStale ends the processes of servers whose owner has died and removes their directories.
// Directories without an owner file, or whose owner is alive, are left alone.
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "ollamatest-*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || processAlive(pid) {
			continue
		}
		killProcessesIn(dir)
		os.RemoveAll(dir)
	}
}
