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
		"no such card":            nil,
	} {
		if got := GPUChoices(name); !slices.Equal(got, want) {
			t.Errorf("GPUChoices(%q) = %q; want %q", name, got, want)
		}
	}
}
