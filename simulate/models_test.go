package simulate

import (
	"strings"
	"testing"
)

func TestModelsCatalog(t *testing.T) {
	models, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	if len(models) < 40 {
		t.Fatalf("%d models, want the whole catalog", len(models))
	}
	seen := map[string]bool{}
	for _, m := range models {
		if seen[m.Tag] {
			t.Errorf("%s listed twice", m.Tag)
		}
		seen[m.Tag] = true
		if m.ActiveParams > m.Params || m.KVHeads <= 0 || m.HeadDim <= 0 || m.MaxContext <= 0 {
			t.Errorf("%s: implausible row %+v", m.Tag, m)
		}
		if _, err := m.Shape(m.DefaultQuant); err != nil {
			t.Errorf("%s: default quantization: %v", m.Tag, err)
		}
	}
}

// The key/value cache per token of a model without sliding windows is the
// catalog's kv_bytes_per_token_f16 column of the reference set: Llama-3.1-8B
// 131072 bytes, Qwen2.5-7B 57344, Qwen3-30B-A3B 98304.
func TestKVCacheBytes(t *testing.T) {
	for tag, want := range map[string]float64{"llama3.1:8b": 131072, "qwen2.5:7b": 57344, "qwen3:30b-a3b": 98304} {
		m, _, ok := LookupModel(tag)
		if !ok {
			t.Fatalf("%s not found", tag)
		}
		if got := m.KVCacheBytes(1, 2); got != want {
			t.Errorf("%s: %v bytes per token, want %v", tag, got, want)
		}
		if got, want := m.KVCacheBytes(8192, 2), want*8192; got != want {
			t.Errorf("%s at 8192: %v, want %v", tag, got, want)
		}
	}
	// Gemma 3 27B: 62 layers, every 6th global (10), the other 52 see 1024
	// tokens; 16 KV heads of 128: 8192 bytes per layer and token at f16.
	g, _, _ := LookupModel("gemma3:27b")
	want := 8192.0 * (10*32768 + 52*1024)
	if got := g.KVCacheBytes(32768, 2); got != want {
		t.Errorf("gemma3:27b at 32768: %v, want %v", got, want)
	}
}

func TestLookupModel(t *testing.T) {
	for _, c := range []struct{ in, tag, quant string }{
		{"llama3.1:8b", "llama3.1:8b", ""},
		{"Llama3.1:8B", "llama3.1:8b", ""},
		{"qwen2.5:7b-instruct-q8_0", "qwen2.5:7b", "Q8_0"},
		{"qwen2.5-coder:32b-instruct-fp16", "qwen2.5-coder:32b", "F16"},
		{"phi4", "phi4:14b", ""},
		{"mixtral:latest", "mixtral:8x7b", ""},
	} {
		m, q, ok := LookupModel(c.in)
		if !ok || m.Tag != c.tag || q != c.quant {
			t.Errorf("LookupModel(%q) = %s, %q, %v; want %s, %q", c.in, m.Tag, q, ok, c.tag, c.quant)
		}
	}
	for _, in := range []string{"qwen2.5", "llama3.1:9b", "nosuch:7b", ""} {
		if m, _, ok := LookupModel(in); ok {
			t.Errorf("LookupModel(%q) = %s, want no match", in, m.Tag)
		}
	}
}

func TestParseModelsErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"tag,params_total_b,layers,kv_heads\n", `no "head_dim" column`},
		{"tag,params_total_b,layers,kv_heads,head_dim\nx,abc,1,1,1\n", "line 2: params_total_b"},
		{"tag,params_total_b,layers,kv_heads,head_dim\nx,0,1,1,1\n", "needs params_total_b"},
		{"tag,params_total_b,layers,kv_heads,head_dim\n", "no rows"},
	} {
		_, err := ParseModels(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseModels(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}
