package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plan-cli/plan/hwprofile/calibrate"
	"github.com/plan-cli/plan/hwprofile/gguf"
	"github.com/plan-cli/plan/internal/ollamatest"
	"github.com/plan-cli/plan/simulate"
)

func TestBenchmarkCalibrateUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--backend", "openai"}, "--calibrate creates models on an Ollama server"},
		{[]string{"--model", "llama3.2:1b"}, "leave out --model"},
	} {
		args := append([]string{"benchmark", "--calibrate", "--bench", filepath.Join(t.TempDir(), "r.jsonl")}, tc.args...)
		code, _, stderr := runPlan(t, context.Background(), nil, args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestBenchmarkCalibrate(t *testing.T) {
	if os.Getenv("PLAN_REALITY") != "1" {
		t.Skip("fits timed measurements, which other packages' tests on the same cores can bend: make validate runs it with PLAN_REALITY=1")
	}
	s := ollamatest.Shared(t)
	// Sizes 3.4M and 19M weights apart, so the cost per weight stands out
	// of the fixed cost per token even on a busy machine.
	larger := gguf.Spec{EmbeddingLength: 512, BlockCount: 6, HeadCount: 8, HeadCountKV: 4,
		FeedForwardLength: 1536, ContextLength: 4096, Seed: 1}
	oldSizes, oldQuants := calibrationSizes, calibrationQuants
	calibrationSizes = func() []calibrate.Size {
		return []calibrate.Size{{Name: "tiny4", Spec: gguf.DefaultSpec()}, {Name: "small6", Spec: larger}}
	}
	calibrationQuants = func() []string { return []string{"f16", "q8_0"} }
	t.Cleanup(func() { calibrationSizes, calibrationQuants = oldSizes, oldQuants })

	dir := t.TempDir()
	results := filepath.Join(dir, "results.jsonl")
	code, stdout, stderr := runPlan(t, context.Background(), nil,
		"benchmark", "--calibrate", "--host", s.URL, "--bench", results, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var printed simulate.CalibrationFile
	if err := json.Unmarshal([]byte(stdout), &printed); err != nil {
		t.Fatalf("stdout is not a calibration: %v\n%s", err, stdout)
	}
	cal, err := simulate.ReadCalibration(filepath.Join(dir, "calibration.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cal.Quants) != 2 || len(cal.Points) != 4 || cal.ServerVersion != s.Version || cal.Hardware == "" {
		t.Errorf("calibration %+v; want 2 quants, 4 points, server %s and the hardware", cal, s.Version)
	}
	if len(printed.Quants) != 2 {
		t.Errorf("printed %+v; want the calibration", printed)
	}
	_, sums := readRuns(t, results)
	if len(sums) != 4 || !strings.HasPrefix(sums[0].Model, "plan-calibrate-tiny4:") {
		t.Errorf("results hold %d summaries (first %q); want the 4 calibration models", len(sums), sums[0].Model)
	}
	list, err := s.Client().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list.Models {
		if strings.HasPrefix(m.Name, "plan-calibrate") {
			t.Errorf("model %s left on the server", m.Name)
		}
	}
}
