package simulate

import (
	"fmt"
	"strings"
)

// Weights is the size of a model's weights at a quantization type, tensor
// group by tensor group as llama.cpp's quantizer stores them, and what a
// decoded token reads of them.
type Weights struct {
	Total float64 // every weight as stored
	// Token is the weights read for one decoded token: every block tensor
	// (for a mixture of experts, the shared ones and the active experts')
	// and the output matrix; the token embedding gives one row, and a
	// vision tower is read only for images.
	Token float64
	// Output is the output matrix (the token embedding, when the model ties
	// them); InputEmbedding the token embedding of a model that does not.
	Output, InputEmbedding float64
	Vision                 float64 // a vision tower, kept at 16 bits
}

// tensorBits are the bits per weight of a model's tensor groups at a type.
type tensorBits struct{ body, embed, output float64 }

// Llama-3.1-8B, on which llama.cpp measured the whole-file bits per weight
// of its quantization mixes: its token embedding and output matrix are each
// 128256 x 4096 weights.
const (
	refParams = 8_030_261_248
	refEmbed  = 128_256 * 4096
)

// singleTypes are the quantization types that store every large tensor in
// one block type (llama.cpp still writes the output matrix as Q6_K for the
// 4- and 5-bit ones).
var singleTypes = map[string]bool{"Q4_0": true, "Q4_1": true, "Q5_0": true, "Q5_1": true, "Q8_0": true,
	"F16": true, "BF16": true, "F32": true, "MXFP4": true}

// kFallback is the block type llama.cpp falls back to when a tensor's rows
// are not a multiple of 256 weights (a hidden width such as 896 or 1152),
// by a K-quant's main type, with both types' bits.
var kFallback = map[string]struct{ from, to float64 }{
	"Q2_K": {2.625, 4.5}, "Q3_K": {3.4375, 4.5}, "Q4_K": {4.5, 5.5}, "Q5_K": {5.5, 6.0}, "Q6_K": {6.5625, 8.5},
}

// bitsFor returns the bits of the tensor groups at a quantization type for
// a model whose residual stream is hidden wide (0 if unknown). A single
// block type stores the blocks and the token embedding in that type and the
// output matrix as Q6_K (8-bit and wider types keep their own). A mix
// (Q4_K_M, IQ3_M, ...) stores the token embedding in its main type and the
// output matrix as Q6_K, and the blocks at the bits that give the mix's
// whole-file average on Llama-3.1-8B. When hidden is not a multiple of 256,
// K-quant tensors fall back to wider block types.
func bitsFor(quant string, hidden int) (tensorBits, bool) {
	q := NormalizeQuant(quant)
	avg, ok := BitsPerWeight(q)
	if !ok {
		return tensorBits{}, false
	}
	const q6k = 6.5625
	if singleTypes[q] {
		out := q6k
		if avg >= 8 {
			out = avg
		}
		if q == "MXFP4" {
			return tensorBits{body: avg, embed: 16, output: 16}, true
		}
		return tensorBits{body: avg, embed: avg, output: out}, true
	}
	main := mainType(q)
	embed := avg
	if fb, ok := kFallback[main]; ok {
		embed = fb.from
	}
	body := (refParams*avg - refEmbed*embed - refEmbed*q6k) / (refParams - 2*refEmbed)
	b := tensorBits{body: body, embed: embed, output: q6k}
	if hidden > 0 && hidden%256 != 0 {
		if fb, ok := kFallback[main]; ok {
			b.body *= fb.to / fb.from
			b.embed = fb.to
		}
		b.output = kFallback["Q6_K"].to
	}
	return b, true
}

// mainType is the block type most of a K-quant mix's tensors use: Q4_K for
// Q4_K_M and Q4_K_S, Q6_K for Q6_K; "" for other types.
func mainType(q string) string {
	if !strings.HasPrefix(q, "Q") || !strings.Contains(q, "_K") {
		return ""
	}
	return q[:strings.Index(q, "_K")+2]
}

// Weights returns the model's weights at a quantization type. With the
// vocabulary and hidden width known, each group is sized at its own type
// (bitsFor): the blocks, the token embedding and the output matrix (one
// matrix when the model ties them), a vision tower at 16 bits, and, at
// MXFP4 (gpt-oss), only the experts at MXFP4 and every other tensor at 16
// bits. A token reads the blocks (a mixture of experts: the active
// parameters less the output matrix, with the shared tensors in full) and
// the output matrix. Without the vocabulary, every weight counts at the
// type's whole-file average.
func (m OpenModel) Weights(quant string) (Weights, error) {
	q := NormalizeQuant(quant)
	bits, ok := bitsFor(q, m.Hidden)
	if !ok {
		return Weights{}, fmt.Errorf("unknown quantization %q", quant)
	}
	if m.Vocab <= 0 || m.Hidden <= 0 {
		avg, _ := BitsPerWeight(q)
		active := m.ActiveParams
		if active <= 0 {
			active = m.Params
		}
		return Weights{Total: float64(m.Params) * avg / 8, Token: float64(active) * avg / 8}, nil
	}
	e := float64(m.Vocab) * float64(m.Hidden)
	w := Weights{Vision: 2 * float64(m.VisionParams)}
	body := float64(m.Params-m.VisionParams) - e
	w.Output = e * bits.output / 8
	if !m.TiedEmbeddings {
		body -= e
		w.InputEmbedding = e * bits.embed / 8
	}
	active := body
	if m.ActiveParams > 0 && m.ActiveParams < m.Params {
		active = float64(m.ActiveParams) - e
	}
	bits.body *= m.downFallback(q, body)
	experts := float64(m.ExpertParams)
	if q == "MXFP4" && experts > 0 {
		shared := body - experts
		w.Total = shared*2 + experts*bits.body/8
		w.Token = shared*2 + max(0, active-shared)*bits.body/8
	} else {
		w.Total = body * bits.body / 8
		w.Token = active * bits.body / 8
	}
	w.Total += w.Output + w.InputEmbedding + w.Vision
	w.Token += w.Output
	return w, nil
}

// downFallback is the factor on the blocks' bits when the MLP's width is
// not a multiple of 256: the down projection (hidden x FFN weights a
// layer) then falls back from a K-quant to a wider block type.
func (m OpenModel) downFallback(q string, body float64) float64 {
	fb, ok := kFallback[mainType(q)]
	if !ok || m.FFN <= 0 || m.FFN%256 == 0 || m.Layers <= 0 || body <= 0 {
		return 1
	}
	share := float64(m.Hidden) * float64(m.FFN) * float64(m.Layers) / body
	return 1 + share*(fb.to/fb.from-1)
}
