package gguf

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ollama/ollama/fs/ggml"
)

// writeFile writes spec's GGUF file into a temporary directory and returns its contents.
func writeFile(t *testing.T, spec Spec) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.gguf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := spec.WriteGGUF(f); err != nil {
		t.Fatalf("WriteGGUF: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWriteGGUFDecodes(t *testing.T) {
	spec := DefaultSpec()
	b := writeFile(t, spec)
	f, err := ggml.Decode(bytes.NewReader(b), -1)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	kv := f.KV() // keys other than general.* and tokenizer.* take the architecture prefix
	for key, want := range map[string]uint32{
		"embedding_length":            256,
		"block_count":                 4,
		"attention.head_count":        4,
		"attention.head_count_kv":     2,
		"feed_forward_length":         768,
		"rope.dimension_count":        64,
		"vocab_size":                  vocabSize,
		"tokenizer.ggml.eos_token_id": eosToken,
		"general.file_type":           1,
	} {
		if got := kv.Uint(key); got != want {
			t.Errorf("%s = %d; want %d", key, got, want)
		}
	}
	if got := kv.Architecture(); got != "llama" {
		t.Errorf("architecture = %q; want llama", got)
	}
	if got := len(kv.Strings("tokenizer.ggml.tokens")); got != vocabSize {
		t.Errorf("%d tokens; want %d", got, vocabSize)
	}
	tensors := f.Tensors().Items()
	if got, want := len(tensors), 3+9*spec.BlockCount; got != want {
		t.Errorf("%d tensors; want %d", got, want)
	}
	var params uint64
	for _, tensor := range tensors {
		n := uint64(1)
		for _, d := range tensor.Shape {
			n *= d
		}
		params += n
	}
	if params != uint64(spec.ParameterCount()) {
		t.Errorf("tensors hold %d parameters; ParameterCount() = %d", params, spec.ParameterCount())
	}
}

// TestWriteGGUFLayout reads the constant channel of the token embeddings at the offsets that
// the header gives, which checks that the data lie where a reader looks for them.
func TestWriteGGUFLayout(t *testing.T) {
	b := writeFile(t, DefaultSpec())
	f, err := ggml.Decode(bytes.NewReader(b), -1)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	ts := f.Tensors()
	for _, tensor := range ts.Items("token_embd") {
		row := int(tensor.Shape[0]) // GGUF shapes are [columns, rows]
		start := int(ts.Offset + tensor.Offset)
		for _, r := range []int{0, 1, vocabSize - 1} {
			at := start + 2*r*row
			if got := binary.LittleEndian.Uint16(b[at:]); got != float16Bits(biasChannel) {
				t.Errorf("token_embd row %d starts with %#04x; want %#04x", r, got, float16Bits(biasChannel))
			}
		}
	}
	last := ts.Items()[len(ts.Items())-1]
	if end := int(ts.Offset + last.Offset + last.Size()); end != len(b) {
		t.Errorf("last tensor ends at %d; file is %d bytes", end, len(b))
	}
}

func TestWriteGGUFDeterministic(t *testing.T) {
	hash := func(s Spec) [32]byte { return sha256.Sum256(writeFile(t, s)) }
	spec := DefaultSpec()
	first, second := hash(spec), hash(spec)
	if first != second {
		t.Error("two writes of the same spec differ")
	}
	other := spec
	other.Seed++
	if first == hash(other) {
		t.Error("seeds 1 and 2 give the same file")
	}
}

func TestWriteGGUFSize(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec Spec
		min  int
		max  int
	}{
		{"default F16", DefaultSpec(), 6_500_000, 7_000_000},
		{"default F32", func() Spec { s := DefaultSpec(); s.F32 = true; return s }(), 13_000_000, 14_000_000},
		{"small F32", smallSpec(), 100_000, 1_000_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n := len(writeFile(t, tc.spec)); n < tc.min || n > tc.max {
				t.Errorf("file is %d bytes; want %d to %d", n, tc.min, tc.max)
			}
		})
	}
}

