package planner

import (
	"strings"
	"testing"
)

const gib = 1 << 30

// gpuCard is a GPU of the given size in GiB (as cards are sold: an "8 GB"
// card has 8 GiB) with 300 MiB taken by the desktop, and the CUDA reserve.
func gpuCard(sizeGiB int64) GPU {
	return GPU{FreeBytes: sizeGiB*gib - 300<<20, ReserveBytes: GPUReserveBytes}
}

func machine(ramGiB int64, gpus ...GPU) Machine {
	return Machine{GPUs: gpus, FreeRAMBytes: ramGiB * gib}
}

func catalogArch(t *testing.T, tag, quant string) Arch {
	t.Helper()
	a, err := ArchFromCatalog(tag, quant)
	if err != nil {
		t.Fatalf("ArchFromCatalog(%q, %q): %v", tag, quant, err)
	}
	return a
}

// TestFitCommonGuidance checks the fits that public hardware guidance
// agrees on.
func TestFitCommonGuidance(t *testing.T) {
	tests := []struct {
		name    string
		tag     string
		context int
		machine Machine
		want    Placement
	}{
		{"8B Q4_K_M at 8k on 8 GB", "llama3.1:8b", 8192, machine(32, gpuCard(8)), PlaceGPU},
		{"qwen2.5 14B Q4_K_M at 4k on 8 GB", "qwen2.5:14b", 4096, machine(32, gpuCard(8)), PlacePartial},
		{"phi4 14B Q4_K_M at 4k on 8 GB", "phi4:14b", 4096, machine(32, gpuCard(8)), PlacePartial},
		{"qwen2.5 14B Q4_K_M at 4k on 16 GB", "qwen2.5:14b", 4096, machine(32, gpuCard(16)), PlaceGPU},
		{"phi4 14B Q4_K_M at 4k on 16 GB", "phi4:14b", 4096, machine(32, gpuCard(16)), PlaceGPU},
		{"qwen2.5 32B Q4_K_M at 8k on 24 GB", "qwen2.5:32b", 8192, machine(64, gpuCard(24)), PlaceGPU},
		{"qwen3 32B Q4_K_M at 4k on 24 GB", "qwen3:32b", 4096, machine(64, gpuCard(24)), PlaceGPU},
		{"qwen2.5 32B Q4_K_M at 8k on 16 GB", "qwen2.5:32b", 8192, machine(64, gpuCard(16)), PlacePartial},
		{"70B Q4_K_M at 4k on 24 GB", "llama3.3:70b", 4096, machine(64, gpuCard(24)), PlacePartial},
		{"70B Q4_K_M at 4k on 2 x 24 GB", "llama3.3:70b", 4096, machine(64, gpuCard(24), gpuCard(24)), PlaceGPU},
		{"70B Q4_K_M at 4k on 16 GB RAM, no GPU", "llama3.3:70b", 4096, machine(16), PlaceNone},
		{"8B Q4_K_M at 8k on the CPU", "llama3.1:8b", 8192, machine(16), PlaceCPU},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := FitMemory(catalogArch(t, tt.tag, "Q4_K_M"), MemoryOptions{ContextTokens: tt.context, Parallel: 1}, tt.machine)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s, %d GPU + %d CPU layers, VRAM %s, RAM %s; %s", tt.tag, f.Placement, f.GPULayers, f.CPULayers,
				gb(f.VRAMBytes), gb(f.RAMBytes), strings.Join(f.Reasons, "; "))
			if f.Placement != tt.want {
				t.Errorf("FitMemory(%s, %d tokens) = %s; want %s", tt.tag, tt.context, f.Placement, tt.want)
			}
			checkFitSums(t, f)
		})
	}
}

