package planner

import (
	"fmt"
	"math"

	"github.com/plan-cli/plan/simulate"
)

// Arch is what sizing a model's memory needs to know about it: its shape,
// and the size of its weights. Build it with ArchFromCatalog (an Ollama tag
// of the embedded open-model catalog at a quantization type) or ArchFromShow
// (a model installed on an Ollama server). Unknown figures are zero.
type Arch struct {
	Name   string // the Ollama tag or model name
	Family string // GGUF architecture: llama, qwen2, gemma3, ...
	Quant  string // file type, such as Q4_K_M

	Params       int64 // all weights
	ActiveParams int64 // weights used per token (fewer than Params for a mixture of experts)

	Layers int // transformer blocks
	Heads  int // attention (query) heads
	// KVHeads is the key/value heads of a layer; KVHeadsPerLayer, when set,
	// gives them layer by layer (models whose layers differ).
	KVHeads         int
	KVHeadsPerLayer []int
	KeyLength       int // dimension of a key head
	ValueLength     int // dimension of a value head (usually KeyLength)

	EmbeddingLength   int // width of the residual stream
	FeedForwardLength int // hidden width of the MLP
	VocabSize         int // tokens in the vocabulary
	ContextLength     int // the longest context the model was trained for (its advertised maximum)

	// SlidingWindow is the tokens a sliding-window layer attends to, and
	// GlobalEvery says that every GlobalEvery-th layer (the 6th, 12th, ...)
	// attends to the whole context; both zero when every layer is global.
	SlidingWindow int
	GlobalEvery   int

	// WeightBytes is the size of all weights: the sum of the tensors, the
	// GGUF file size, or parameters x bits per weight, as WeightSource says.
	WeightBytes  int64
	WeightSource string
	// LayerBytes is the weights of each transformer block, when known
	// tensor by tensor; else the blocks share WeightBytes - OutputBytes -
	// InputEmbeddingBytes evenly.
	LayerBytes []int64
	// OutputBytes is the output norm and the output matrix (the token
	// embedding when the model ties them), which Ollama places after the
	// blocks.
	OutputBytes int64
	// InputEmbeddingBytes is the token embedding of a model with a separate
	// output matrix. llama.cpp keeps it in system memory, and Ollama leaves
	// it out of the size it reports.
	InputEmbeddingBytes int64
	// TokenBytes is the weights read for one decoded token: the blocks (of
	// a mixture of experts, the shared tensors and the active experts) and
	// the output matrix; 0 if unknown (then the active parameters at the
	// whole-file bits per weight).
	TokenBytes int64
}

// Weight sources of an Arch.
const (
	WeightsFromTensors = "tensor sizes"
	WeightsFromFile    = "file size"
	WeightsFromParams  = "tensor groups x their types' bits per weight"
)

// KVHeadsOf returns the key/value heads of layer i.
func (a Arch) KVHeadsOf(i int) int {
	if i < len(a.KVHeadsPerLayer) {
		return a.KVHeadsPerLayer[i]
	}
	return a.KVHeads
}

// IsGlobal says whether layer i (from 0) attends to the whole context.
func (a Arch) IsGlobal(i int) bool {
	if a.SlidingWindow <= 0 || a.GlobalEvery <= 0 {
		return true
	}
	return (i+1)%a.GlobalEvery == 0
}

// BlockBytes returns the weights of transformer block i.
func (a Arch) BlockBytes(i int) int64 {
	if i < len(a.LayerBytes) {
		return a.LayerBytes[i]
	}
	if a.Layers <= 0 {
		return 0
	}
	return max(0, a.WeightBytes-a.OutputBytes-a.InputEmbeddingBytes) / int64(a.Layers)
}

// Validate reports whether the shape is complete enough to size the memory.
func (a Arch) Validate() error {
	switch {
	case a.Layers <= 0 || a.Heads <= 0 || a.EmbeddingLength <= 0:
		return fmt.Errorf("model %s: layers, heads and embedding length are needed, got %d, %d and %d",
			a.Name, a.Layers, a.Heads, a.EmbeddingLength)
	case a.KVHeads <= 0 && len(a.KVHeadsPerLayer) == 0:
		return fmt.Errorf("model %s: the number of key/value heads is unknown", a.Name)
	case a.KeyLength <= 0 || a.ValueLength <= 0:
		return fmt.Errorf("model %s: the key and value head lengths are unknown", a.Name)
	case a.WeightBytes <= 0:
		return fmt.Errorf("model %s: the size of the weights is unknown", a.Name)
	}
	return nil
}

// ArchFromCatalog builds the Arch of a tag of the embedded open-model
// catalog (simulate.LookupModel) at a quantization type such as "Q4_K_M";
// an empty quant takes the one the tag names, else the catalog's default.
// The weights are counted tensor group by tensor group at that type
// (simulate.OpenModel.Weights): the blocks, the token embedding, the output
// matrix and a vision tower.
func ArchFromCatalog(tag, quant string) (Arch, error) {
	m, tagQuant, ok := simulate.LookupModel(tag)
	if !ok {
		return Arch{}, fmt.Errorf("model %q is not in the open-model catalog (data/models/models.csv): use an installed model or a tag the catalog lists", tag)
	}
	q := simulate.NormalizeQuant(firstNonEmpty(quant, tagQuant, m.DefaultQuant, "Q4_K_M"))
	w, err := m.Weights(q)
	if err != nil {
		return Arch{}, fmt.Errorf("model %s: unknown quantization %q (try Q4_K_M, Q8_0 or F16)", tag, q)
	}
	a := Arch{
		Name: m.Tag, Family: m.Arch, Quant: q,
		Params: m.Params, ActiveParams: m.ActiveParams,
		Layers: m.Layers, Heads: m.Heads, KVHeads: m.KVHeads,
		KeyLength: m.HeadDim, ValueLength: m.HeadDim,
		EmbeddingLength: m.Hidden, VocabSize: m.Vocab,
		ContextLength: m.MaxContext, SlidingWindow: m.SlidingWindow, GlobalEvery: m.GlobalEvery,
		WeightBytes:  int64(math.Round(w.Total)),
		WeightSource: WeightsFromParams,
		OutputBytes:  int64(math.Round(w.Output)), InputEmbeddingBytes: int64(math.Round(w.InputEmbedding)),
		TokenBytes: int64(math.Round(w.Token)),
	}
	return a, a.Validate()
}

// ShapeOf is the model an Arch describes, as the throughput model reads
// it.
func ShapeOf(a Arch) simulate.ModelShape {
	return simulate.ModelShape{
		Name: a.Name, Params: a.Params, ActiveParams: a.ActiveParams,
		Layers: a.Layers, KVHeads: a.KVHeads, HeadDim: max(a.KeyLength, 1),
		BitsPerWeight: 8 * float64(a.WeightBytes) / float64(max(a.Params, 1)), Quant: a.Quant,
		Bytes: float64(a.WeightBytes), TokenBytes: float64(a.TokenBytes),
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
