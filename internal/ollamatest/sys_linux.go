package ollamatest

import "syscall"

// sysProcAttr puts the server in its own process group, so that its model runners can be
// stopped with it, and has it killed if the test process dies first.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
