package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/internal/progress"
)

// infoTimeout bounds a request for information (the model list), or
// --timeout when that is shorter.
const infoTimeout = 30 * time.Second

// resolveModels checks the models asked for against the server's list, pulls
// missing ones with --pull, and asks the user to choose when none was given.
func resolveModels(ctx context.Context, e *env, b bench.Backend, o *benchmarkOptions) ([]string, error) {
	d, ok := b.(bench.Describer)
	if !ok {
		if len(o.models) == 0 {
			return nil, usagef("--model is required for this backend")
		}
		return o.models, nil
	}
	limit := infoTimeout
	if t := o.config.Timeout; t > 0 && t < limit {
		limit = t
	}
	lctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	installed, err := d.ListModels(lctx)
	if err != nil {
		if lctx.Err() != nil && ctx.Err() == nil {
			return nil, fmt.Errorf("%s did not list its models within %v: is it a model server, and is it busy? (--timeout sets the limit)", hostOf(b), limit)
		}
		return nil, err
	}
	if len(o.models) == 0 {
		return chooseModels(e, installed, hostOf(b))
	}
	for _, m := range o.models {
		if _, ok := bench.FindModel(installed, m); ok {
			continue
		}
		if err := pullMissing(ctx, e, b, o, m, installed); err != nil {
			return nil, err
		}
	}
	return o.models, nil
}

func hostOf(b bench.Backend) string {
	if id, ok := b.(bench.Identity); ok {
		return id.Host()
	}
	return "the server"
}

func pullMissing(ctx context.Context, e *env, b bench.Backend, o *benchmarkOptions, model string, installed []bench.ModelInfo) error {
	p, ok := b.(bench.Puller)
	if o.backend == "openai" {
		// llama.cpp's server answers to any name; others say no themselves.
		fmt.Fprintf(e.stderr, "plan: warning: %s does not list %q (it lists %s); trying it anyway\n", hostOf(b), model, strings.Join(bench.Names(installed), ", "))
		return nil
	}
	if !o.pull || !ok {
		return &backend.ModelNotFoundError{Model: model, URL: hostOf(b), Installed: bench.Names(installed)}
	}
	bar := progress.NewBar(e.stderr, e.stderrTTY, model)
	err := p.Pull(ctx, model, bar.Update)
	bar.Done(err)
	return err
}

// connect opens the server the options name and resolves the models to
// measure on it.
func (o *benchmarkOptions) connect(ctx context.Context, e *env) (bench.Backend, []string, error) {
	b, err := newBackend(o)
	if err != nil {
		return nil, nil, err
	}
	models, err := resolveModels(ctx, e, b, o)
	return b, models, err
}

// chooseModels asks on a terminal which installed models to measure; without
// a terminal it is an error that lists them.
func chooseModels(e *env, installed []bench.ModelInfo, host string) ([]string, error) {
	if len(installed) == 0 {
		return nil, fmt.Errorf("no models are installed on %s: install one (ollama pull NAME) or use --model NAME --pull", host)
	}
	names := bench.Names(installed)
	if !e.stdinTTY {
		return nil, usagef("no --model given; installed on %s: %s", host, strings.Join(names, ", "))
	}
	fmt.Fprintf(e.stderr, "Models installed on %s:\n", host)
	for i, m := range installed {
		fmt.Fprintf(e.stderr, "  %d) %-32s %s %s\n", i+1, m.Name, m.ParameterSize, m.Quantization)
	}
	fmt.Fprint(e.stderr, "Measure which? (numbers or names, comma-separated): ")
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return nil, errors.New("no model chosen")
	}
	return parseChoice(line, names)
}

// parseChoice turns "1, 3" or "llama3.2:1b" into model names.
func parseChoice(line string, names []string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(line, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if n, err := strconv.Atoi(f); err == nil {
			if n < 1 || n > len(names) {
				return nil, usagef("choice %d is not between 1 and %d", n, len(names))
			}
			f = names[n-1]
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, errors.New("no model chosen")
	}
	return out, nil
}
