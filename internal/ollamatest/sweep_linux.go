package ollamatest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// killProcessesIn kills the processes, found in /proc, that work in dir or name a file under
// it on their command line: a server and its model runners.
func killProcessesIn(dir string) {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, proc := range procs {
		pid, err := strconv.Atoi(filepath.Base(proc))
		if err != nil || pid == os.Getpid() {
			continue
		}
		cwd, _ := os.Readlink(filepath.Join(proc, "cwd"))
		cmdline, _ := os.ReadFile(filepath.Join(proc, "cmdline"))
		if strings.TrimSuffix(cwd, " (deleted)") == dir || strings.Contains(string(cmdline), dir+"/") {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
