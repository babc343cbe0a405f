package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/planner"
)

// installed reads the models installed on the --ollama server: their
// real architecture and size from /api/show and /api/tags. A model it
// cannot read is skipped with a warning.
func (o *reportOptions) installed(ctx context.Context, e *env, t *planner.Target) ([]planner.Arch, error) {
	if o.ollamaHost == "" {
		o.notes = append(o.notes, fmt.Sprintf("memory is sized by the rules of the current Ollama release, %s, since no server is named; give --ollama HOST to use your server's", planner.CurrentOllama))
		return nil, nil
	}
	u, err := backend.ParseHost(o.ollamaHost, "11434")
	if err != nil {
		return nil, usagef("invalid --ollama %q: %v", o.ollamaHost, err)
	}
	b := backend.NewOllama(u, modelServerClient(10*time.Second, 30*time.Second))
	models, err := b.ListModels(ctx)
	if err != nil {
		return nil, fmt.Errorf("--ollama: cannot list the models at %s: %v: is ollama serve running there?", u, rootCause(err))
	}
	t.OllamaVersion = b.ServerVersion(ctx)
	rules := "the current rules"
	if planner.LegacyRules(t.OllamaVersion) {
		rules = "the rules of releases before 0.12"
	}
	o.notes = append(o.notes, fmt.Sprintf("memory is sized for Ollama %q at %s, by %s", t.OllamaVersion, u, rules))
	var out []planner.Arch
	for _, m := range models {
		show, err := b.Show(ctx, m.Name)
		if err != nil {
			return nil, fmt.Errorf("--ollama: %w", err)
		}
		a, err := planner.ArchFromShow(m.Name, planner.Show{ModelInfo: show.ModelInfo, Tensors: tensorsOf(show.Tensors)}, m.SizeBytes)
		if err != nil {
			fmt.Fprintf(e.stderr, "plan: warning: %v; left out\n", err)
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// tensorsOf copies Ollama's tensor list into the planner's.
func tensorsOf(ts []api.Tensor) []planner.Tensor {
	out := make([]planner.Tensor, len(ts))
	for i, t := range ts {
		out[i] = planner.Tensor{Name: t.Name, Type: t.Type, Shape: t.Shape}
	}
	return out
}

// rootCause is the innermost error, without the wrappers' hints.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// ollamaURL is the --ollama server as a URL, or "" when none is named.
func (o *reportOptions) ollamaURL() string {
	if o.ollamaHost == "" {
		return ""
	}
	u, err := backend.ParseHost(o.ollamaHost, "11434")
	if err != nil {
		return ""
	}
	return u.String()
}
