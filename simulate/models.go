package simulate

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/plan-cli/plan/data"
)

// OpenModel is one row of the embedded open-model catalog (data.ModelsCSV):
// an Ollama library tag with its size and the architecture figures that
// size its key/value cache. Unknown figures are zero.
type OpenModel struct {
	Tag          string
	Arch         string // GGUF architecture, e.g. llama, qwen2, gemma3
	Params       int64  // all weights
	ActiveParams int64  // weights used per token (less than Params for a mixture of experts)
	Layers       int
	Heads        int
	KVHeads      int
	HeadDim      int
	Hidden       int
	MaxContext   int
	Vocab        int // tokens in the vocabulary; 0 if unknown
	// TiedEmbeddings says the output matrix is the token embedding.
	TiedEmbeddings bool
	VisionParams   int64 // weights of a vision tower, stored at 16 bits
	// ExpertParams is the weights of the experts of a mixture of experts,
	// all of them.
	ExpertParams int64
	// FFN is the MLP's hidden width, recorded only where it is not a
	// multiple of 256.
	FFN int
	// LibraryBytes is the size Ollama's library lists for the plain tag;
	// 0 if not recorded.
	LibraryBytes int64
	// SlidingWindow is the tokens a sliding-window layer attends to, and
	// GlobalEvery says that every GlobalEvery-th layer attends to the whole
	// context; both zero when every layer is global.
	SlidingWindow int
	GlobalEvery   int
	DefaultQuant  string   // what the plain tag pulls, e.g. Q4_K_M
	Quants        []string // the types the library offers
	// TagStem is the front of the library's tags of the other types:
	// TagStem-<type> (gemma3:12b-it-q8_0); "" when only the plain tag exists.
	TagStem    string
	Confidence string
	Notes      string
}

// GlobalLayers is the number of layers that attend to the whole context.
func (m OpenModel) GlobalLayers() int {
	if m.SlidingWindow <= 0 || m.GlobalEvery <= 0 {
		return m.Layers
	}
	return m.Layers / m.GlobalEvery
}

// KVCacheBytes is the key/value cache of one sequence of contextTokens
// tokens at bytesPerElement (2 for an f16 cache, 1.0625 for q8_0, 0.5625 for
// q4_0): 2 (keys and values) x KV heads x head dimension x bytes per element
// x (global layers x context + sliding-window layers x min(context, window)).
func (m OpenModel) KVCacheBytes(contextTokens int, bytesPerElement float64) float64 {
	perLayerToken := 2 * float64(m.KVHeads) * float64(m.HeadDim) * bytesPerElement
	global := m.GlobalLayers()
	local := m.Layers - global
	window := min(contextTokens, m.SlidingWindow)
	return perLayerToken * (float64(global)*float64(contextTokens) + float64(local)*float64(window))
}

// Shape returns the model at a quantization type as a ModelShape for
// Predict. The quantization must be one BitsPerWeight knows.
func (m OpenModel) Shape(quant string) (ModelShape, error) {
	q := NormalizeQuant(quant)
	bits, ok := BitsPerWeight(q)
	if !ok {
		return ModelShape{}, fmt.Errorf("unknown quantization %q", quant)
	}
	w, err := m.Weights(q)
	if err != nil {
		return ModelShape{}, err
	}
	return ModelShape{
		Name: m.Tag, Params: m.Params, ActiveParams: m.ActiveParams,
		Layers: m.Layers, KVHeads: m.KVHeads, HeadDim: m.HeadDim,
		BitsPerWeight: bits, Quant: q, Bytes: w.Total, TokenBytes: w.Token,
	}, nil
}

// PullTag is the Ollama library tag of the model at quant: the plain tag
// for its default type, TagStem-<type> for another it comes in, and "" when
// the library has no tag for it.
func (m OpenModel) PullTag(quant string) string {
	q := NormalizeQuant(quant)
	switch {
	case q == m.DefaultQuant || q == "":
		return m.Tag
	case m.TagStem == "" || !slices.Contains(m.Quants, q):
		return ""
	}
	return m.TagStem + "-" + OllamaQuantName(q)
}

// OllamaQuantName writes a quantization type the way Ollama's tags do:
// q4_K_M, q8_0, fp16.
func OllamaQuantName(q string) string {
	q = NormalizeQuant(q)
	switch q {
	case "F16":
		return "fp16"
	case "F32":
		return "fp32"
	case "BF16":
		return "bf16"
	}
	if len(q) > 0 && q[0] == 'Q' {
		return "q" + q[1:]
	}
	return q
}

// NormalizeQuant writes a quantization type the way llama.cpp names it:
// upper case, with fp16 as F16 ("q4_K_M" and "Q4_k_m" become "Q4_K_M").
func NormalizeQuant(q string) string {
	q = strings.ToUpper(strings.TrimSpace(q))
	switch q {
	case "FP16":
		return "F16"
	case "FP32":
		return "F32"
	}
	return q
}

var (
	modelOnce    sync.Once
	modelCatalog []OpenModel
	modelErr     error
)

