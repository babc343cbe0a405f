package gguf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/ollama/ollama/fs/ggml"
)

// Spec describes a generated llama-architecture model with random weights.
//
// The weights are small random normals, except for one channel of the residual stream that
// holds a constant: the output layer reads it to push the logits of the control and byte tokens
// (including the end-of-sequence token </s>) far below those of the printable characters. The
// model therefore writes printable ASCII text and practically never stops on its own, so a
// generation runs until num_predict tokens (at a temperature above 0; at temperature 0 a
// random model soon repeats one token and Ollama v0.6.5 aborts the generation).
type Spec struct {
	EmbeddingLength   int    // width of the residual stream; a multiple of 32, of 256 for K-quants
	BlockCount        int    // number of transformer layers
	HeadCount         int    // attention heads; must divide EmbeddingLength
	HeadCountKV       int    // key/value heads; must divide HeadCount
	FeedForwardLength int    // hidden width of the MLP; a multiple of 32, of 256 for K-quants
	ContextLength     int    // training context length written to the metadata
	Seed              uint64 // the same seed gives the same file
	F32               bool   // store the weight matrices as F32 instead of F16
	AllowEOS          bool   // let </s> be sampled like a printable token, so generations stop early at random
}

// DefaultSpec returns the spec of the standard models: 256 wide, 4 layers, 4 heads (2 for
// keys and values), a 768-wide MLP and F16 weights, about 3.4 million parameters and 6.8 MB
// on disk. Every dimension is a multiple of 256, so the model can be quantized to K-quants.
func DefaultSpec() Spec {
	return Spec{
		EmbeddingLength:   256,
		BlockCount:        4,
		HeadCount:         4,
		HeadCountKV:       2,
		FeedForwardLength: 768,
		ContextLength:     4096,
		Seed:              1,
	}
}

// Standard deviation of the random weights, the value of the constant channel (channel 0) in
// every token embedding, and the output weight that reads it for suppressed tokens.
const (
	weightStdDev    = 0.02
	biasChannel     = 1.0
	suppressedLogit = -8.0
)

// Validate reports whether the spec describes a model that can be written and loaded.
func (s Spec) Validate() error {
	switch {
	case s.EmbeddingLength <= 0 || s.BlockCount <= 0 || s.HeadCount <= 0 || s.HeadCountKV <= 0 ||
		s.FeedForwardLength <= 0 || s.ContextLength <= 0:
		return fmt.Errorf("spec %+v: every dimension must be positive", s)
	case s.EmbeddingLength%32 != 0 || s.FeedForwardLength%32 != 0:
		return fmt.Errorf("spec: embedding length %d and feed-forward length %d must be multiples of 32",
			s.EmbeddingLength, s.FeedForwardLength)
	case s.EmbeddingLength%s.HeadCount != 0 || (s.EmbeddingLength/s.HeadCount)%2 != 0:
		return fmt.Errorf("spec: %d heads must divide embedding length %d into an even head size",
			s.HeadCount, s.EmbeddingLength)
	case s.HeadCount%s.HeadCountKV != 0:
		return fmt.Errorf("spec: %d key/value heads must divide %d heads", s.HeadCountKV, s.HeadCount)
	}
	return nil
}

// ParameterCount returns the number of weights in the model.
func (s Spec) ParameterCount() int {
	embd, ff, kv := s.EmbeddingLength, s.FeedForwardLength, s.kvDim()
	perBlock := 2*embd + 2*embd*embd + 2*kv*embd + 3*ff*embd
	return 2*vocabSize*embd + embd + s.BlockCount*perBlock
}

func (s Spec) kvDim() int { return s.EmbeddingLength / s.HeadCount * s.HeadCountKV }

// WriteGGUF writes the model as a GGUF file to f. The output depends only on the spec.
func (s Spec) WriteGGUF(f *os.File) error {
	if err := s.Validate(); err != nil {
		return err
	}
	ts := s.tensors()
	ptrs := make([]*ggml.Tensor, len(ts))
	for i := range ts {
		ptrs[i] = &ts[i]
	}
	if err := ggml.WriteGGUF(f, s.metadata(), ptrs); err != nil {
		return fmt.Errorf("writing gguf: %w", err)
	}
	return nil
}

