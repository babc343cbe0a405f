package ollamatest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkGroupGone fails the test if a process of the server's group, such as a model runner,
// is still alive (zombies waiting to be reaped do not count) two seconds after the call.
func checkGroupGone(t *testing.T, s *Server) {
	t.Helper()
	pgid := s.cmd.Process.Pid
	deadline := time.Now().Add(2 * time.Second)
	for {
		alive := liveGroupMembers(pgid)
		if len(alive) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("processes %v of group %d still alive", alive, pgid)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// liveGroupMembers returns the processes of group pgid that are not zombies, from /proc.
func liveGroupMembers(pgid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var pids []int
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(fields) < 3 || fields[0] == "Z" || fields[2] != strconv.Itoa(pgid) {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		pids = append(pids, pid)
	}
	return pids
}