// Models returns the embedded open-model catalog in its file order.
func Models() ([]OpenModel, error) {
	modelOnce.Do(func() { modelCatalog, modelErr = ParseModels(bytes.NewReader(data.ModelsCSV())) })
	if modelErr != nil {
		return nil, modelErr
	}
	return append([]OpenModel(nil), modelCatalog...), nil
}

// LookupModel finds a tag in the embedded catalog. Case does not matter, a
// tag without a size matches only when the catalog has exactly one size of
// it, and a variant suffix ("qwen2.5:7b-instruct-q8_0") matches the base tag
// and returns the quantization it names (else "").
func LookupModel(tag string) (m OpenModel, quant string, ok bool) {
	models, err := Models()
	if err != nil {
		return OpenModel{}, "", false
	}
	return lookupModel(models, tag)
}

func lookupModel(models []OpenModel, tag string) (OpenModel, string, bool) {
	t := strings.ToLower(strings.TrimSpace(tag))
	name, variant, hasVariant := strings.Cut(t, ":")
	var found []OpenModel
	best, bestLen := -1, 0
	for i, m := range models {
		mn, mv, _ := strings.Cut(strings.ToLower(m.Tag), ":")
		switch {
		case mn != name:
		case !hasVariant || variant == "latest":
			found = append(found, m)
		case (variant == mv || strings.HasPrefix(variant, mv+"-")) && len(mv) > bestLen:
			best, bestLen = i, len(mv)
		}
	}
	if best >= 0 {
		return models[best], quantIn(variant[bestLen:]), true
	}
	if len(found) == 1 {
		return found[0], "", true
	}
	return OpenModel{}, "", false
}

// quantIn finds a quantization type in a tag suffix such as
// "instruct-q4_K_M" or "fp16".
func quantIn(suffix string) string {
	for _, part := range strings.Split(suffix, "-") {
		if _, ok := BitsPerWeight(NormalizeQuant(part)); ok {
			return NormalizeQuant(part)
		}
	}
	return ""
}

// ParseModels reads a catalog in the format of data.ModelsCSV.
func ParseModels(r io.Reader) ([]OpenModel, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("model catalog: reading the header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"tag", "params_total_b", "layers", "kv_heads", "head_dim"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("model catalog: no %q column", need)
		}
	}
	var out []OpenModel
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("model catalog: %w", err)
		}
		line, _ := cr.FieldPos(0)
		m, err := modelRow(rowReader{rec: rec, col: col, line: line})
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("model catalog: no rows")
	}
	return out, nil
}

// rowReader reads the cells of one catalog row by column name.
type rowReader struct {
	rec  []string
	col  map[string]int
	line int
	err  error
}

func (r *rowReader) cell(name string) string {
	i, ok := r.col[name]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

func (r *rowReader) num(name string) float64 {
	s := r.cell(name)
	if s == "" || r.err != nil {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) {
		r.err = fmt.Errorf("model catalog line %d: %s %q is not a non-negative number", r.line, name, s)
		return 0
	}
	return v
}

func (r *rowReader) int(name string) int { return int(r.num(name)) }

func modelRow(r rowReader) (OpenModel, error) {
	m := OpenModel{
		Tag: r.cell("tag"), Arch: r.cell("arch"),
		Params:       int64(r.num("params_total_b") * 1e9),
		ActiveParams: int64(r.num("params_active_b") * 1e9),
		Layers:       r.int("layers"), Heads: r.int("heads"), KVHeads: r.int("kv_heads"),
		HeadDim: r.int("head_dim"), Hidden: r.int("hidden"), MaxContext: r.int("max_ctx"),
		Vocab: r.int("vocab"), TiedEmbeddings: r.cell("tied_embeddings") == "yes",
		VisionParams: int64(r.num("vision_params_b") * 1e9), ExpertParams: int64(r.num("expert_params_b") * 1e9),
		LibraryBytes: int64(r.num("ollama_size_gb") * 1e9), FFN: r.int("ffn"),
		SlidingWindow: r.int("sliding_window"), GlobalEvery: r.int("global_every"),
		DefaultQuant: NormalizeQuant(r.cell("default_quant")),
		TagStem:      r.cell("tag_stem"),
		Confidence:   r.cell("confidence"), Notes: r.cell("notes"),
	}
	if r.err != nil {
		return OpenModel{}, r.err
	}
	for _, q := range strings.Split(r.cell("quants"), ";") {
		if q = NormalizeQuant(q); q != "" {
			m.Quants = append(m.Quants, q)
		}
	}
	switch {
	case m.Tag == "":
		return OpenModel{}, fmt.Errorf("model catalog line %d: no tag", r.line)
	case m.Params <= 0 || m.Layers <= 0:
		return OpenModel{}, fmt.Errorf("model catalog line %d: %s needs params_total_b and layers", r.line, m.Tag)
	}
	if m.ActiveParams <= 0 {
		m.ActiveParams = m.Params
	}
	return m, nil
}
