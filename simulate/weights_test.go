package simulate

import (
	"math"
	"testing"
)

// sizeMisses are the tags whose computed weights miss the library's size
// by more than 5%, and why.
var sizeMisses = map[string]string{
	// Both files hold the embedding and the output matrix (0.75B and 2.03B
	// parameters, as the catalog says) and come out as if both were Q6_K,
	// which llama.cpp's rules give neither; not understood.
	"qwen3:0.6b": "-7%", "qwen3:1.7b": "-8%",
}

// Every catalog tag's weights, counted tensor group by tensor group at its
// default type, come within 5% of the size Ollama's library lists for it
// (the catalog's ollama_size_gb, rounded there to two or three figures),
// but for sizeMisses.
func TestCatalogSizes(t *testing.T) {
	models, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	var worst float64
	for _, m := range models {
		if m.LibraryBytes <= 0 {
			t.Errorf("%s: no ollama_size_gb", m.Tag)
			continue
		}
		w, err := m.Weights(m.DefaultQuant)
		if err != nil {
			t.Fatalf("%s: %v", m.Tag, err)
		}
		e := w.Total/float64(m.LibraryBytes) - 1
		worst = math.Max(worst, math.Abs(e))
		t.Logf("%-22s %-7s computed %6.2f GB, library %6.2f GB: %+5.1f%%", m.Tag, m.DefaultQuant, w.Total/1e9, float64(m.LibraryBytes)/1e9, 100*e)
		if math.Abs(e) > 0.05 && sizeMisses[m.Tag] == "" {
			t.Errorf("%s %s: %.2f GB computed, the library lists %.2f GB (%+.1f%%)", m.Tag, m.DefaultQuant, w.Total/1e9, float64(m.LibraryBytes)/1e9, 100*e)
		}
	}
	t.Logf("worst %.1f%% over %d tags", 100*worst, len(models))
}

// A token reads the blocks and the output matrix, not the token embedding
// or a vision tower; gpt-oss's experts are MXFP4 and its other tensors
// 16-bit, so a token reads about twice what its active parameters at MXFP4
// would be.
func TestTokenBytes(t *testing.T) {
	g, _, ok := LookupModel("gpt-oss:20b")
	if !ok {
		t.Fatal("no gpt-oss:20b")
	}
	w, err := g.Weights("MXFP4")
	if err != nil {
		t.Fatal(err)
	}
	naive := float64(g.ActiveParams) * 4.25 / 8
	if r := w.Token / naive; r < 1.7 || r > 2.4 {
		t.Errorf("gpt-oss:20b reads %.2f GB a token, %.1fx its active parameters at MXFP4 (%.2f GB); want about 2x", w.Token/1e9, r, naive/1e9)
	}
	gem, _, _ := LookupModel("gemma3:4b")
	w, _ = gem.Weights("Q4_K_M")
	if math.Abs(w.Token-(w.Total-w.Vision)) > 1 || w.Vision <= 0 {
		t.Errorf("gemma3:4b: token %.2f GB, total %.2f GB, vision %.2f GB", w.Token/1e9, w.Total/1e9, w.Vision/1e9)
	}
	llama, _, _ := LookupModel("llama3.1:8b")
	w, _ = llama.Weights("Q4_K_M")
	if d := w.Total - w.Token - w.InputEmbedding; math.Abs(d) > 1 {
		t.Errorf("llama3.1:8b: total - token - embedding = %.0f bytes, want 0", d)
	}
}
