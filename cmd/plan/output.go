package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/internal/output"
)

// checkFormat returns a usage error unless value is one of allowed.
func checkFormat(value string, allowed ...string) error {
	if err := output.CheckFormat(value, allowed...); err != nil {
		return usageError{err}
	}
	return nil
}

// checkOutputs returns a usage error when an output would replace an input.
func checkOutputs(inputs []string, outputs map[string]string) error {
	if err := output.CheckOutputs(inputs, outputs); err != nil {
		return usageError{err}
	}
	return nil
}

// formatFromOutput sets *format from the extension of the -o file when
// --format was not given: report.html is HTML, report.md Markdown.
func formatFromOutput(cmd *cobra.Command, format *string, path string, allowed ...string) {
	if path == "" || cmd.Flags().Changed("format") {
		return
	}
	if f := output.FormatOf(path, allowed...); f != "" {
		*format = f
	}
}

// writeOutput writes with write to the file path (atomically), or to
// stdout when path is empty, and names the file it wrote on stderr.
func writeOutput(e *env, path string, write func(io.Writer) error) error {
	if err := output.WriteTo(e.stdout, path, write); err != nil {
		return err
	}
	if path != "" && path != "-" {
		fmt.Fprintf(e.stderr, "plan: wrote %s\n", path)
	}
	return nil
}
