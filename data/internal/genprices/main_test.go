package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestEmbeddedTableIsUpToDate regenerates the embedded price table from the
// copy of the upstream file and checks that the committed files are the result.
func TestEmbeddedTableIsUpToDate(t *testing.T) {
	out := t.TempDir()
	if err := run("../../../pricing/testdata/litellm_model_prices_2026-07-24.json", out, "2026-07-24T18:23:43Z"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"litellm_prices.json", "provenance.json"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("../../prices", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("data/prices/%s differs from what go generate writes; run go generate ./data", name)
		}
	}
}

func TestRunNeedsInputAndDate(t *testing.T) {
	if err := run("", t.TempDir(), ""); err == nil {
		t.Error("run without -in and -updated succeeded; want an error")
	}
	if err := run("missing.json", t.TempDir(), "2026-07-24T18:23:43Z"); err == nil {
		t.Error("run with a missing file succeeded; want an error")
	}
}