func (s Spec) metadata() ggml.KV {
	fileType := uint32(1) // mostly F16
	if s.F32 {
		fileType = 0
	}
	tokens, scores, types := vocabulary()
	return ggml.KV{
		"general.architecture":                   "llama",
		"general.name":                           "plan-tiny",
		"general.file_type":                      fileType,
		"llama.context_length":                   uint32(s.ContextLength),
		"llama.embedding_length":                 uint32(s.EmbeddingLength),
		"llama.block_count":                      uint32(s.BlockCount),
		"llama.feed_forward_length":              uint32(s.FeedForwardLength),
		"llama.attention.head_count":             uint32(s.HeadCount),
		"llama.attention.head_count_kv":          uint32(s.HeadCountKV),
		"llama.rope.dimension_count":             uint32(s.EmbeddingLength / s.HeadCount),
		"llama.rope.freq_base":                   float32(10000),
		"llama.attention.layer_norm_rms_epsilon": float32(1e-5),
		"llama.vocab_size":                       uint32(len(tokens)),
		"tokenizer.ggml.model":                   "llama",
		"tokenizer.ggml.tokens":                  tokens,
		"tokenizer.ggml.scores":                  scores,
		"tokenizer.ggml.token_type":              types,
		"tokenizer.ggml.unknown_token_id":        uint32(unknownToken),
		"tokenizer.ggml.bos_token_id":            uint32(bosToken),
		"tokenizer.ggml.eos_token_id":            uint32(eosToken),
		"tokenizer.ggml.add_bos_token":           true,
		"tokenizer.ggml.add_eos_token":           false,
	}
}

// tensors lists the weights. Shapes are [rows, columns], that is [out, in]. Channel 0 of the
// residual stream is the constant channel: the layers neither read nor write it.
func (s Spec) tensors() []ggml.Tensor {
	embd, ff, kv := s.EmbeddingLength, s.FeedForwardLength, s.kvDim()
	ts := []ggml.Tensor{
		s.matrix("token_embd.weight", vocabSize, embd, setColumn0(func(int) float32 { return biasChannel })),
		ones("output_norm.weight", embd),
		s.matrix("output.weight", vocabSize, embd, setColumn0(s.outputBias)),
	}
	for i := range s.BlockCount {
		name := func(n string) string { return fmt.Sprintf("blk.%d.%s.weight", i, n) }
		ts = append(ts,
			ones(name("attn_norm"), embd),
			s.matrix(name("attn_q"), embd, embd, setColumn0(zero)),
			s.matrix(name("attn_k"), kv, embd, setColumn0(zero)),
			s.matrix(name("attn_v"), kv, embd, setColumn0(zero)),
			s.matrix(name("attn_output"), embd, embd, zeroRow0),
			ones(name("ffn_norm"), embd),
			s.matrix(name("ffn_gate"), ff, embd, setColumn0(zero)),
			s.matrix(name("ffn_up"), ff, embd, setColumn0(zero)),
			s.matrix(name("ffn_down"), embd, ff, zeroRow0),
		)
	}
	return ts
}

// outputBias is the weight with which token id's logit reads the constant channel.
func (s Spec) outputBias(id int) float32 {
	if id >= firstCharToken || id == eosToken && s.AllowEOS {
		return 0
	}
	return suppressedLogit
}

func zero(int) float32 { return 0 }

// setColumn0 returns an edit that sets the first column of each row to value(row).
func setColumn0(value func(row int) float32) func(v []float32, cols int) {
	return func(v []float32, cols int) {
		for r := 0; r*cols < len(v); r++ {
			v[r*cols] = value(r)
		}
	}
}

// zeroRow0 clears the first row.
func zeroRow0(v []float32, cols int) { clear(v[:cols]) }

// matrix returns a rows×cols tensor of random normals, changed by edit. Each tensor has its
// own random stream, derived from the seed and its name, so the order of writing is irrelevant.
func (s Spec) matrix(name string, rows, cols int, edit func(v []float32, cols int)) ggml.Tensor {
	h := fnv.New64a()
	h.Write([]byte(name))
	seed1, seed2 := s.Seed, h.Sum64()
	values := func() []float32 {
		r := rand.New(rand.NewPCG(seed1, seed2))
		v := make([]float32, rows*cols)
		for i := range v {
			v[i] = float32(r.NormFloat64() * weightStdDev)
		}
		edit(v, cols)
		return v
	}
	kind := uint32(1)
	if s.F32 {
		kind = 0
	}
	// GGUF lists dimensions innermost first: [columns, rows].
	return ggml.Tensor{Name: name, Kind: kind, Shape: []uint64{uint64(cols), uint64(rows)},
		WriterTo: tensorData{f32: kind == 0, values: values}}
}

// ones returns a vector of ones, always F32 as in converted models.
func ones(name string, n int) ggml.Tensor {
	values := func() []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = 1
		}
		return v
	}
	return ggml.Tensor{Name: name, Kind: 0, Shape: []uint64{uint64(n)},
		WriterTo: tensorData{f32: true, values: values}}
}

// tensorData encodes values, computed when written, as little-endian F32 or F16.
type tensorData struct {
	f32    bool
	values func() []float32
}

func (d tensorData) WriteTo(w io.Writer) (int64, error) {
	v := d.values()
	var buf []byte
	if d.f32 {
		buf = make([]byte, 0, 4*len(v))
		for _, f := range v {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(f))
		}
	} else {
		buf = make([]byte, 0, 2*len(v))
		for _, f := range v {
			buf = binary.LittleEndian.AppendUint16(buf, float16Bits(f))
		}
	}
	n, err := w.Write(buf)
	if err == nil && n < len(buf) {
		err = errors.New("short write")
	}
	return int64(n), err
}
