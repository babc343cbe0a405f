package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

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

// formatFromOutput takes the format from the extension of the -o file
// (report.html is HTML, report.md Markdown) when --format is not given. An
// extension naming a format the command does not write, or another than
// --format, is a usage error; a name with no such extension keeps --format.
func formatFromOutput(cmd *cobra.Command, format *string, path string, allowed ...string) error {
	ext := output.FormatOf(path, output.Formats...)
	switch {
	case path == "" || path == "-" || ext == "":
		return nil
	case !slices.Contains(allowed, ext):
		return usagef("-o %s: %s writes %s, not %s", path, cmd.CommandPath(), strings.Join(allowed, ", "), ext)
	case cmd.Flags().Changed("format") && *format != ext:
		return usagef("-o %s is named as %s, but --format is %s", path, ext, *format)
	}
	*format = ext
	return nil
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
