// Package calibrate measures what decoding and prefilling cost on this machine, per
// quantization type, with small generated models created on the user's own Ollama server
// (nothing is downloaded), and fits the cost model of simulate.FitCalibration to the speeds.
//
// For each size and each quant type it creates plan-calibrate-<size>:<quant> from a
// generated GGUF file (the server quantizes it), measures it with the benchmark runner and
// deletes it; every model it created is deleted before Run returns, on success, error or
// cancellation alike.
package calibrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/hwprofile/gguf"
	"github.com/plan-cli/plan/simulate"
)

// Size is a model size to calibrate with.
type Size struct {
	Name string // part of the model name, such as "20m"
	Spec gguf.Spec
}

// DefaultSizes are two llama shapes of about 20 and 100 million weights
// (19.4M and 100.6M). On a 2-core CPU the generated 3.4M-weight test model
// decodes at about 1000 tokens/s, where the fixed cost of a token outweighs
// its weights; at 20M the weights take about half of the time, at 100M most
// of it, so the two sizes separate the overhead from the cost per weight.
// A 100M model decodes at tens of tokens/s on such a CPU, so each size
// takes seconds per quant type, and its F16 file is 200 MB.
func DefaultSizes() []Size {
	return []Size{
		{Name: "20m", Spec: gguf.Spec{EmbeddingLength: 512, BlockCount: 6, HeadCount: 8, HeadCountKV: 4,
			FeedForwardLength: 1536, ContextLength: 4096, Seed: 1}},
		{Name: "100m", Spec: gguf.Spec{EmbeddingLength: 1024, BlockCount: 8, HeadCount: 16, HeadCountKV: 8,
			FeedForwardLength: 3072, ContextLength: 4096, Seed: 1}},
	}
}

// DefaultQuants are the types calibrated by default: every common type that
// Ollama (0.6.5 and later) can quantize an F16 file to. "f16" keeps the file as it is.
func DefaultQuants() []string {
	return []string{"f16", "q8_0", "q6_K", "q5_K_M", "q4_K_M", "q4_0"}
}

// DefaultConfig is the benchmark of each calibration model: a 128-token
// prompt, 64 output tokens at temperature 0.8 with a fixed seed (a random
// model repeats itself at temperature 0, which Ollama aborts), one warm-up
// and 3 to 5 runs until the median decode rate is known within ±5%; a
// request may take up to 5 minutes (an F16 100M model on one slow core).
func DefaultConfig() bench.Config {
	c := bench.DefaultConfig()
	c.MaxTokens = []int{64}
	c.MaxRuns = 5
	c.TargetCI = 0.05
	c.Temperature = 0.8
	return c
}

// Options say what to calibrate and where.
type Options struct {
	Creator gguf.Creator  // creates and deletes the models: the same server
	Backend bench.Backend // measures them: an Ollama backend on the same server
	Config  bench.Config  // Models is set per model; zero means DefaultConfig
	Env     bench.Environment
	// Record receives every run and summary, as bench.Runner.Record.
	Record   func(v any) error
	Progress func(bench.Progress)
	Sizes    []Size   // nil means DefaultSizes
	Quants   []string // nil means DefaultQuants
	// Parameters are the created models' default options; nil leaves the
	// server's own (the thread count the user's models get).
	Parameters map[string]any
	Prefix     string // model name prefix; "" means "plan-calibrate"
}

// ModelName is the name of the calibration model of a size and quant type.
func ModelName(prefix, size, quant string) string {
	if prefix == "" {
		prefix = "plan-calibrate"
	}
	return fmt.Sprintf("%s-%s:%s", prefix, size, strings.ToLower(quant))
}

// Result is what a calibration measured.
type Result struct {
	Points    []simulate.CalibrationPoint
	Summaries []bench.Summary
}

// cleanupTimeout bounds the deletion of the models after the run, which
// must work even when the run's context was cancelled.
const cleanupTimeout = 30 * time.Second

