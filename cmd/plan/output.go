package main

import (
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
