package planner

import (
	"fmt"
	"math"
	"strings"
)

// MemoryOptions are the server settings that size a loaded model, as
// Ollama takes them.
type MemoryOptions struct {
	// ContextTokens is the context of one request (num_ctx, or
	// OLLAMA_CONTEXT_LENGTH). Size it from the real requests (the p95 of
	// input + output tokens), not the model's advertised maximum.
	ContextTokens int
	// Parallel is the requests served at once (OLLAMA_NUM_PARALLEL); each
	// has its own context, so the cache holds ContextTokens x Parallel
	// tokens. 0 means 1.
	Parallel int
	// KVCacheType is the cache element type (OLLAMA_KV_CACHE_TYPE): f16,
	// q8_0 or q4_0; "" means f16. Ollama quantizes the cache only with
	// flash attention on.
	KVCacheType string
	// FlashAttention says flash attention is in effect: OLLAMA_FLASH_ATTENTION=1
	// on a GPU that supports it (Metal, CUDA compute capability 7 or later,
	// ROCm; never on the CPU in Ollama v0.6.5).
	FlashAttention bool
	// BatchTokens is the prompt tokens processed per step (num_batch); 0
	// means Ollama's 512.
	BatchTokens int
	// OllamaVersion is the release of the server ("0.6.5", "0.17.4"); its
	// memory rules apply (see LegacyRules). "" means the current release.
	OllamaVersion string
}

// CurrentOllama is the Ollama release plan assumes when no server is named:
// the newest it is tested against.
const CurrentOllama = "0.17.4"