// smallSpec is the smallest useful model: 64 wide, two layers, F32.
func smallSpec() Spec {
	return Spec{EmbeddingLength: 64, BlockCount: 2, HeadCount: 4, HeadCountKV: 4,
		FeedForwardLength: 128, ContextLength: 2048, Seed: 1, F32: true}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Spec)
		want string // part of the error; empty for none
	}{
		{"default", func(*Spec) {}, ""},
		{"small", func(s *Spec) { *s = smallSpec() }, ""},
		{"zero layers", func(s *Spec) { s.BlockCount = 0 }, "positive"},
		{"negative width", func(s *Spec) { s.EmbeddingLength = -256 }, "positive"},
		{"odd width", func(s *Spec) { s.EmbeddingLength = 100 }, "multiples of 32"},
		{"odd feed-forward", func(s *Spec) { s.FeedForwardLength = 500 }, "multiples of 32"},
		{"heads not dividing", func(s *Spec) { s.HeadCount = 3 }, "heads must divide"},
		{"odd head size", func(s *Spec) { s.EmbeddingLength, s.HeadCount = 96, 32 }, "even head size"},
		{"kv heads not dividing", func(s *Spec) { s.HeadCountKV = 3 }, "key/value heads"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := DefaultSpec()
			tc.edit(&s)
			err := s.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate() = %v; want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate() = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestWriteGGUFInvalid(t *testing.T) {
	s := DefaultSpec()
	s.HeadCount = 3
	f, err := os.CreateTemp(t.TempDir(), "*.gguf")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := s.WriteGGUF(f); err == nil {
		t.Error("WriteGGUF with 3 heads of a 256-wide model succeeded")
	}
}

func TestCheckQuantize(t *testing.T) {
	for _, tc := range []struct {
		spec     Spec
		quantize string
		ok       bool
	}{
		{DefaultSpec(), "q4_K_M", true},
		{DefaultSpec(), "q8_0", true},
		{smallSpec(), "q4_K_M", false},
		{smallSpec(), "Q3_K_S", false},
		{smallSpec(), "q8_0", true},
		{smallSpec(), "", true},
	} {
		err := CheckQuantize(tc.spec, tc.quantize)
		if (err == nil) != tc.ok {
			t.Errorf("CheckQuantize(%d wide, %q) = %v; want ok %v", tc.spec.EmbeddingLength, tc.quantize, err, tc.ok)
		}
	}
}

func TestFloat16Bits(t *testing.T) {
	for _, tc := range []struct {
		in   float32
		want uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.1, 0x2e66},
		{1.0 / 3, 0x3555},
		{65504, 0x7bff},
		{65520, 0x7c00}, // rounds up to infinity
		{float32(math.Inf(-1)), 0xfc00},
		{float32(math.NaN()), 0x7e00},
		{float32(math.Ldexp(1, -14)), 0x0400},      // smallest normal
		{float32(math.Ldexp(1, -24)), 0x0001},      // smallest subnormal
		{float32(math.Ldexp(1, -25)), 0x0000},      // a tie, to even
		{float32(math.Ldexp(1.5, -25)), 0x0001},    // above the tie
		{float32(math.Ldexp(3, -25)), 0x0002},      // 1.5 ulp: a tie, to even
		{float32(math.Ldexp(1023.5, -24)), 0x0400}, // rounds up into the normals
		{1 + float32(math.Ldexp(1, -11)), 0x3c00},  // a tie, to even
		{1 + float32(math.Ldexp(3, -11)), 0x3c02},  // a tie, to even
		{float32(math.Ldexp(1, -40)), 0x0000},
	} {
		if got := float16Bits(tc.in); got != tc.want {
			t.Errorf("float16Bits(%g) = %#04x; want %#04x", tc.in, got, tc.want)
		}
	}
}
