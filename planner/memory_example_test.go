package planner_test

import (
	"fmt"

	"github.com/plan-cli/plan/planner"
)

// A 14B model at 4-bit with a 4k context, on a GPU with 8 GB free: most
// layers on the GPU, the rest on the CPU, by the current Ollama release's rules.
func ExampleFitMemory() {
	a, err := planner.ArchFromCatalog("qwen2.5:14b", "Q4_K_M")
	if err != nil {
		fmt.Println(err)
		return
	}
	mc := planner.Machine{
		GPUs:         []planner.GPU{{FreeBytes: 8e9, ReserveBytes: planner.GPUReserveBytes}},
		FreeRAMBytes: 32e9,
	}
	f, err := planner.FitMemory(a, planner.MemoryOptions{ContextTokens: 4096, Parallel: 1}, mc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d layers on the GPU, %d on the CPU (GPU share %.2f)\n", f.Placement, f.GPULayers, f.CPULayers, f.GPUShare)
	fmt.Printf("KV cache %.2f GB, total %.1f GB\n", float64(f.Memory.KVCache)/1e9, float64(f.Memory.Total)/1e9)
	// Output:
	// partial: 35 layers on the GPU, 13 on the CPU (GPU share 0.73)
	// KV cache 0.81 GB, total 9.7 GB
}
