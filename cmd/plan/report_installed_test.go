package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/plan-cli/plan/internal/ollamatest"
	"github.com/plan-cli/plan/planner"
)

// With --host, the models installed on the server are sized from their
// own /api/show: the generated test models, which no catalog knows, are
// recommended with their real layer count, unrated.
func TestRecommendInstalled(t *testing.T) {
	s := ollamatest.Shared(t)
	code, stdout, stderr := runPlan(t, context.Background(), nil, "recommend", "--host", s.URL, "--bandwidth", "50",
		"--top", "500", "--min-tps", "0.001", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep planner.Shortlist
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range rep.Recommendations {
		if !strings.HasPrefix(r.Model, "plan-tiny:") {
			continue
		}
		found++
		if r.Layers != 4 || r.Fit != "cpu" || r.MemoryBytes <= 0 || r.Tier != "unrated" {
			t.Errorf("%s %s: %d layers, fit %s, %d bytes, tier %s; want the generated model's 4 layers on the CPU, unrated",
				r.Model, r.Quantization, r.Layers, r.Fit, r.MemoryBytes, r.Tier)
		}
	}
	if found != 3 {
		t.Errorf("%d installed test models recommended, want plan-tiny f16, q8_0 and q4_K_M", found)
	}
	code, _, stderr = runPlan(t, context.Background(), nil, "recommend", "--host", "127.0.0.1:1", "--bandwidth", "50")
	if code != 1 || !strings.Contains(stderr, "127.0.0.1:1") {
		t.Errorf("unreachable server: exit %d, stderr %q", code, stderr)
	}
}

// With --host the plan is sized by the rules of that server's release and
// says which; with none, by the current release's, and it says so.
func TestReportOllamaVersion(t *testing.T) {
	s := ollamatest.Shared(t)
	m, _ := reportJSON(t, "--host", s.URL, "--gpu", "RTX 4090")
	if v := m["ollama_version"]; v != s.Version || !strings.Contains(fmt.Sprint(m["notes"]), "memory is sized for Ollama \""+s.Version+"\"") {
		t.Errorf("ollama_version %v, notes %v; want the server's %s", v, m["notes"], s.Version)
	}
	m, _ = reportJSON(t, "--gpu", "RTX 4090")
	if v := m["ollama_version"]; v != planner.CurrentOllama || !strings.Contains(fmt.Sprint(m["notes"]), "current Ollama release") {
		t.Errorf("no server: ollama_version %v, notes %v; want the current release, said", v, m["notes"])
	}
}
