package main

import (
	"bytes"
	"os"
	"testing"
)

// The embedded example is what the generator writes.
func TestExampleUpToDate(t *testing.T) {
	want, err := os.ReadFile("../../examples/openai_usage_example_2026-10.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(generate(), want) {
		t.Error("examples/openai_usage_example_2026-10.csv.gz is stale: run go generate ./data")
	}
}