// LegacyRules reports whether an Ollama release sizes models by v0.6.5's
// rules rather than the current ones. Both were checked against /api/ps
// (v0.6.5 and v0.17.4); releases from 0.12, which reworked scheduling and
// memory reporting, are taken to follow the current rules, and older ones
// v0.6.5's. A version that does not parse (a development build) is
// current.
func LegacyRules(version string) bool {
	var major, minor int
	if _, err := fmt.Sscanf(strings.TrimPrefix(version, "v"), "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major == 0 && minor < 12
}

// DefaultBatchTokens is Ollama's default num_batch.
const DefaultBatchTokens = 512

// KVBytesPerElement returns the bytes of one cached key or value element of
// a cache type: 2 for f16, 34/32 for q8_0 and 18/32 for q4_0 (ggml blocks of
// 32 elements with a 2-byte scale). Ollama v0.6.5 counts q8_0 as 1 and q4_0
// as 0.5, without the scales.
func KVBytesPerElement(cacheType string) (float64, error) {
	switch strings.ToLower(strings.TrimSpace(cacheType)) {
	case "", "f16":
		return 2, nil
	case "q8_0":
		return 34.0 / 32, nil
	case "q4_0":
		return 18.0 / 32, nil
	}
	return 0, fmt.Errorf("unknown KV cache type %q: use f16, q8_0 or q4_0", cacheType)
}

// ollamaKVBytes is the bytes per cached element as Ollama counts them when
// it sizes a model (both v0.6.5 and current releases): 2 for f16, 1 for
// q8_0, 0.5 for q4_0, without the block scales KVBytesPerElement counts.
// Ollama places models by these figures, so the estimate uses them too.
func ollamaKVBytes(cacheType string) (float64, error) {
	b, err := KVBytesPerElement(cacheType)
	if err != nil {
		return 0, err
	}
	return math.Floor(b*2) / 2, nil
}

// Memory is the memory a loaded model takes, term by term, as Ollama sizes
// it. Every figure is in bytes.
type Memory struct {
	CacheTokens int    `json:"cache_tokens"`  // tokens the cache holds: context x parallel
	BatchTokens int    `json:"batch_tokens"`  // min(num_batch, CacheTokens)
	KVCacheType string `json:"kv_cache_type"` // the cache type in effect (f16 without flash attention)

	// Weights is the transformer blocks plus the output layer, which go to
	// the GPU; HostWeights is the token embedding of a model with a separate
	// output matrix, which llama.cpp keeps in system memory.
	Weights     int64 `json:"weights_bytes"`
	HostWeights int64 `json:"host_weights_bytes"`
	// KVCache is the key/value cache of all layers; see KVCacheLayers.
	KVCache       int64   `json:"kv_cache_bytes"`
	KVCacheLayers []int64 `json:"kv_cache_layer_bytes"`
	// GraphFull is the compute buffer with every layer on one GPU (or the
	// CPU); GraphPartial the one when layers are split between GPU and CPU,
	// or between GPUs.
	GraphFull    int64 `json:"graph_full_bytes"`
	GraphPartial int64 `json:"graph_partial_bytes"`
	// LayerMargin is one block's weights and cache, kept free as a margin.
	LayerMargin int64 `json:"layer_margin_bytes"`
	// Total is the size Ollama reports in /api/ps for a model on one GPU,
	// less the GPU's runtime reserve (see GPU.ReserveBytes): Weights +
	// KVCache + GraphFull, + LayerMargin by v0.6.5's rules.
	Total int64 `json:"total_bytes"`
	// CPUTotal is the size reported for a model on the CPU alone: Weights +
	// KVCache by the current rules (no compute graph or margin is counted
	// there), Total by v0.6.5's.
	CPUTotal int64 `json:"cpu_total_bytes"`
	// Legacy says v0.6.5's rules were used.
	Legacy bool `json:"legacy_rules"`
}

// EstimateMemory sizes a model loaded with the given settings:
//
//	cache tokens  C = context x parallel
//	batch         b = min(num_batch, C)
//	KV cache      = sum over layers of (key length + value length) x KV heads
//	                x bytes per element x tokens kept, where a global layer keeps
//	                C tokens and a sliding-window layer min(C, parallel x window + b)
//	weights       = the blocks + output norm + output matrix (or the tied embedding)
//	compute graph = see graphSize: the attention scores of a batch (b x C x heads x 4 bytes)
//	                or the logits (b x vocabulary x 4 bytes), whichever is larger
//	margin        = the first block's weights + its cache
//	total         = weights + KV cache + graph (full offload) + margin
//
// by v0.6.5's rules. The current rules (Ollama 0.12 and later; checked on
// 0.17.4) differ: the context is cut to the model's trained context, the
// batch is min(num_batch, context), the margin is kept free but not counted
// in the size, and a model on the CPU alone counts weights and cache only.
func EstimateMemory(a Arch, o MemoryOptions) (Memory, error) {
	if err := a.Validate(); err != nil {
		return Memory{}, err
	}
	if o.ContextTokens <= 0 {
		return Memory{}, fmt.Errorf("model %s: the context must be positive, got %d tokens", a.Name, o.ContextTokens)
	}
	cacheType := "f16"
	if o.FlashAttention && o.KVCacheType != "" {
		cacheType = strings.ToLower(strings.TrimSpace(o.KVCacheType))
	}
	perElement, err := ollamaKVBytes(cacheType)
	if err != nil {
		return Memory{}, err
	}
	m := Memory{KVCacheType: cacheType, HostWeights: a.InputEmbeddingBytes, Legacy: LegacyRules(o.OllamaVersion)}
	parallel := max(o.Parallel, 1)
	ctx := o.ContextTokens
	if !m.Legacy && a.ContextLength > 0 {
		ctx = min(ctx, a.ContextLength)
	}
	m.CacheTokens = ctx * parallel
	m.BatchTokens = min(cmpOr(o.BatchTokens, DefaultBatchTokens), m.CacheTokens)
	if !m.Legacy {
		m.BatchTokens = min(cmpOr(o.BatchTokens, DefaultBatchTokens), ctx)
	}
	m.KVCacheLayers = kvCacheLayers(a, m.CacheTokens, parallel, m.BatchTokens, perElement)
	for i, kv := range m.KVCacheLayers {
		m.KVCache += kv
		m.Weights += a.BlockBytes(i)
	}
	m.Weights += a.OutputBytes
	m.GraphFull, m.GraphPartial = graphSize(a, m.CacheTokens, m.BatchTokens)
	m.LayerMargin = a.BlockBytes(0) + m.KVCacheLayers[0]
	m.Total = m.Weights + m.KVCache + m.GraphFull + m.LayerMargin
	m.CPUTotal = m.Total
	if !m.Legacy {
		m.Total -= m.LayerMargin
		m.CPUTotal = m.Weights + m.KVCache
	}
	return m, nil
}

// kvCacheLayers returns the cache of each layer: (key length + value
// length) x KV heads x bytes per element x the tokens the layer keeps.
func kvCacheLayers(a Arch, tokens, parallel, batch int, perElement float64) []int64 {
	out := make([]int64, a.Layers)
	window := tokens
	if a.SlidingWindow > 0 {
		window = min(tokens, parallel*a.SlidingWindow+batch)
	}
	for i := range out {
		kept := tokens
		if !a.IsGlobal(i) {
			kept = window
		}
		out[i] = int64(float64(kept*(a.KeyLength+a.ValueLength)*a.KVHeadsOf(i)) * perElement)
	}
	return out
}

func cmpOr(v, otherwise int) int {
	if v > 0 {
		return v
	}
	return otherwise
}
