package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/internal/progress"
	"github.com/plan-cli/plan/planner"
)

// Exit codes, decided here and nowhere else.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// errInterrupted is the cause of a context cancelled by Ctrl-C.
var errInterrupted = errors.New("interrupted")

// env is everything the program takes from its surroundings. Nothing below main
// reads os.Stdout, os.Stderr or the environment directly.
type env struct {
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
	getenv    func(string) string
	stdinTTY  bool
	stderrTTY bool
	// columns is the width of the terminal on stdout, 0 when stdout is not
	// a terminal; wide (--wide) asks for every column whatever the width.
	columns int
	wide    bool
	// line is the progress line on stderr, cleared before anything else is
	// written there.
	line *progress.Line
	// machine is how this machine is read: its filesystem root and vendor
	// tools (the zero value: the real ones; tests replay recorded ones).
	machine hwprofile.Options
}

// progressLine starts the progress line of a command's long work.
func (e *env) progressLine() *progress.Line {
	e.line = progress.NewLine(e.stderr, e.stderrTTY)
	return e.line
}

// detectOptions are the options of every detection of this machine.
func (e *env) detectOptions() hwprofile.Options {
	o := e.machine
	o.Getenv, o.PlanVersion = e.getenv, planVersion()
	return o
}

// width is the width tables are fitted to: 0 (no limit) with --wide or when
// stdout is not a terminal.
func (e *env) width() int {
	if e.wide {
		return 0
	}
	return e.columns
}

// widthFor is the width of tables written to path (-o): none for a file,
// the terminal's for stdout.
func (e *env) widthFor(path string) int {
	if path != "" && path != "-" {
		return 0
	}
	return e.width()
}

// usageError is a mistake in the command line; it exits 2 and prints usage.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, e *env) int {
	root := newRootCmd(e)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && errors.Is(context.Cause(ctx), errInterrupted) {
		err = errInterrupted // whatever was under way when Ctrl-C came
	}
	return exitCode(cmd, err, e.stderr)
}

func exitCode(cmd *cobra.Command, err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var u usageError
	var fe *planner.FlagError
	switch {
	case errors.Is(err, errInterrupted):
		fmt.Fprintln(stderr, "plan: interrupted")
		return exitInterrupted
	case errors.As(err, &u) || errors.As(err, &fe) || isFlagError(err):
		fmt.Fprintf(stderr, "plan: %v\n", err)
		if cmd != nil {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return exitUsage
	default:
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return exitFailure
	}
}

// isFlagError recognises cobra's own command-line errors, which it returns as plain errors.
func isFlagError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "invalid argument",
		"flag needs an argument", "accepts ", "requires at least", "required flag"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, " "+p) {
			return true
		}
	}
	return false
}
