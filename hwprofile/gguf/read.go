package gguf

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/ollama/ollama/fs/ggml"

	"github.com/plan-cli/plan/hwprofile/bench"
)

// maxMetadataArray is the longest metadata array ReadDetails keeps: per-layer
// values are kept, the vocabulary and merges are not.
const maxMetadataArray = 4096

// ReadDetails reads a GGUF model file's header: its metadata, in the form
// of /api/show's model_info, and its tensors (name, type and shape). It
// returns them with the file's size; the weights themselves are not read.
func ReadDetails(path string) (bench.ModelDetails, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return bench.ModelDetails{}, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return bench.ModelDetails{}, 0, err
	}
	g, err := ggml.Decode(f, maxMetadataArray)
	if err != nil {
		return bench.ModelDetails{}, 0, fmt.Errorf("%s: not a GGUF model file (%v)", path, err)
	}
	// The metadata's numbers and arrays take the shapes JSON gives them,
	// as /api/show's do.
	raw, err := json.Marshal(g.KV())
	if err != nil {
		return bench.ModelDetails{}, 0, fmt.Errorf("%s: reading the metadata: %w", path, err)
	}
	var d bench.ModelDetails
	if err := json.Unmarshal(raw, &d.ModelInfo); err != nil {
		return bench.ModelDetails{}, 0, fmt.Errorf("%s: reading the metadata: %w", path, err)
	}
	for _, t := range g.Tensors().Items() {
		d.Tensors = append(d.Tensors, bench.Tensor{Name: t.Name, Type: ggml.TensorType(t.Kind).String(), Shape: t.Shape})
	}
	return d, st.Size(), nil
}