// Run creates, measures and deletes every calibration model, and returns
// the measured points (fit them with simulate.FitCalibration). On error it
// returns what was measured so far; the models are deleted in any case, and
// a failure to delete one is part of the error.
func Run(ctx context.Context, o Options) (res Result, err error) {
	o = o.withDefaults()
	created := map[string]bool{}
	defer func() {
		if cerr := cleanup(ctx, o.Creator, created); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	for _, size := range o.Sizes {
		if err := measureSize(ctx, o, size, created, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (o Options) withDefaults() Options {
	if o.Sizes == nil {
		o.Sizes = DefaultSizes()
	}
	if o.Quants == nil {
		o.Quants = DefaultQuants()
	}
	if o.Config.MinRuns == 0 {
		o.Config = DefaultConfig()
	}
	return o
}

// measureSize uploads the size's file once, creates every quant type of it
// (the server drops the uploaded file with the last model that uses it, so
// all are created first), then measures and deletes them one by one.
func measureSize(ctx context.Context, o Options, size Size, created map[string]bool, res *Result) error {
	for _, q := range o.Quants {
		if err := gguf.CheckQuantize(size.Spec, quantizeArg(q)); err != nil {
			return fmt.Errorf("calibration size %s: %w", size.Name, err)
		}
	}
	progress(o, size.Name, "upload")
	digest, err := gguf.Upload(ctx, o.Creator, size.Spec)
	if err != nil {
		return err
	}
	for _, q := range o.Quants {
		name := ModelName(o.Prefix, size.Name, q)
		progress(o, name, "create")
		m := gguf.Model{Name: name, Quantize: quantizeArg(q), Parameters: o.Parameters}
		created[name] = true // a cancelled create may still finish on the server
		if err := gguf.CreateFromBlob(ctx, o.Creator, m, digest); err != nil {
			return err
		}
	}
	for _, q := range o.Quants {
		name := ModelName(o.Prefix, size.Name, q)
		sums, err := measure(ctx, o, name)
		res.Summaries = append(res.Summaries, sums...)
		if p, ok := point(name, q, size.Spec, sums); ok {
			res.Points = append(res.Points, p)
		}
		if err != nil {
			return err
		}
		unload(ctx, o.Backend, name)
		if err := deleteModel(ctx, o.Creator, name); err != nil {
			return err
		}
		delete(created, name)
	}
	return nil
}

// quantizeArg is the server's quantize argument of a type: none for F16.
func quantizeArg(q string) string {
	if strings.EqualFold(q, "f16") {
		return ""
	}
	return q
}

func progress(o Options, model, phase string) {
	if o.Progress != nil {
		o.Progress(bench.Progress{Model: model, Phase: phase})
	}
}

// measure benchmarks one model with the options' runner settings.
func measure(ctx context.Context, o Options, name string) ([]bench.Summary, error) {
	cfg := o.Config
	cfg.Models = []string{name}
	r := &bench.Runner{Backend: o.Backend, Config: cfg, Env: o.Env, Record: o.Record, Progress: o.Progress}
	return r.Run(ctx)
}

// point is the calibration point of a measured model; false when nothing was measured.
func point(name, quant string, spec gguf.Spec, sums []bench.Summary) (simulate.CalibrationPoint, bool) {
	for _, s := range sums {
		if s.DecodeTokensPerSecond <= 0 || s.Concurrency != 1 {
			continue
		}
		q := s.Environment.Quantization
		if q == "" {
			q = quant
		}
		return simulate.CalibrationPoint{
			Model: name, Quant: strings.ToUpper(q), Params: int64(spec.ParameterCount()),
			PromptTokens: s.PromptTokens, DecodeTPS: s.DecodeTokensPerSecond, PrefillTPS: s.PrefillTokensPerSecond,
		}, true
	}
	return simulate.CalibrationPoint{}, false
}

// unload frees the memory of a measured model, so that it neither holds
// memory nor is evicted while the next one is measured. A failure only
// leaves it to the server's own expiry.
func unload(ctx context.Context, b bench.Backend, name string) {
	if l, ok := b.(bench.Loader); ok {
		ctx, cancel := context.WithTimeout(ctx, cleanupTimeout)
		defer cancel()
		_ = l.Unload(ctx, name)
	}
}

func deleteModel(ctx context.Context, client gguf.Creator, name string) error {
	ctx, cancel := context.WithTimeout(ctx, cleanupTimeout)
	defer cancel()
	return gguf.Delete(ctx, client, name)
}

// cleanup deletes the models still listed in created with a fresh context,
// so that a cancelled run still removes them. A model that a cancelled
// create never made is not an error.
func cleanup(ctx context.Context, client gguf.Creator, created map[string]bool) error {
	var errs []error
	for name := range created {
		err := deleteModel(context.WithoutCancel(ctx), client, name)
		var missing *backend.ModelNotFoundError
		if errors.As(err, &missing) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%w (remove it with: ollama rm %s)", err, name))
		}
	}
	return errors.Join(errs...)
}
