package planner

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/plan-cli/plan/hwprofile/bench"
)

// Show is what /api/show says of a model's shape.
type Show = bench.ModelDetails

// Tensor is one weight tensor of a model file.
type Tensor = bench.Tensor

// ArchFromShow builds the Arch of a model installed on an Ollama server
// from its /api/show answer (model_info and tensors) and the size of its
// files from /api/tags (0 if unknown). The weights are the sum of the
// tensors when their types are known, else fileBytes. Ollama runs gemma3
// with a sliding-window cache on every layer but each 6th; other models'
// sliding_window keys are ignored, as Ollama v0.6.5 gives them a full cache.
func ArchFromShow(name string, show Show, fileBytes int64) (Arch, error) {
	info := modelInfo(show.ModelInfo)
	family, _ := show.ModelInfo["general.architecture"].(string)
	if family == "" {
		return Arch{}, fmt.Errorf("model %s: /api/show has no general.architecture in model_info (is it a GGUF model?)", name)
	}
	key := func(k string) string { return family + "." + k }
	a := Arch{
		Name: name, Family: family,
		Params:            info.int("general.parameter_count"),
		Layers:            int(info.int(key("block_count"))),
		Heads:             int(info.maxInt(key("attention.head_count"))),
		EmbeddingLength:   int(info.int(key("embedding_length"))),
		FeedForwardLength: int(info.maxInt(key("feed_forward_length"))),
		ContextLength:     int(info.int(key("context_length"))),
		VocabSize:         int(info.int(key("vocab_size"))),
	}
	a.ActiveParams = a.Params
	if ft, ok := info.get("general.file_type"); ok {
		a.Quant = FileTypeName(int(ft))
	}
	a.KVHeads, a.KVHeadsPerLayer = info.perLayer(key("attention.head_count_kv"), a.Layers)
	if a.KVHeads == 0 {
		a.KVHeads = a.Heads
	}
	headDim := 0
	if a.Heads > 0 {
		headDim = a.EmbeddingLength / a.Heads
	}
	a.KeyLength = int(info.intOr(key("attention.key_length"), int64(headDim)))
	a.ValueLength = int(info.intOr(key("attention.value_length"), int64(headDim)))
	if family == "gemma3" {
		a.SlidingWindow, a.GlobalEvery = int(info.int(key("attention.sliding_window"))), 6
	}
	experts, used := info.int(key("expert_count")), info.int(key("expert_used_count"))
	a.setWeights(show.Tensors, fileBytes, expertShare(experts, used))
	return a, a.Validate()
}

// setWeights sizes the weights from the tensor list, or from the file size
// when the tensor types cannot be read.
func (a *Arch) setWeights(tensors []Tensor, fileBytes int64, experts float64) {
	best, found := weightSplit{}, false
	for _, lookup := range []func(string) (tensorType, bool){typeByLabel, typeByName} {
		w, ok := splitTensors(tensors, a.Layers, lookup, experts)
		if !ok || (fileBytes > 0 && w.total() > fileBytes) {
			continue
		}
		if !found || w.total() > best.total() {
			best, found = w, true
		}
	}
	if found {
		a.WeightBytes, a.WeightSource = best.total(), WeightsFromTensors
		a.LayerBytes, a.OutputBytes, a.InputEmbeddingBytes = best.layers, best.output, best.inputEmbedding
		a.TokenBytes = best.token
		if best.activeParams > 0 && best.activeParams < a.Params {
			a.ActiveParams = best.activeParams
		}
		if a.VocabSize == 0 {
			a.VocabSize = best.vocab
		}
		return
	}
	a.WeightBytes, a.WeightSource = fileBytes, WeightsFromFile
	if a.VocabSize == 0 {
		a.VocabSize = vocabFromTensors(tensors)
	}
}

// weightSplit is the weights of a model by where Ollama places them.
type weightSplit struct {
	layers         []int64 // each block
	output         int64   // output norm and output matrix (or the tied token embedding)
	inputEmbedding int64   // the token embedding, when the output matrix is separate
	other          int64   // anything else (rope frequencies, ...)
	vocab          int
	// token is the weights a decoded token reads: the blocks, with the
	// experts' tensors at the share of experts used, and the output; and
	// activeParams the same count in weights.
	token, activeParams int64
}

// expertShare is the share of a mixture's experts a token uses; 1 for a
// model without experts.
func expertShare(count, used int64) float64 {
	if count <= 0 || used <= 0 || used > count {
		return 1
	}
	return float64(used) / float64(count)
}

