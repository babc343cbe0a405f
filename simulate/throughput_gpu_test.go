package simulate

import (
	"slices"
	"testing"
)

// A short name that fits several catalog entries equally is ambiguous; a
// name that picks one, or a tool's long name, is not.
func TestGPUChoices(t *testing.T) {
	for name, want := range map[string][]string{
		"M4 Max":                  {"Apple M4 Max (32-core GPU)", "Apple M4 Max (40-core GPU)"},
		"a100":                    {"A100 40GB PCIe", "A100 80GB PCIe", "A100 80GB SXM"},
		"RTX 4060 Ti":             {"RTX 4060 Ti 8GB", "RTX 4060 Ti 16GB"},
		"RTX 4060 Ti 16GB":        nil,
		"RTX 4090":                nil,
		"NVIDIA GeForce RTX 4090": nil,
		"Apple M4 Max 40-core":    nil,
		"Apple M4 Max":            {"Apple M4 Max (32-core GPU)", "Apple M4 Max (40-core GPU)"},
		"no such card":            nil,
	} {
		if got := GPUChoices(name); !slices.Equal(got, want) {
			t.Errorf("GPUChoices(%q) = %q; want %q", name, got, want)
		}
	}
}

// A longer name finds the entry that shares the most of its words: the
// M4 Max, not the M4 whose name it also holds.
func TestLookupGPUSharesMostWords(t *testing.T) {
	for name, want := range map[string]string{
		"Apple M4 Max 40-core":    "Apple M4 Max (40-core GPU)",
		"Apple M3 Max 30-core":    "Apple M3 Max (30-core GPU)",
		"NVIDIA GeForce RTX 4090": "RTX 4090",
		"m2 ultra":                "Apple M2 Ultra",
		"RTX 4060 Ti 16GB":        "RTX 4060 Ti 16GB",
	} {
		if g, ok := LookupGPU(name); !ok || g.Name != want {
			t.Errorf("LookupGPU(%q) = %q, %v; want %q", name, g.Name, ok, want)
		}
	}
}
