package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plan-cli/plan/hwprofile/gguf"
)

// plan simulate --model-file predicts a model the catalog does not know
// from its GGUF header: the weights it reads are the file's, and a bigger
// file of the same shape decodes slower.
func TestSimulateModelFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, width int) (string, int64) {
		spec := gguf.DefaultSpec()
		spec.EmbeddingLength, spec.FeedForwardLength = width, 3*width
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := spec.WriteGGUF(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		st, _ := os.Stat(path)
		return path, st.Size()
	}
	small, smallSize := write("small.gguf", 512)
	big, _ := write("big.gguf", 2048)
	args := []string{"--rate", "0.5", "--duration", "10m", "--gpu", "RTX 4090"}
	a := simulateJSON(t, append([]string{"--model-file", small}, args...)...)
	b := simulateJSON(t, append([]string{"--model-file", big}, args...)...)
	if a.Prediction == nil || b.Prediction == nil {
		t.Fatal("no prediction")
	}
	p := a.Prediction
	if p.Model != "small.gguf" || p.Quantization != "F16" || !strings.HasPrefix(p.ModelSource, "GGUF header of ") {
		t.Errorf("model %q %q from %q", p.Model, p.Quantization, p.ModelSource)
	}
	if r := float64(p.WeightsBytes) / float64(smallSize); r > 1 || r < 0.9 {
		t.Errorf("weights %d bytes of a %d-byte file", p.WeightsBytes, smallSize)
	}
	if !(b.Prediction.DecodeTPS < p.DecodeTPS) || math.IsNaN(p.DecodeTPS) {
		t.Errorf("decode %.1f tok/s for the big file, %.1f for the small one", b.Prediction.DecodeTPS, p.DecodeTPS)
	}
	code, _, stderr := runPlan(t, context.Background(), nil, append([]string{"simulate", "--model-file", small, "--quant", "q8_0"}, args...)...)
	if code != 2 || !strings.Contains(stderr, "--model-file") {
		t.Errorf("--model-file with --quant: exit %d, %q", code, stderr)
	}
	code, _, stderr = runPlan(t, context.Background(), nil, append([]string{"simulate", "--model-file", filepath.Join(dir, "none.gguf")}, args...)...)
	if code == 0 || !strings.Contains(stderr, "none.gguf") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("missing --model-file: exit %d, %q", code, stderr)
	}
}