// isExpert says whether a block tensor holds every expert's weights
// (blk.N.ffn_up_exps.weight and the like).
func isExpert(name string) bool { return strings.Contains(name, "_exps.") }

// elements is the number of weights of a tensor.
func elements(shape []uint64) int64 {
	n := int64(1)
	for _, d := range shape {
		n *= int64(d)
	}
	return n
}

func (w weightSplit) total() int64 {
	t := w.output + w.inputEmbedding + w.other
	for _, b := range w.layers {
		t += b
	}
	return t
}

// splitTensors adds up the tensors by block, output and token embedding,
// reading each type with lookup; false when a type is unknown.
func splitTensors(tensors []Tensor, layers int, lookup func(string) (tensorType, bool), experts float64) (weightSplit, bool) {
	w := weightSplit{layers: make([]int64, layers)}
	if len(tensors) == 0 || layers <= 0 {
		return w, false
	}
	hasOutput := false
	for _, t := range tensors {
		typ, ok := lookup(t.Type)
		if !ok {
			return w, false
		}
		size := tensorBytes(typ, t.Shape)
		switch block, isBlock := blockIndex(t.Name); {
		case isBlock && block < layers:
			w.layers[block] += size
			share := 1.0
			if isExpert(t.Name) {
				share = experts
			}
			w.token += int64(float64(size) * share)
			w.activeParams += int64(float64(elements(t.Shape)) * share)
		case t.Name == "output.weight":
			hasOutput = true
			w.output += size
			w.token += size
			w.activeParams += elements(t.Shape)
		case strings.HasPrefix(t.Name, "output_norm."):
			w.output += size
		case t.Name == "token_embd.weight":
			w.inputEmbedding += size
			if len(t.Shape) == 2 {
				w.vocab = int(t.Shape[1])
			}
		default:
			w.other += size
		}
	}
	if !hasOutput {
		w.output, w.inputEmbedding = w.output+w.inputEmbedding, 0
		w.token += w.output // the tied embedding is the output matrix
		for _, t := range tensors {
			if t.Name == "token_embd.weight" {
				w.activeParams += elements(t.Shape)
			}
		}
	}
	return w, true
}

// blockIndex returns N of a tensor named blk.N.something.
func blockIndex(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "blk.")
	if !ok {
		return 0, false
	}
	n, _, _ := strings.Cut(rest, ".")
	i, err := strconv.Atoi(n)
	return i, err == nil && i >= 0
}

func vocabFromTensors(tensors []Tensor) int {
	for _, t := range tensors {
		if t.Name == "token_embd.weight" && len(t.Shape) == 2 {
			return int(t.Shape[1])
		}
	}
	return 0
}

// modelInfo reads the numbers of /api/show's model_info, which arrive from
// JSON as float64 (or json.Number, or arrays of them for per-layer values).
type modelInfo map[string]any

func (m modelInfo) get(k string) (int64, bool) {
	return number(m[k])
}

func (m modelInfo) int(k string) int64 {
	v, _ := m.get(k)
	return v
}

func (m modelInfo) intOr(k string, otherwise int64) int64 {
	if v, ok := m.get(k); ok && v > 0 {
		return v
	}
	return otherwise
}

// maxInt reads a number, or the largest of an array of them.
func (m modelInfo) maxInt(k string) int64 {
	if v, ok := m.get(k); ok {
		return v
	}
	var best int64
	for _, e := range asArray(m[k]) {
		if v, ok := number(e); ok && v > best {
			best = v
		}
	}
	return best
}

// perLayer reads a value that is either one number for every layer or an
// array with one per layer; it returns the largest value and the array.
func (m modelInfo) perLayer(k string, layers int) (int, []int) {
	if v, ok := m.get(k); ok {
		return int(v), nil
	}
	arr := asArray(m[k])
	if len(arr) == 0 {
		return 0, nil
	}
	per := make([]int, 0, layers)
	best := 0
	for _, e := range arr {
		v, _ := number(e)
		per = append(per, int(v))
		best = max(best, int(v))
	}
	return best, per
}

func asArray(v any) []any {
	arr, _ := v.([]any)
	return arr
}

func number(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		return int64(x), true
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	case int:
		return int64(x), true
	case int64:
		return x, true
	case uint32:
		return int64(x), true
	case uint64:
		return int64(x), true
	case int32:
		return int64(x), true
	}
	return 0, false
}
