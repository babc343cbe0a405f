package main

import (
	"fmt"
	"strings"

	"github.com/plan-cli/plan/pricing/usage"
)

// Bad rows of usage exports, said on stderr by every command that reads them.

// warnings prints the first bad rows to stderr and counts the rest.
type warnings struct {
	e     *env
	count int
}

const shownWarnings = 10

func newWarnings(e *env) *warnings { return &warnings{e: e} }

func (w *warnings) add(x usage.Warning) {
	w.count++
	if w.count <= shownWarnings {
		w.e.line.Clear()
		fmt.Fprintf(w.e.stderr, "plan: warning: %s\n", x)
	}
}

func (w *warnings) summary(stats usage.Stats) {
	if w.count == 0 {
		return
	}
	more := ""
	if w.count > shownWarnings {
		more = fmt.Sprintf(" (%d not shown)", w.count-shownWarnings)
	}
	var parts []string
	if stats.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d bad rows skipped (--strict stops at the first)", stats.Skipped))
	}
	if stats.RepeatedRows > 0 {
		parts = append(parts, fmt.Sprintf("%d repeated requests counted once", stats.RepeatedRows))
	}
	if stats.Duplicates > 0 {
		parts = append(parts, fmt.Sprintf("%d copies of an export read once", stats.Duplicates))
	}
	if len(parts) > 0 {
		w.e.line.Clear()
		fmt.Fprintf(w.e.stderr, "plan: %s%s\n", strings.Join(parts, ", "), more)
	}
}
