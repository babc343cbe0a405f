package planner

import (
	"strings"
	"testing"
)

// showOf returns an /api/show answer of a small llama model with a
// separate output matrix, its tensor types labelled by label.
func showOf(label func(kind string) string) Show {
	info := map[string]any{
		"general.architecture":           "llama",
		"general.parameter_count":        float64(1000),
		"general.file_type":              float64(15),
		"llama.block_count":              float64(2),
		"llama.attention.head_count":     float64(4),
		"llama.attention.head_count_kv":  []any{float64(2), float64(1)},
		"llama.embedding_length":         float64(256),
		"llama.feed_forward_length":      float64(512),
		"llama.context_length":           float64(4096),
		"llama.attention.sliding_window": float64(128),
		"tokenizer.ggml.tokens":          []any{},
	}
	tensors := []Tensor{
		{Name: "token_embd.weight", Type: label("Q4_K"), Shape: []uint64{256, 1000}},
		{Name: "blk.0.attn_q.weight", Type: label("Q4_K"), Shape: []uint64{256, 256}},
		{Name: "blk.0.attn_norm.weight", Type: label("F32"), Shape: []uint64{256}},
		{Name: "blk.1.attn_q.weight", Type: label("Q6_K"), Shape: []uint64{256, 256}},
		{Name: "output_norm.weight", Type: label("F32"), Shape: []uint64{256}},
		{Name: "output.weight", Type: label("Q6_K"), Shape: []uint64{256, 1000}},
	}
	return Show{ModelInfo: info, Tensors: tensors}
}

// v065Label names a tensor type the way Ollama v0.6.5 does: the file type
// with the tensor type's number.
func v065Label(kind string) string {
	for n, t := range tensorTypes {
		if t.name == kind {
			return FileTypeName(n)
		}
	}
	return kind
}

func TestArchFromShow(t *testing.T) {
	want := Arch{
		Layers: 2, Heads: 4, KVHeads: 2, KeyLength: 64, ValueLength: 64, EmbeddingLength: 256,
		FeedForwardLength: 512, VocabSize: 1000, ContextLength: 4096, Quant: "Q4_K_M",
		OutputBytes: 256*4 + 256*1000/256*210, InputEmbeddingBytes: 256 * 1000 / 256 * 144,
	}
	blocks := []int64{256*256/256*144 + 256*4, 256 * 256 / 256 * 210}
	for _, tt := range []struct {
		name  string
		label func(string) string
	}{
		{"v0.6.5 labels", v065Label},
		{"ggml names", func(k string) string { return k }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ArchFromShow("m", showOf(tt.label), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if a.Layers != want.Layers || a.Heads != want.Heads || a.KVHeads != want.KVHeads ||
				a.KeyLength != want.KeyLength || a.ValueLength != want.ValueLength || a.VocabSize != want.VocabSize ||
				a.FeedForwardLength != want.FeedForwardLength || a.ContextLength != want.ContextLength || a.Quant != want.Quant {
				t.Errorf("ArchFromShow shape = %+v; want %+v", a, want)
			}
			if a.KVHeadsOf(1) != 1 || a.KVHeadsOf(0) != 2 {
				t.Errorf("KV heads per layer = %v; want [2 1]", a.KVHeadsPerLayer)
			}
			if a.SlidingWindow != 0 {
				t.Errorf("SlidingWindow = %d; want 0 (Ollama v0.6.5 gives llama a full cache)", a.SlidingWindow)
			}
			if a.WeightSource != WeightsFromTensors || a.OutputBytes != want.OutputBytes ||
				a.InputEmbeddingBytes != want.InputEmbeddingBytes || a.BlockBytes(0) != blocks[0] || a.BlockBytes(1) != blocks[1] {
				t.Errorf("weights: source %q, output %d, embedding %d, blocks %v; want %d, %d, %v",
					a.WeightSource, a.OutputBytes, a.InputEmbeddingBytes, a.LayerBytes, want.OutputBytes, want.InputEmbeddingBytes, blocks)
			}
		})
	}
}