// checkFitSums checks the layer counts and shares of a fit.
func checkFitSums(t *testing.T, f Fit) {
	t.Helper()
	layers := f.GPULayers + f.CPULayers
	if layers != len(f.Memory.KVCacheLayers) {
		t.Errorf("GPU %d + CPU %d layers; want %d", f.GPULayers, f.CPULayers, len(f.Memory.KVCacheLayers))
	}
	if want := float64(f.GPULayers) / float64(layers); f.GPUShare != want {
		t.Errorf("GPUShare = %v; want %v", f.GPUShare, want)
	}
	sum := 0
	for _, n := range f.LayersPerGPU {
		sum += n
	}
	if sum != f.GPULayers {
		t.Errorf("layers per GPU %v add to %d; want %d", f.LayersPerGPU, sum, f.GPULayers)
	}
	switch f.Placement {
	case PlacePartial:
		if f.GPULayers == 0 || (f.CPULayers == 0 && f.OutputOnGPU) {
			t.Errorf("partial fit with %d GPU and %d CPU layers", f.GPULayers, f.CPULayers)
		}
	case PlaceGPU:
		if f.CPULayers != 0 || !f.OutputOnGPU || f.VRAMBytes <= f.Memory.Weights {
			t.Errorf("GPU fit with %d CPU layers, output on GPU %v, VRAM %d", f.CPULayers, f.OutputOnGPU, f.VRAMBytes)
		}
	}
}

// TestSeventyBNeedsAboutFortyEightGB checks the size of a 70B model at
// 4-bit: about 48 GB with a modest context, and a heavy offload on one
// 24 GB card.
func TestSeventyBNeedsAboutFortyEightGB(t *testing.T) {
	a := catalogArch(t, "llama3.3:70b", "Q4_K_M")
	m, err := EstimateMemory(a, MemoryOptions{ContextTokens: 4096, Parallel: 1})
	if err != nil {
		t.Fatal(err)
	}
	if total := float64(m.Total) / 1e9; total < 42 || total > 50 {
		t.Errorf("70B Q4_K_M at 4k: %.1f GB; want 42 to 50", total)
	}
	f, err := FitMemory(a, MemoryOptions{ContextTokens: 4096, Parallel: 1}, machine(64, gpuCard(24)))
	if err != nil {
		t.Fatal(err)
	}
	if f.GPUShare > 0.6 {
		t.Errorf("70B on one 24 GB card: GPU share %.2f; want a heavy offload (at most 0.6)", f.GPUShare)
	}
}

// TestContextFromRealRequests shows why the context must come from the
// requests: a 9B model at its advertised 262k context needs a KV cache many
// times its weights, at the 6k tokens its requests really use (p95) a
// fraction of them.
func TestContextFromRealRequests(t *testing.T) {
	nineB := Arch{
		Name: "9b-262k", Family: "qwen3", Quant: "Q4_K_M", Params: 9e9, ActiveParams: 9e9,
		Layers: 36, Heads: 32, KVHeads: 8, KeyLength: 128, ValueLength: 128,
		EmbeddingLength: 4096, VocabSize: 151936, ContextLength: 262144,
		WeightBytes: 9e9 * 4.8944 / 8, WeightSource: WeightsFromParams,
	}
	card := machine(32, gpuCard(12))
	full, err := FitMemory(nineB, MemoryOptions{ContextTokens: nineB.ContextLength, Parallel: 1}, card)
	if err != nil {
		t.Fatal(err)
	}
	p95, err := FitMemory(nineB, MemoryOptions{ContextTokens: 6000, Parallel: 1}, card)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("9B at 262144 tokens: %s (%s): %s; at 6000: %s (%s)", gb(full.Memory.Total), full.Placement,
		memoryReason(full.Memory), gb(p95.Memory.Total), p95.Placement)
	if full.Memory.KVCache < 5*full.Memory.Weights {
		t.Errorf("KV cache at 262k = %s; want more than 5 x the weights (%s)", gb(full.Memory.KVCache), gb(full.Memory.Weights))
	}
	if full.Placement == PlaceGPU || p95.Placement != PlaceGPU {
		t.Errorf("12 GB card: %s at 262k and %s at 6k; want a spill at 262k and a GPU fit at 6k", full.Placement, p95.Placement)
	}
}
