package simulate

import "strings"

// fileBitsPerWeight is the whole-file bits per weight of llama.cpp's quant
// mixes as measured on Llama-3.1-8B (llama.cpp tools/quantize/README.md): a
// mix such as Q4_K_M keeps some tensors at higher precision, so it reads more
// than its nominal 4.5 bits.
var fileBitsPerWeight = map[string]float64{
	"IQ1_S": 2.0042, "IQ1_M": 2.1460, "IQ2_XXS": 2.3824, "IQ2_XS": 2.5882,
	"IQ2_S": 2.7403, "IQ2_M": 2.9294, "IQ3_XXS": 3.2548, "IQ3_XS": 3.4977,
	"IQ3_S": 3.6606, "IQ3_M": 3.7628, "IQ4_XS": 4.4597, "IQ4_NL": 4.6818,
	"Q2_K_S": 2.9697, "Q2_K": 3.1593, "Q3_K_S": 3.6429,
	"Q3_K_L": 4.2979, "Q4_K_S": 4.6672, "Q4_K_M": 4.8944, "Q5_K_S": 5.5704,
	"Q5_K_M": 5.7036, "Q6_K": 6.5633, "Q8_0": 8.5008, "F16": 16.0005,
	"BF16": 16.0005, "F32": 32,
	// Single tensor types (ggml block sizes), for files quantized uniformly.
	"Q4_0": 4.5, "Q4_1": 5.0, "Q5_0": 5.5, "Q5_1": 6.0, "MXFP4": 4.25,
}

// BitsPerWeight returns the bits per weight of a GGUF quantization type such
// as "Q4_K_M" or "q8_0" (case does not matter), as a whole-file average.
func BitsPerWeight(quant string) (float64, bool) {
	b, ok := fileBitsPerWeight[strings.ToUpper(strings.TrimSpace(quant))]
	return b, ok
}

// DequantFactor returns how much more compute a matrix product costs with
// weights of the given type than with F16 weights, for unpacking the blocks.
// The Q4_K_M figure, 1.3, is fitted to llama.cpp's measured prompt speeds for
// Llama-3-8B: pp512 with Q4_K_M runs at 0.74 to 0.91 of F16 on RTX 3090,
// 4080, 4090 and Apple M1 Max, M2 Ultra, M3 Max (median about 0.77). The
// other figures are assumptions scaled from it: 8-bit blocks are simpler,
// the i-quants need lookups. Unknown types get 1.3.
func DequantFactor(quant string) float64 {
	q := strings.ToUpper(strings.TrimSpace(quant))
	switch {
	case q == "F16" || q == "BF16" || q == "F32" || q == "":
		return 1
	case q == "Q8_0":
		return 1.15
	case strings.HasPrefix(q, "IQ"):
		return 1.5
	default:
		return 1.3
	}
}
