package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/plan-cli/plan/internal/ollamatest"
)

func TestMain(m *testing.M) { ollamatest.Main(m) }

// runPlan runs the command line as main would, with no terminal and the given environment.
func runPlan(t *testing.T, ctx context.Context, environ map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errOut,
		getenv: func(k string) string { return environ[k] },
	}
	code = run(ctx, args, e)
	return code, out.String(), errOut.String()
}

// Two Ctrl-Cs at once (a terminal sends one to every process of its
// foreground group, and a wrapper passes its own on) cancel the work; they
// do not end the process before it can print what it has.
func TestInterruptTwiceAtOnce(t *testing.T) {
	ctx, stop := interruptContext()
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Skip(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("not cancelled")
	}
	// The copy a wrapper passes on comes a moment later.
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	time.Sleep(200 * time.Millisecond) // the process is still here
}
