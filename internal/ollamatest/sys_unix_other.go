//go:build unix && !linux

package ollamatest

import "syscall"

// sysProcAttr puts the server in its own process group, so that its model runners can be
// stopped with it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
