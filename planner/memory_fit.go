package planner

import "fmt"

// GPUReserveBytes is the memory Ollama keeps free on a CUDA or ROCm GPU for
// the runtime (its MinimumMemory, 457 MiB); Metal has none. Add
// OLLAMA_GPU_OVERHEAD when it is set.
const GPUReserveBytes = 457 << 20

// GPU is the memory of one accelerator.
type GPU struct {
	FreeBytes    int64 // free now, not total: other programs' use does not count
	ReserveBytes int64 // kept free for the runtime: GPUReserveBytes on CUDA and ROCm, 0 on Metal
}

// Machine is the memory a model can be loaded into.
type Machine struct {
	GPUs         []GPU
	FreeRAMBytes int64 // free system memory
	// UnifiedMemory says the GPU memory is system memory (Apple), where
	// Ollama reserves the full-offload graph even for a split.
	UnifiedMemory bool
}

// Placement says where a model runs.
type Placement string

// The placements of a Fit.
const (
	PlaceGPU     Placement = "gpu"     // every layer on the GPUs
	PlacePartial Placement = "partial" // some layers on the GPUs, the rest on the CPU
	PlaceCPU     Placement = "cpu"     // all on the CPU, in system memory
	PlaceNone    Placement = "none"    // does not fit
)

// Fit is where a model goes on a machine, with what it needs there.
type Fit struct {
	Placement Placement `json:"placement"`
	// GPULayers and CPULayers are the transformer blocks on the GPUs and
	// on the CPU; OutputOnGPU says the output layer went to a GPU too.
	GPULayers   int  `json:"gpu_layers"`
	CPULayers   int  `json:"cpu_layers"`
	OutputOnGPU bool `json:"output_on_gpu"`
	// GPUShare is GPULayers / layers, the share of the work at GPU speed
	// (simulate.Prediction's GPUShare).
	GPUShare     float64  `json:"gpu_share"`
	LayersPerGPU []int    `json:"layers_per_gpu"`
	VRAMBytes    int64    `json:"vram_bytes"` // needed on the GPUs: reserve + margin + layers + graph, summed
	RAMBytes     int64    `json:"ram_bytes"`  // needed in system memory
	Memory       Memory   `json:"memory"`
	Reasons      []string `json:"reasons"`

	alloc []int64 // bytes on each GPU before its graph
}

// FitMemory estimates the memory of a model (EstimateMemory) and places it
// on a machine the way Ollama does, against free (not total) memory:
//
//  1. Each GPU holds its reserve, the margin (one block and its cache) and
//     the larger of the two compute graphs; the blocks (weights + cache)
//     fill what is left, GPU after GPU, then the output layer.
//  2. Everything placed: PlaceGPU, with the full-offload graph (the partial
//     one when split over GPUs). Some blocks placed: PlacePartial, with the
//     partial graph on the GPUs and the other blocks (and the output layer)
//     in system memory.
//  3. No block placed: PlaceCPU, the whole Memory.Total in system memory.
//
// The token embedding (Memory.HostWeights) is always in system memory. A
// placement whose system memory share exceeds the free RAM is PlaceNone.
func FitMemory(a Arch, o MemoryOptions, mc Machine) (Fit, error) {
	m, err := EstimateMemory(a, o)
	if err != nil {
		return Fit{}, err
	}
	f := Fit{Memory: m, LayersPerGPU: make([]int, len(mc.GPUs))}
	f.placeOnGPUs(a, mc)
	switch {
	case f.GPULayers == a.Layers && f.OutputOnGPU:
		f.Placement, f.RAMBytes = PlaceGPU, m.HostWeights
		f.Reasons = append(f.Reasons, fmt.Sprintf("all %d layers and the output fit in %s of free VRAM (%s needed)",
			a.Layers, gb(totalFree(mc)), gb(f.VRAMBytes)))
	case f.GPULayers > 0:
		f.Placement = PlacePartial
		f.RAMBytes = m.HostWeights + f.overflow(a)
		f.Reasons = append(f.Reasons, partialReason(a, &f, mc))
	default:
		f.Placement, f.VRAMBytes, f.RAMBytes = PlaceCPU, 0, m.CPUTotal+m.HostWeights
		f.LayersPerGPU = make([]int, len(mc.GPUs))
		f.CPULayers = a.Layers
		if len(mc.GPUs) > 0 {
			f.Reasons = append(f.Reasons, fmt.Sprintf("not one layer fits in %s of free VRAM next to the %s compute graph",
				gb(totalFree(mc)), gb(max(m.GraphFull, m.GraphPartial))))
		}
	}
	f.GPUShare = float64(f.GPULayers) / float64(a.Layers)
	if f.RAMBytes > mc.FreeRAMBytes {
		f.Reasons = append(f.Reasons, fmt.Sprintf("system memory: %s needed, %s free", gb(f.RAMBytes), gb(mc.FreeRAMBytes)))
		f.Placement = PlaceNone
	} else if f.Placement == PlaceCPU {
		f.Reasons = append(f.Reasons, fmt.Sprintf("runs on the CPU: %s of %s free system memory", gb(f.RAMBytes), gb(mc.FreeRAMBytes)))
	}
	f.Reasons = append(f.Reasons, memoryReason(m))
	return f, nil
}

