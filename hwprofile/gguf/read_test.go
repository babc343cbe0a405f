package gguf_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/plan-cli/plan/hwprofile/gguf"
	"github.com/plan-cli/plan/planner"
)

// A generated GGUF file's header reads back as the model it describes,
// and sizes its weights as the file holds them.
func TestReadDetails(t *testing.T) {
	spec := gguf.DefaultSpec()
	path := filepath.Join(t.TempDir(), "m.gguf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.WriteGGUF(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	d, size, err := gguf.ReadDetails(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := planner.ArchFromShow("m", d, size)
	if err != nil {
		t.Fatal(err)
	}
	if a.Layers != spec.BlockCount || a.EmbeddingLength != spec.EmbeddingLength || a.Params != int64(spec.ParameterCount()) {
		t.Errorf("read %d layers, width %d, %d weights; want %d, %d, %d", a.Layers, a.EmbeddingLength, a.Params, spec.BlockCount, spec.EmbeddingLength, spec.ParameterCount())
	}
	if a.WeightSource != planner.WeightsFromTensors || a.WeightBytes > size || a.WeightBytes < size*9/10 {
		t.Errorf("weights %d bytes from %s; the file is %d bytes", a.WeightBytes, a.WeightSource, size)
	}
	if a.TokenBytes <= 0 || a.TokenBytes > a.WeightBytes {
		t.Errorf("a token reads %d bytes of %d", a.TokenBytes, a.WeightBytes)
	}
	if _, _, err := gguf.ReadDetails(filepath.Join(t.TempDir(), "missing.gguf")); err == nil {
		t.Error("a missing file read")
	}
	bad := filepath.Join(t.TempDir(), "bad.gguf")
	os.WriteFile(bad, []byte("not a model"), 0o644)
	if _, _, err := gguf.ReadDetails(bad); err == nil {
		t.Error("a file that is not GGUF read")
	}
}
