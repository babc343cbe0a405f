package ollamatest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

func TestStandardModels(t *testing.T) {
	s := Shared(t)
	c := s.Client()
	for name, quantize := range StandardModels() {
		t.Run(name, func(t *testing.T) {
			o := mustGenerate(t, c, name, "Once upon a time", benchOptions(42))
			if !o.done || o.doneReason != "length" || o.evalCount != 128 || o.evalDuration <= 0 {
				t.Errorf("generation ended with done %v, reason %q, eval_count %d, eval_duration %v; want done, length, 128, > 0",
					o.done, o.doneReason, o.evalCount, o.evalDuration)
			}
			if i := strings.IndexFunc(o.text, func(r rune) bool { return r < ' ' || r > '~' }); i >= 0 {
				t.Errorf("text %q has a character outside printable ASCII at %d", o.text, i)
			}
			show, err := c.Show(context.Background(), &api.ShowRequest{Model: name})
			if err != nil {
				t.Fatalf("Show(%s): %v", name, err)
			}
			want := strings.ToUpper(cmp(quantize, "F16"))
			if got := strings.ToUpper(show.Details.QuantizationLevel); got != want {
				t.Errorf("quantization level %s; want %s", got, want)
			}
			if !strings.Contains(show.Parameters, "num_thread") {
				t.Errorf("parameters %q; want num_thread", show.Parameters)
			}
			if got, ok := show.ModelInfo["general.parameter_count"].(float64); !ok || int(got) != DefaultSpec().ParameterCount() {
				t.Errorf("parameter count %v; want %d", show.ModelInfo["general.parameter_count"], DefaultSpec().ParameterCount())
			}
		})
	}
}

func cmp(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

func TestSameSeedSameText(t *testing.T) {
	c := Shared(t).Client()
	a := mustGenerate(t, c, ModelF16, "same prompt", benchOptions(7))
	b := mustGenerate(t, c, ModelF16, "same prompt", benchOptions(7))
	other := mustGenerate(t, c, ModelF16, "same prompt", benchOptions(8))
	if a.text != b.text {
		t.Errorf("seed 7 gave %q, then %q", a.text, b.text)
	}
	if a.text == other.text {
		t.Errorf("seeds 7 and 8 both gave %q", a.text)
	}
}

func TestModelsLoaded(t *testing.T) {
	c := Shared(t).Client()
	for name := range StandardModels() {
		mustGenerate(t, c, name, "load", map[string]any{"num_predict": 1})
	}
	ps, err := c.ListRunning(context.Background())
	if err != nil {
		t.Fatalf("ListRunning: %v", err)
	}
	var names []string
	for _, m := range ps.Models {
		names = append(names, m.Name)
		if m.Size <= 0 {
			t.Errorf("%s loaded with size %d", m.Name, m.Size)
		}
	}
	slices.Sort(names)
	if want := []string{ModelF16, ModelQ4KM, ModelQ8}; !slices.Equal(names, want) {
		t.Errorf("loaded models %v; want %v", names, want)
	}
}

// TestKill kills a server in the middle of a generation, while a second server goes on.
func TestKill(t *testing.T) {
	s := New(t, Options{})
	other := New(t, Options{})
	if s.URL == other.URL {
		t.Fatalf("two servers at %s", s.URL)
	}
	c := s.Client()
	if err := CreateModel(context.Background(), s.Creator(), "small:f32", smallSpec(), ""); err != nil {
		t.Fatal(err)
	}
	var chunks int
	var last api.GenerateResponse
	opts := map[string]any{"num_predict": 100000, "temperature": 0.8, "seed": 1}
	err := c.Generate(context.Background(), &api.GenerateRequest{Model: "small:f32", Prompt: "hi", Options: opts},
		func(r api.GenerateResponse) error {
			if chunks++; chunks == 5 {
				s.Kill()
			}
			last = r
			return nil
		})
	if err == nil && last.Done {
		t.Errorf("generation finished normally after Kill (%d chunks)", chunks)
	}
	t.Logf("generation after Kill: %d chunks, error %v", chunks, err)
	if !s.Exited() {
		t.Error("server still running after Kill")
	}
	checkGroupGone(t, s)
	if _, err := other.Client().Version(context.Background()); err != nil {
		t.Errorf("the other server: %v", err)
	}
	s.Stop()
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("server directory after Stop: %v; want it removed", err)
	}
}