// placeOnGPUs fills the GPUs with blocks, then the output layer, and sets
// the VRAM they need.
func (f *Fit) placeOnGPUs(a Arch, mc Machine) {
	m := f.Memory
	graph := max(m.GraphFull, m.GraphPartial)
	if mc.UnifiedMemory {
		graph = m.GraphFull
	}
	f.alloc = make([]int64, len(mc.GPUs))
	for i, g := range mc.GPUs {
		f.alloc[i] = g.ReserveBytes + m.LayerMargin
	}
	gpu := 0
	fits := func(i int, size int64) bool {
		return f.alloc[i]+graph+size < mc.GPUs[i].FreeBytes
	}
	for layer := 0; layer < a.Layers && gpu < len(mc.GPUs); {
		size := a.BlockBytes(layer) + m.KVCacheLayers[layer]
		if !fits(gpu, size) {
			gpu++
			continue
		}
		f.alloc[gpu] += size
		f.LayersPerGPU[gpu]++
		f.GPULayers++
		layer++
	}
	f.CPULayers = a.Layers - f.GPULayers
	if f.GPULayers == a.Layers {
		for i := range mc.GPUs {
			if fits(i, a.OutputBytes) {
				f.alloc[i] += a.OutputBytes
				f.OutputOnGPU = true
				break
			}
		}
	}
	f.addGraphs(m, mc)
}

// addGraphs adds the compute graph to each GPU that holds layers: the full
// one when one GPU holds everything (or memory is unified), else the
// partial one.
func (f *Fit) addGraphs(m Memory, mc Machine) {
	used := 0
	for _, n := range f.LayersPerGPU {
		if n > 0 {
			used++
		}
	}
	graph := m.GraphPartial
	if mc.UnifiedMemory || (used == 1 && f.CPULayers == 0 && f.OutputOnGPU) {
		graph = m.GraphFull
	}
	for i, n := range f.LayersPerGPU {
		if n > 0 {
			f.VRAMBytes += f.alloc[i] + graph
			if !m.Legacy {
				f.VRAMBytes -= m.LayerMargin // kept free, not counted
			}
		}
	}
}

// overflow is the weights and cache of the blocks (and the output layer)
// left to system memory.
func (f *Fit) overflow(a Arch) int64 {
	var rest int64
	for layer := f.GPULayers; layer < a.Layers; layer++ {
		rest += a.BlockBytes(layer) + f.Memory.KVCacheLayers[layer]
	}
	if !f.OutputOnGPU {
		rest += a.OutputBytes
	}
	return rest
}

// partialReason says how a model is split between GPU and CPU.
func partialReason(a Arch, f *Fit, mc Machine) string {
	onCPU := fmt.Sprintf("%d run on the CPU", f.CPULayers)
	if f.CPULayers == 0 {
		onCPU = "the output layer runs on the CPU"
	}
	return fmt.Sprintf("%d of %d layers fit in %s of free VRAM; %s from system memory (%s), at CPU speed",
		f.GPULayers, a.Layers, gb(totalFree(mc)), onCPU, gb(f.RAMBytes))
}

func totalFree(mc Machine) int64 {
	var t int64
	for _, g := range mc.GPUs {
		t += g.FreeBytes
	}
	return t
}

// memoryReason lists the terms of the estimate.
func memoryReason(m Memory) string {
	if !m.Legacy {
		return fmt.Sprintf("weights %s, KV cache %s (%d tokens, %s), compute graph on a GPU %s, %s kept free: total %s on a GPU, %s on the CPU",
			gb(m.Weights+m.HostWeights), gb(m.KVCache), m.CacheTokens, m.KVCacheType, gb(m.GraphFull), gb(m.LayerMargin), gb(m.Total+m.HostWeights), gb(m.CPUTotal+m.HostWeights))
	}
	return fmt.Sprintf("weights %s, KV cache %s (%d tokens, %s), compute graph %s, margin %s: total %s (Ollama before 0.12)",
		gb(m.Weights+m.HostWeights), gb(m.KVCache), m.CacheTokens, m.KVCacheType, gb(m.GraphFull), gb(m.LayerMargin), gb(m.Total+m.HostWeights))
}

// gb writes bytes in GB (10^9 bytes) with one decimal.
func gb(b int64) string { return fmt.Sprintf("%.1f GB", float64(b)/1e9) }