func TestArchFromShowFallsBackToFileSize(t *testing.T) {
	show := showOf(func(string) string { return "NOT_A_TYPE" })
	a, err := ArchFromShow("m", show, 500000)
	if err != nil {
		t.Fatal(err)
	}
	if a.WeightSource != WeightsFromFile || a.WeightBytes != 500000 || a.VocabSize != 1000 {
		t.Errorf("source %q, weights %d, vocab %d; want file size 500000 and vocab 1000", a.WeightSource, a.WeightBytes, a.VocabSize)
	}
	if got := a.BlockBytes(0); got != 250000 {
		t.Errorf("BlockBytes(0) = %d; want 250000 (the file shared by 2 blocks)", got)
	}
}

func TestArchFromShowTiedEmbedding(t *testing.T) {
	show := showOf(func(k string) string { return k })
	show.Tensors = show.Tensors[:len(show.Tensors)-1] // no output.weight
	a, err := ArchFromShow("m", show, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a.InputEmbeddingBytes != 0 || a.OutputBytes != 256*4+256*1000/256*144 {
		t.Errorf("tied: embedding %d, output %d; want 0 and the embedding counted as output", a.InputEmbeddingBytes, a.OutputBytes)
	}
}

func TestArchFromShowGemma3SlidingWindow(t *testing.T) {
	show := Show{ModelInfo: map[string]any{
		"general.architecture": "gemma3", "gemma3.block_count": float64(12),
		"gemma3.attention.head_count": float64(8), "gemma3.attention.head_count_kv": float64(4),
		"gemma3.embedding_length": float64(1152), "gemma3.attention.key_length": float64(256),
		"gemma3.attention.value_length": float64(256), "gemma3.attention.sliding_window": float64(512),
	}}
	a, err := ArchFromShow("g", show, 1e9)
	if err != nil {
		t.Fatal(err)
	}
	m, err := EstimateMemory(a, MemoryOptions{ContextTokens: 8192, Parallel: 2})
	if err != nil {
		t.Fatal(err)
	}
	slide := int64((2*512 + 512) * 512 * 4 * 2)
	full := int64(2 * 8192 * 512 * 4 * 2)
	for i, kv := range m.KVCacheLayers {
		want := slide
		if (i+1)%6 == 0 {
			want = full
		}
		if kv != want {
			t.Errorf("layer %d cache = %d; want %d", i, kv, want)
		}
	}
}

func TestArchErrors(t *testing.T) {
	if _, err := ArchFromCatalog("no-such-model:1b", ""); err == nil || !strings.Contains(err.Error(), "catalog") {
		t.Errorf("unknown tag: err = %v; want one naming the catalog", err)
	}
	if _, err := ArchFromCatalog("llama3.1:8b", "Q9_X"); err == nil || !strings.Contains(err.Error(), "Q9_X") {
		t.Errorf("unknown quant: err = %v; want one naming it", err)
	}
	if _, err := ArchFromShow("m", Show{}, 0); err == nil || !strings.Contains(err.Error(), "general.architecture") {
		t.Errorf("empty show: err = %v", err)
	}
	show := showOf(func(k string) string { return k })
	delete(show.ModelInfo, "llama.block_count")
	if _, err := ArchFromShow("m", show, 0); err == nil || !strings.Contains(err.Error(), "layers") {
		t.Errorf("no block count: err = %v", err)
	}
}

func TestCatalogArch(t *testing.T) {
	a := catalogArch(t, "llama3.1:8b-instruct-q8_0", "")
	if a.Quant != "Q8_0" || a.VocabSize != 128256 || a.Layers != 32 || a.KVHeads != 8 {
		t.Errorf("llama3.1:8b-instruct-q8_0 = %+v; want Q8_0, vocab 128256, 32 layers, 8 KV heads", a)
	}
	if got := float64(a.WeightBytes) / 1e9; got < 8.4 || got > 8.7 {
		t.Errorf("8B at Q8_0 = %.2f GB; want about 8.5", got)
	}
	g := catalogArch(t, "gemma3:27b", "")
	if g.Quant != "Q4_K_M" || g.SlidingWindow != 1024 || g.IsGlobal(0) || !g.IsGlobal(5) {
		t.Errorf("gemma3:27b: quant %s, window %d, layer 0 global %v, layer 5 global %v", g.Quant, g.SlidingWindow, g.IsGlobal(0), g.IsGlobal(5))
	}
}