func TestStop(t *testing.T) {
	s := New(t, Options{NumParallel: 1, KeepAlive: "-1"})
	if err := CreateModel(context.Background(), s.Creator(), "small:f32", smallSpec(), ""); err != nil {
		t.Fatal(err)
	}
	mustGenerate(t, s.Client(), "small:f32", "load a runner", map[string]any{"num_predict": 1})
	log := s.LogPath()
	s.Stop()
	s.Stop() // a second call does nothing
	if !s.Exited() {
		t.Error("server still running after Stop")
	}
	checkGroupGone(t, s)
	if _, err := os.Stat(log); !os.IsNotExist(err) {
		t.Errorf("server log after Stop: %v; want it removed", err)
	}
}

func TestServerEnv(t *testing.T) {
	t.Setenv("OLLAMA_HOST", "0.0.0.0:11434")
	t.Setenv("OLLAMA_NUM_PARALLEL", "8")
	opts := Options{NumParallel: 2, KeepAlive: "-1", ContextLength: 4096, Env: []string{"OLLAMA_NOPRUNE=1"}}
	env := serverEnv(opts, "127.0.0.1:1234", "/tmp/h", "/tmp/m")
	want := []string{"HOME=/tmp/h", "OLLAMA_HOST=127.0.0.1:1234", "OLLAMA_MODELS=/tmp/m", "OLLAMA_NUM_PARALLEL=2",
		"OLLAMA_KEEP_ALIVE=-1", "OLLAMA_CONTEXT_LENGTH=4096", "OLLAMA_NOPRUNE=1"}
	var got []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "OLLAMA_") || strings.HasPrefix(kv, "HOME=") {
			got = append(got, kv)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("serverEnv() sets %v; want %v", got, want)
	}
}

func TestStartFailure(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "ollama")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho cannot serve >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{Binary: bin})
	if err == nil || !strings.Contains(err.Error(), "cannot serve") {
		t.Errorf("Start with a failing binary: %v; want an error with the log tail", err)
	}
}

// TestUnavailable runs TestUnavailableChild in a child process without an Ollama binary: it
// must be skipped, or fail when PLAN_REQUIRE_OLLAMA=1.
func TestUnavailable(t *testing.T) {
	if os.Getenv("OLLAMATEST_CHILD") == "1" {
		t.Skip("in the child process")
	}
	for _, tc := range []struct {
		require string
		want    string
	}{
		{"", "--- SKIP: TestUnavailableChild"},
		{"1", "--- FAIL: TestUnavailableChild"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestUnavailableChild$", "-test.v")
		cmd.Env = append(os.Environ(), "OLLAMATEST_CHILD=1", "PLAN_OLLAMA_BIN=/nonexistent/ollama",
			"PLAN_REQUIRE_OLLAMA="+tc.require)
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), tc.want) || !strings.Contains(string(out), "/nonexistent/ollama") {
			t.Errorf("with PLAN_REQUIRE_OLLAMA=%q the child printed:\n%s\nwant %q and the reason", tc.require, out, tc.want)
		}
	}
}

func TestUnavailableChild(t *testing.T) {
	if os.Getenv("OLLAMATEST_CHILD") != "1" {
		t.Skip("run by TestUnavailable")
	}
	New(t, Options{})
	t.Error("New returned without a binary")
}

func TestLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := lockFile(context.Background(), path)
	if err != nil {
		t.Fatalf("lockFile: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := lockFile(ctx, path); err == nil {
		t.Error("a second lockFile succeeded while the first holds the lock")
	}
	unlock()
	unlock, err = lockFile(context.Background(), path)
	if err != nil {
		t.Fatalf("lockFile after unlock: %v", err)
	}
	unlock()
}
