package planner

import "strings"

// tensorType is a ggml tensor type: elements per block and bytes per block
// (ggml's block layouts; a Q4_K block holds 256 weights in 144 bytes).
type tensorType struct {
	name        string
	blockValues int64
	blockBytes  int64
}

// tensorTypes are the ggml tensor types by their number in the GGUF file.
var tensorTypes = map[int]tensorType{
	0: {"F32", 1, 4}, 1: {"F16", 1, 2}, 2: {"Q4_0", 32, 18}, 3: {"Q4_1", 32, 20},
	6: {"Q5_0", 32, 22}, 7: {"Q5_1", 32, 24}, 8: {"Q8_0", 32, 34}, 9: {"Q8_1", 32, 36},
	10: {"Q2_K", 256, 84}, 11: {"Q3_K", 256, 110}, 12: {"Q4_K", 256, 144}, 13: {"Q5_K", 256, 176},
	14: {"Q6_K", 256, 210}, 15: {"Q8_K", 256, 292}, 16: {"IQ2_XXS", 256, 66}, 17: {"IQ2_XS", 256, 74},
	18: {"IQ3_XXS", 256, 98}, 19: {"IQ1_S", 256, 50}, 20: {"IQ4_NL", 32, 18}, 21: {"IQ3_S", 256, 110},
	22: {"IQ2_S", 256, 82}, 23: {"IQ4_XS", 256, 136}, 24: {"I8", 1, 1}, 25: {"I16", 1, 2},
	26: {"I32", 1, 4}, 27: {"I64", 1, 8}, 28: {"F64", 1, 8}, 29: {"IQ1_M", 256, 56}, 30: {"BF16", 1, 2},
}

// fileTypeNames are llama.cpp's file types (general.file_type) in number
// order. Ollama v0.6.5's /api/show names a tensor's type with the file type
// of the same number as its tensor type, so a Q4_K tensor (12) shows as
// "Q3_K_L" and Q6_K (14) as "Q4_K_M"; typeByLabel undoes that.
var fileTypeNames = []string{
	"F32", "F16", "Q4_0", "Q4_1", "Q4_1_F16", "Q4_2", "Q4_3", "Q8_0", "Q5_0", "Q5_1",
	"Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K",
	"IQ2_XXS", "IQ2_XS", "Q2_K_S", "IQ3_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ3_M",
	"IQ2_S", "IQ2_M", "IQ4_XS", "IQ1_M", "BF16",
}

// FileTypeName returns the name of a GGUF general.file_type number, such as
// 15 for Q4_K_M, or "" when it is unknown.
func FileTypeName(n int) string {
	if n < 0 || n >= len(fileTypeNames) {
		return ""
	}
	return fileTypeNames[n]
}

// typeByLabel reads a tensor type as Ollama v0.6.5 labels it (the file type
// name of the tensor type's number).
func typeByLabel(label string) (tensorType, bool) {
	for n, name := range fileTypeNames {
		if strings.EqualFold(name, label) {
			t, ok := tensorTypes[n]
			return t, ok
		}
	}
	return tensorType{}, false
}

// typeByName reads a tensor type by its ggml name ("Q4_K"), as later
// Ollama versions label it.
func typeByName(name string) (tensorType, bool) {
	for _, t := range tensorTypes {
		if strings.EqualFold(t.name, name) {
			return t, true
		}
	}
	return tensorType{}, false
}

// tensorBytes is the size of a tensor of the given shape and type: elements
// / block values x block bytes.
func tensorBytes(t tensorType, shape []uint64) int64 {
	n := int64(1)
	for _, d := range shape {
		n *= int64(d)
	}
	return n / t.blockValues * t.blockBytes
}
