package planner

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/plan-cli/plan/internal/ollamatest"
)

// generatedModel is a model the test creates on the server: a generated
// GGUF file, quantized by the server to quantize (empty: as it is).
type generatedModel struct {
	name     string
	file     *modelFile
	quantize string
}

// modelFile is a GGUF file written once and uploaded to every server.
type modelFile struct {
	spec   ollamatest.Spec
	path   string
	digest string
}

// write writes the file of the spec into dir (generating a model's random
// weights takes most of a minute under the race detector, so each spec is
// written once) and hashes it.
func (f *modelFile) write(t *testing.T, dir string) {
	t.Helper()
	out, err := os.CreateTemp(dir, "*.gguf")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	h := sha256.New()
	if err := f.spec.WriteGGUF(out); err != nil {
		t.Fatalf("writing %s: %v", out.Name(), err)
	}
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(h, out); err != nil {
		t.Fatalf("hashing %s: %v", out.Name(), err)
	}
	f.path, f.digest = out.Name(), fmt.Sprintf("sha256:%x", h.Sum(nil))
}

// create uploads the file of m to the server behind c and creates m from it.
func (m generatedModel) create(ctx context.Context, t *testing.T, c *api.Client) {
	t.Helper()
	in, err := os.Open(m.file.path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if err := c.CreateBlob(ctx, m.file.digest, in); err != nil {
		t.Fatalf("uploading %s: %v", m.file.path, err)
	}
	req := &api.CreateRequest{
		Model: m.name, Files: map[string]string{"model.gguf": m.file.digest},
		Template: ollamatest.Template, Quantize: m.quantize, Parameters: ollamatest.Parameters(),
	}
	if err := c.Create(ctx, req, func(api.ProgressResponse) error { return nil }); err != nil {
		t.Fatalf("creating %s: %v", m.name, err)
	}
}

// generatedModels writes the files of the models of TestEstimateMatchesOllama:
// the standard 256-wide, 4-layer model, and a 1024-wide, 8-layer one whose
// weights are not negligible, as F16 and Q4_K_M.
func generatedModels(t *testing.T) []generatedModel {
	small := &modelFile{spec: ollamatest.DefaultSpec()}
	wide := &modelFile{spec: ollamatest.Spec{
		EmbeddingLength: 1024, BlockCount: 8, HeadCount: 16, HeadCountKV: 4,
		FeedForwardLength: 1536, ContextLength: 32768, Seed: 7,
	}}
	dir := t.TempDir()
	small.write(t, dir)
	wide.write(t, dir)
	return []generatedModel{
		{"memfit-small:f16", small, ""},
		{"memfit-wide:f16", wide, ""},
		{"memfit-wide:q4_K_M", wide, "q4_K_M"},
	}
}

// TestEstimateMatchesOllama loads generated models on a real Ollama server
// at several contexts and parallel settings and compares the size /api/ps
// reports with EstimateMemory built from /api/show of the same model.
func TestEstimateMatchesOllama(t *testing.T) {
	if testing.Short() {
		t.Skip("loads models on a real Ollama server")
	}
	models := generatedModels(t)
	for _, parallel := range []int{1, 4} {
		t.Run(fmt.Sprintf("parallel=%d", parallel), func(t *testing.T) {
			t.Parallel() // two servers load at once: most of a load is waiting
			rows := checkParallel(t, models, parallel)
			t.Logf("estimate vs Ollama /api/ps size (from tensor sizes, and from the file size alone):\n%-20s %8s %8s %14s %14s %7s %14s %7s\n%s",
				"model", "num_ctx", "parallel", "ollama", "estimate", "error", "from file", "error", strings.Join(rows, "\n"))
		})
	}
}

func checkParallel(t *testing.T, models []generatedModel, parallel int) []string {
	s := ollamatest.New(t, ollamatest.Options{NumParallel: parallel, MaxLoadedModels: 1, KeepAlive: "-1"})
	c := s.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var rows []string
	for _, m := range models {
		m.create(ctx, t, c)
		tensors, file := archOf(ctx, t, c, m.name)
		if tensors.WeightSource != WeightsFromTensors || file.WeightSource != WeightsFromFile {
			t.Fatalf("%s: weights from %q and %q; want tensor sizes and file size", m.name, tensors.WeightSource, file.WeightSource)
		}
		for _, n := range []int{2048, 8192, 32768} {
			got := loadedSize(ctx, t, c, m.name, n)
			o := MemoryOptions{ContextTokens: n, Parallel: parallel, OllamaVersion: s.Version}
			est, errEst := compareSize(t, tensors, o, got)
			fromFile, errFile := compareSize(t, file, o, got)
			rows = append(rows, fmt.Sprintf("%-20s %8d %8d %14d %14d %+6.1f%% %14d %+6.1f%%",
				m.name, n, parallel, got, est, 100*errEst, fromFile, 100*errFile))
		}
	}
	return rows
}

// compareSize estimates the memory of a at o on the CPU and checks it is
// within 5% of the size Ollama reported; it returns the estimate and its
// relative error.
func compareSize(t *testing.T, a Arch, o MemoryOptions, ollama int64) (int64, float64) {
	t.Helper()
	m, err := EstimateMemory(a, o)
	if err != nil {
		t.Fatal(err)
	}
	rel := float64(m.CPUTotal-ollama) / float64(ollama)
	if math.Abs(rel) > 0.05 {
		t.Errorf("%s (weights from %s) num_ctx=%d parallel=%d kv=%s fa=%v on Ollama %s: estimate %d bytes, Ollama %d (%+.1f%%); want within 5%%",
			a.Name, a.WeightSource, o.ContextTokens, o.Parallel, o.KVCacheType, o.FlashAttention, o.OllamaVersion, m.CPUTotal, ollama, 100*rel)
	}
	return m.CPUTotal, rel
}

// archOf reads a model's Arch from /api/show and /api/tags twice: with the
// tensor list, and from the file size alone.
func archOf(ctx context.Context, t *testing.T, c *api.Client, name string) (tensors, file Arch) {
	t.Helper()
	resp, err := c.Show(ctx, &api.ShowRequest{Model: name})
	if err != nil {
		t.Fatalf("show %s: %v", name, err)
	}
	show := Show{ModelInfo: resp.ModelInfo}
	for _, x := range resp.Tensors {
		show.Tensors = append(show.Tensors, Tensor{Name: x.Name, Type: x.Type, Shape: x.Shape})
	}
	list, err := c.List(ctx)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var size int64
	for _, m := range list.Models {
		if m.Name == name || m.Model == name {
			size = m.Size
		}
	}
	tensors, err = ArchFromShow(name, show, size)
	if err != nil {
		t.Fatal(err)
	}
	show.Tensors = nil
	file, err = ArchFromShow(name, show, size)
	if err != nil {
		t.Fatal(err)
	}
	return tensors, file
}

// loadedSize loads the model at num_ctx n (0: the server's default) with an
// empty prompt and returns the size /api/ps reports.
func loadedSize(ctx context.Context, t *testing.T, c *api.Client, name string, n int) int64 {
	t.Helper()
	stream := false
	req := &api.GenerateRequest{Model: name, Stream: &stream, KeepAlive: &api.Duration{Duration: -1}}
	if n > 0 {
		req.Options = map[string]any{"num_ctx": n}
	}
	if err := c.Generate(ctx, req, func(api.GenerateResponse) error { return nil }); err != nil {
		t.Fatalf("loading %s at num_ctx %d: %v", name, n, err)
	}
	ps, err := c.ListRunning(ctx)
	if err != nil {
		t.Fatalf("ps: %v", err)
	}
	for _, m := range ps.Models {
		if m.Name == name || m.Model == name {
			return m.Size
		}
	}
	t.Fatalf("%s is not in /api/ps after loading it", name)
	return 0
}

// TestEstimateMatchesOllamaSettings checks the server-wide settings: the
// default context (OLLAMA_CONTEXT_LENGTH) and a q8_0 cache, with flash
// attention asked for and not. Ollama v0.6.5 never runs flash attention on
// the CPU, so its cache stays f16; current releases run it there when asked,
// and quantize the cache. The estimate with the setting in effect must
// match, and the one with the other must not.
func TestEstimateMatchesOllamaSettings(t *testing.T) {
	if testing.Short() {
		t.Skip("loads models on a real Ollama server")
	}
	// Many layers and few heads: the cache, not the graph, is most of it.
	file := &modelFile{spec: ollamatest.Spec{
		EmbeddingLength: 256, BlockCount: 16, HeadCount: 2, HeadCountKV: 2,
		FeedForwardLength: 768, ContextLength: 32768, Seed: 3,
	}}
	file.write(t, t.TempDir())
	for _, fa := range []bool{true, false} {
		t.Run(fmt.Sprintf("flash_attention=%v", fa), func(t *testing.T) {
			checkSettings(t, file, fa)
		})
	}
}

func checkSettings(t *testing.T, file *modelFile, fa bool) {
	env := []string{"OLLAMA_KV_CACHE_TYPE=q8_0"}
	if !fa {
		env = append(env, "OLLAMA_FLASH_ATTENTION=0")
	}
	s := ollamatest.New(t, ollamatest.Options{
		NumParallel: 2, MaxLoadedModels: 1, KeepAlive: "-1", ContextLength: 32768, FlashAttention: fa, Env: env,
	})
	c := s.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	m := generatedModel{"memfit-deep:f16", file, ""}
	m.create(ctx, t, c)
	a, _ := archOf(ctx, t, c, m.name)
	got := loadedSize(ctx, t, c, m.name, 0)
	inEffect := fa && !LegacyRules(s.Version) // flash attention on the CPU
	o := MemoryOptions{ContextTokens: 32768, Parallel: 2, KVCacheType: "q8_0", FlashAttention: inEffect, OllamaVersion: s.Version}
	est, rel := compareSize(t, a, o, got)
	t.Logf("%s on Ollama %s, OLLAMA_CONTEXT_LENGTH=32768, parallel 2, q8_0 cache, flash attention asked %v (in effect on the CPU: %v): Ollama %d, estimate %d (%+.1f%%)",
		m.name, s.Version, fa, inEffect, got, est, 100*rel)
	o.FlashAttention = !inEffect
	other, err := EstimateMemory(a, o)
	if err != nil {
		t.Fatal(err)
	}
	wrong := float64(other.CPUTotal-got) / float64(got)
	t.Logf("the same with flash attention %v: %d (%+.1f%%)", o.FlashAttention, other.CPUTotal, 100*wrong)
	if math.Abs(wrong) < 0.10 {
		t.Errorf("the estimate with the other cache type is %+.1f%% off; want the test to tell them apart (over 10%%)", 100*wrong)
	}
}
