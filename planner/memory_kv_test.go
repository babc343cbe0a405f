package planner

import (
	"strings"
	"testing"
)

func TestKVBytesPerElement(t *testing.T) {
	for _, tt := range []struct {
		typ  string
		want float64
	}{{"", 2}, {"f16", 2}, {"Q8_0", 1.0625}, {"q4_0", 0.5625}} {
		got, err := KVBytesPerElement(tt.typ)
		if err != nil || got != tt.want {
			t.Errorf("KVBytesPerElement(%q) = %v, %v; want %v", tt.typ, got, err, tt.want)
		}
	}
	if _, err := KVBytesPerElement("q5_1"); err == nil {
		t.Error("KVBytesPerElement(q5_1): no error")
	}
}

// TestKVCacheTerms checks the cache against its formula: layers x KV heads
// x (key + value length) x bytes x context x parallel, and that a
// quantized cache needs flash attention.
func TestKVCacheTerms(t *testing.T) {
	a := catalogArch(t, "llama3.1:8b", "Q4_K_M")
	perToken := int64(32 * 8 * (128 + 128) * 2)
	for _, tt := range []struct {
		name string
		o    MemoryOptions
		want int64
	}{
		{"f16, 1 slot", MemoryOptions{ContextTokens: 8192}, perToken * 8192},
		{"f16, 4 slots", MemoryOptions{ContextTokens: 8192, Parallel: 4}, perToken * 8192 * 4},
		{"q8_0 without flash attention stays f16", MemoryOptions{ContextTokens: 8192, KVCacheType: "q8_0"}, perToken * 8192},
		{"q8_0 with flash attention", MemoryOptions{ContextTokens: 8192, KVCacheType: "q8_0", FlashAttention: true}, perToken * 8192 / 2},
		{"q4_0 with flash attention", MemoryOptions{ContextTokens: 8192, KVCacheType: "q4_0", FlashAttention: true}, perToken * 8192 / 4},
	} {
		m, err := EstimateMemory(a, tt.o)
		if err != nil {
			t.Fatal(err)
		}
		if m.KVCache != tt.want {
			t.Errorf("%s: KV cache = %d; want %d", tt.name, m.KVCache, tt.want)
		}
		if m.Total != m.Weights+m.KVCache+m.GraphFull || m.CPUTotal != m.Weights+m.KVCache {
			t.Errorf("%s: total %d (CPU %d) is not the sum of its terms", tt.name, m.Total, m.CPUTotal)
		}
		tt.o.OllamaVersion = "0.6.5"
		if m, _ := EstimateMemory(a, tt.o); m.Total != m.Weights+m.KVCache+m.GraphFull+m.LayerMargin || m.CPUTotal != m.Total {
			t.Errorf("%s, v0.6.5: total %d is not the sum of its terms", tt.name, m.Total)
		}
	}
}

// TestGraphDominatesSmallModels checks that the compute graph, not the
// weights, is most of a small model's memory at a long context.
func TestGraphDominatesSmallModels(t *testing.T) {
	a := catalogArch(t, "qwen2.5:0.5b", "Q4_K_M")
	m, err := EstimateMemory(a, MemoryOptions{ContextTokens: 32768, Parallel: 4})
	if err != nil {
		t.Fatal(err)
	}
	if m.GraphFull < 5*m.Weights {
		t.Errorf("qwen2.5:0.5b at 4 x 32k: graph %s, weights %s; want the graph over 5 x the weights", gb(m.GraphFull), gb(m.Weights))
	}
}

func TestEstimateMemoryErrors(t *testing.T) {
	a := catalogArch(t, "llama3.1:8b", "Q4_K_M")
	if _, err := EstimateMemory(a, MemoryOptions{}); err == nil || !strings.Contains(err.Error(), "context") {
		t.Errorf("no context: err = %v", err)
	}
	if _, err := EstimateMemory(a, MemoryOptions{ContextTokens: 10, KVCacheType: "f8", FlashAttention: true}); err == nil {
		t.Error("unknown cache type: no error")
	}
	if _, err := EstimateMemory(Arch{Name: "x"}, MemoryOptions{ContextTokens: 10}); err == nil {
		t.Error("empty arch: no error")
	}
}

func TestFitUnifiedMemoryUsesFullGraph(t *testing.T) {
	a := catalogArch(t, "qwen2.5:7b", "Q4_K_M")
	o := MemoryOptions{ContextTokens: 4096}
	mac := Machine{GPUs: []GPU{{FreeBytes: 21 * gib}}, FreeRAMBytes: 4 * gib, UnifiedMemory: true}
	f, err := FitMemory(a, o, mac)
	if err != nil {
		t.Fatal(err)
	}
	if f.Placement != PlaceGPU {
		t.Fatalf("placement %s; want gpu", f.Placement)
	}
	m := f.Memory
	if want := m.Total; f.VRAMBytes != want {
		t.Errorf("VRAM %d; want the total %d (no reserve on Metal, full graph)", f.VRAMBytes, want)
	}
}

// TestFitOutputLayerOnCPU checks a GPU that holds every block but not the
// output layer: a partial fit with the output in system memory.
func TestFitOutputLayerOnCPU(t *testing.T) {
	a := catalogArch(t, "llama3.1:8b", "Q4_K_M")
	o := MemoryOptions{ContextTokens: 2048}
	m, err := EstimateMemory(a, o)
	if err != nil {
		t.Fatal(err)
	}
	graph := max(m.GraphFull, m.GraphPartial)
	free := m.LayerMargin + graph + m.Weights - a.OutputBytes + m.KVCache + a.OutputBytes/2
	f, err := FitMemory(a, o, Machine{GPUs: []GPU{{FreeBytes: free}}, FreeRAMBytes: 16 * gib})
	if err != nil {
		t.Fatal(err)
	}
	// System memory holds the output layer and the token embedding.
	if ram := a.OutputBytes + a.InputEmbeddingBytes; f.Placement != PlacePartial || f.CPULayers != 0 || f.OutputOnGPU || f.RAMBytes != ram {
		t.Errorf("fit = %s, %d CPU layers, output on GPU %v, RAM %d; want partial, 0, false, %d",
			f.Placement, f.CPULayers, f.OutputOnGPU, f.RAMBytes, ram)
	}
	if !strings.Contains(strings.Join(f.Reasons, "; "), "output layer runs on the CPU") {
		t.Errorf("reasons %q do not name the output layer", f.Reasons)
	}
}
