package calibrate

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/hwprofile/gguf"
	"github.com/plan-cli/plan/internal/ollamatest"
)

// tinySizes are two sizes of the 3.4M-weight test model, quick to create and measure.
func tinySizes() []Size {
	small := gguf.DefaultSpec()
	small.BlockCount = 2
	return []Size{{Name: "tiny2", Spec: small}, {Name: "tiny4", Spec: gguf.DefaultSpec()}}
}

// failingBackend fails every generation after the first n.
type failingBackend struct {
	bench.Backend
	n     int64
	calls atomic.Int64
}

var errBroken = errors.New("server went away")

func (f *failingBackend) Generate(ctx context.Context, req bench.Request, onChunk func(bench.Chunk) error) (bench.Usage, error) {
	if f.calls.Add(1) > f.n {
		return bench.Usage{}, errBroken
	}
	return f.Backend.Generate(ctx, req, onChunk)
}

// leftModels lists the server's models whose names start with prefix.
func leftModels(t *testing.T, s *ollamatest.Server, prefix string) []string {
	t.Helper()
	list, err := s.Client().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range list.Models {
		if strings.HasPrefix(m.Name, prefix) {
			names = append(names, m.Name)
		}
	}
	return names
}

func TestRunDeletesModelsOnFailure(t *testing.T) {
	s := ollamatest.Shared(t)
	o := testOptions(t, s)
	o.Prefix, o.Sizes, o.Quants = "plan-fail", tinySizes(), []string{"f16", "q8_0"}
	o.Backend = &failingBackend{Backend: o.Backend, n: 8} // fails while measuring the first size
	res, err := Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), errBroken.Error()) {
		t.Fatalf("Run = %v; want the backend's failure", err)
	}
	if left := leftModels(t, s, "plan-fail"); len(left) > 0 {
		t.Errorf("models left on the server after a failed run: %v", left)
	}
	t.Logf("failed after %d points: %v", len(res.Points), err)
}

func TestRunDeletesModelsOnCancel(t *testing.T) {
	s := ollamatest.Shared(t)
	o := testOptions(t, s)
	o.Prefix, o.Sizes, o.Quants = "plan-cancel", tinySizes(), []string{"f16", "q4_K_M"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var measuring string
	o.Progress = func(p bench.Progress) {
		// Cancel, as Ctrl-C does, while the first size's second model is measured.
		if p.Phase == "measure" && strings.HasSuffix(p.Model, "tiny2:q4_k_m") && measuring == "" {
			measuring = p.Model
			cancel()
		}
	}
	_, err := Run(ctx, o)
	if err == nil || measuring == "" {
		t.Fatalf("Run = %v after cancelling during %q; want an error", err, measuring)
	}
	if left := leftModels(t, s, "plan-cancel"); len(left) > 0 {
		t.Errorf("models left on the server after a cancelled run: %v", left)
	}
}

func TestRunRecordsAndNamesModels(t *testing.T) {
	s := ollamatest.Shared(t)
	o := testOptions(t, s)
	o.Sizes, o.Quants = tinySizes()[:1], []string{"q8_0"}
	var models []string
	o.Record = func(v any) error {
		if sum, ok := v.(bench.Summary); ok {
			models = append(models, sum.Model)
		}
		return nil
	}
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(models) != 1 || models[0] != "plan-calibrate-tiny2:q8_0" {
		t.Errorf("recorded summaries of %v; want plan-calibrate-tiny2:q8_0", models)
	}
	if len(res.Points) != 1 || res.Points[0].Quant != "Q8_0" || res.Points[0].Params != int64(tinySizes()[0].Spec.ParameterCount()) {
		t.Errorf("points %+v; want one Q8_0 point with the spec's parameter count", res.Points)
	}
	if left := leftModels(t, s, "plan-calibrate"); len(left) > 0 {
		t.Errorf("models left on the server: %v", left)
	}
}
