// Command plan measures this machine and the models it serves, reads cloud usage
// exports, and works out how much LLM traffic can run locally and when the
// hardware pays for itself.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"
)

func main() {
	ctx, stop := interruptContext()
	defer stop()
	e := &env{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		getenv:    os.Getenv,
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		columns:   stdoutColumns(),
	}
	os.Exit(run(ctx, os.Args[1:], e))
}

// duplicateSignal is how soon after the first a signal is taken for a copy of
// it: a terminal's Ctrl-C goes to the whole foreground process group, and a
// wrapper in that group (timeout, a script) passes its own copy on.
const duplicateSignal = time.Second

// interruptContext returns a context cancelled by the first Ctrl-C (or SIGTERM);
// a second one, a second or more later, ends the process at once with exit code 130.
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		cancel(errInterrupted)
		first := time.Now()
		for range sigs {
			if time.Since(first) >= duplicateSignal {
				os.Exit(exitInterrupted)
			}
		}
	}()
	return ctx, func() { signal.Stop(sigs); cancel(nil) }
}

// stdoutColumns is the width of the terminal on stdout, or 0.
func stdoutColumns() int {
	w, _, err := term.GetSize(int(os.Stdout.Fd()))
	if err != nil {
		return 0
	}
	return w
}
