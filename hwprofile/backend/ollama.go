package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/hwprofile/gguf"
)

const ollamaKind = "Ollama"

// Ollama is an Ollama server, reached through its native API.
type Ollama struct {
	base   *url.URL
	client *api.Client
}

// NewOllama returns a backend for the Ollama server at base (see ParseHost),
// using hc for every request.
func NewOllama(base *url.URL, hc *http.Client) *Ollama {
	return &Ollama{base: base, client: api.NewClient(base, hc)}
}

// Kind implements bench.Identity.
func (o *Ollama) Kind() string { return "ollama" }

// Host implements bench.Identity.
func (o *Ollama) Host() string { return o.base.String() }

// ServerVersion implements bench.Identity.
func (o *Ollama) ServerVersion(ctx context.Context) string {
	v, err := o.client.Version(ctx)
	if err != nil {
		return ""
	}
	return v
}

// Generate implements bench.Backend with a streaming /api/generate request.
func (o *Ollama) Generate(ctx context.Context, req bench.Request, onChunk func(bench.Chunk) error) (bench.Usage, error) {
	stream := true
	gr := &api.GenerateRequest{
		Model:   req.Model,
		Prompt:  req.Prompt,
		Stream:  &stream,
		Options: ollamaOptions(req),
	}
	var usage bench.Usage
	err := o.client.Generate(ctx, gr, func(r api.GenerateResponse) error {
		if r.Response != "" {
			if err := onChunk(bench.Chunk{Text: r.Response}); err != nil {
				return err
			}
		}
		if r.Done {
			usage = usageFromMetrics(r)
		}
		return nil
	})
	if err != nil {
		return usage, o.wrap(req.Model, err)
	}
	if !usage.Done && ctx.Err() != nil {
		// The API client ends a cancelled stream without an error.
		return usage, ctx.Err()
	}
	return usage, nil
}

func ollamaOptions(req bench.Request) map[string]any {
	opts := map[string]any{
		"num_predict": req.MaxTokens,
		"temperature": req.Temperature,
		"seed":        req.Seed,
	}
	if req.ContextTokens > 0 {
		opts["num_ctx"] = req.ContextTokens
	}
	return opts
}

func usageFromMetrics(r api.GenerateResponse) bench.Usage {
	return bench.Usage{
		PromptTokens:   r.PromptEvalCount,
		OutputTokens:   r.EvalCount,
		PromptDuration: r.PromptEvalDuration,
		DecodeDuration: r.EvalDuration,
		LoadDuration:   r.LoadDuration,
		Done:           true,
		DoneReason:     r.DoneReason,
	}
}

// wrap turns the API client's errors into the package's error types.
func (o *Ollama) wrap(model string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if isUnreachable(err) {
		return &UnreachableError{Kind: ollamaKind, URL: o.Host(), Err: err}
	}
	var se api.StatusError
	msg := err.Error()
	if errors.As(err, &se) {
		msg = se.ErrorMessage
		if msg == "" {
			msg = se.Status
		}
	}
	if model != "" && strings.Contains(msg, "model") && strings.Contains(msg, "not found") {
		return &ModelNotFoundError{Model: model, URL: o.Host()}
	}
	return &ServerError{URL: o.Host(), Message: msg}
}

// ListModels implements bench.Describer.
func (o *Ollama) ListModels(ctx context.Context) ([]bench.ModelInfo, error) {
	list, err := o.client.List(ctx)
	if err != nil {
		return nil, o.wrap("", err)
	}
	models := make([]bench.ModelInfo, 0, len(list.Models))
	for _, m := range list.Models {
		models = append(models, bench.ModelInfo{
			Name:          m.Name,
			Digest:        m.Digest,
			Family:        m.Details.Family,
			ParameterSize: m.Details.ParameterSize,
			Quantization:  m.Details.QuantizationLevel,
			Format:        m.Details.Format,
			SizeBytes:     m.Size,
		})
	}
	sort.Slice(models, func(i, j int) bool { return models[i].Name < models[j].Name })
	return models, nil
}

// DescribeModel implements bench.Describer: the listing's digest and size plus
// /api/show's parameter count and context length.
func (o *Ollama) DescribeModel(ctx context.Context, model string) (bench.ModelInfo, error) {
	models, err := o.ListModels(ctx)
	if err != nil {
		return bench.ModelInfo{}, err
	}
	info, ok := bench.FindModel(models, model)
	if !ok {
		return bench.ModelInfo{}, &ModelNotFoundError{Model: model, URL: o.Host(), Installed: bench.Names(models)}
	}
	show, err := o.client.Show(ctx, &api.ShowRequest{Model: info.Name})
	if err != nil {
		return info, o.wrap(model, err)
	}
	info.ParameterCount = int64(number(show.ModelInfo["general.parameter_count"]))
	if arch, ok := show.ModelInfo["general.architecture"].(string); ok {
		info.ContextLength = int(number(show.ModelInfo[arch+".context_length"]))
	}
	return info, nil
}

func number(v any) float64 {
	f, _ := v.(float64)
	return f
}

// Load implements bench.Loader: an empty prompt makes Ollama load the model
// with the given options. The returned duration is the wall time of that call.
func (o *Ollama) Load(ctx context.Context, model string, contextTokens int) (time.Duration, error) {
	opts := map[string]any{}
	if contextTokens > 0 {
		opts["num_ctx"] = contextTokens
	}
	start := time.Now()
	err := o.client.Generate(ctx, &api.GenerateRequest{Model: model, Options: opts}, func(api.GenerateResponse) error { return nil })
	if err != nil {
		return 0, o.wrap(model, err)
	}
	return time.Since(start), nil
}

// Unload implements bench.Loader: keep_alive 0 asks Ollama to unload the model;
// it waits until the model has left /api/ps.
func (o *Ollama) Unload(ctx context.Context, model string) error {
	req := &api.GenerateRequest{Model: model, KeepAlive: &api.Duration{Duration: 0}}
	if err := o.client.Generate(ctx, req, func(api.GenerateResponse) error { return nil }); err != nil {
		return o.wrap(model, err)
	}
	for {
		_, loaded, err := o.LoadedMemory(ctx, model)
		if err != nil || !loaded {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// LoadedMemory implements bench.MemoryReporter from /api/ps.
func (o *Ollama) LoadedMemory(ctx context.Context, model string) (bench.Memory, bool, error) {
	ps, err := o.client.ListRunning(ctx)
	if err != nil {
		return bench.Memory{}, false, o.wrap("", err)
	}
	want := bench.CanonicalTag(model)
	for _, m := range ps.Models {
		if bench.CanonicalTag(m.Name) == want || bench.CanonicalTag(m.Model) == want {
			return bench.Memory{SizeBytes: m.Size, VRAMBytes: m.SizeVRAM, SpillBytes: m.Size - m.SizeVRAM}, true, nil
		}
	}
	return bench.Memory{}, false, nil
}

// Pull implements bench.Puller.
func (o *Ollama) Pull(ctx context.Context, model string, progress func(status string, done, total int64)) error {
	err := o.client.Pull(ctx, &api.PullRequest{Model: model}, func(p api.ProgressResponse) error {
		progress(p.Status, p.Completed, p.Total)
		return nil
	})
	if err != nil {
		return fmt.Errorf("pulling %s: %w", model, o.wrap("", err))
	}
	return nil
}

// Installed reads the models installed on the server: their size from
// /api/tags and their shape from /api/show.
func (o *Ollama) Installed(ctx context.Context) (bench.Server, error) {
	models, err := o.ListModels(ctx)
	if err != nil {
		return bench.Server{}, fmt.Errorf("cannot list the models at %s: %v: is ollama serve running there?", o.base, rootCause(err))
	}
	srv := bench.Server{URL: o.base.String(), Version: o.ServerVersion(ctx)}
	for _, m := range models {
		d, err := o.Details(ctx, m.Name)
		if err != nil {
			return bench.Server{}, err
		}
		srv.Models = append(srv.Models, bench.InstalledModel{Name: m.Name, SizeBytes: m.SizeBytes, Details: d})
	}
	return srv, nil
}

// Details returns /api/show's model_info and tensor list of a model, for
// sizing its memory.
func (o *Ollama) Details(ctx context.Context, model string) (bench.ModelDetails, error) {
	resp, err := o.client.Show(ctx, &api.ShowRequest{Model: model, Verbose: true})
	if err != nil {
		return bench.ModelDetails{}, o.wrap(model, err)
	}
	d := bench.ModelDetails{ModelInfo: resp.ModelInfo, Tensors: make([]bench.Tensor, len(resp.Tensors))}
	for i, t := range resp.Tensors {
		d.Tensors[i] = bench.Tensor{Name: t.Name, Type: t.Type, Shape: t.Shape}
	}
	return d, nil
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

// UploadBlob implements gguf.Creator: it uploads a model file as a blob.
func (o *Ollama) UploadBlob(ctx context.Context, digest string, r io.Reader) error {
	return o.client.CreateBlob(ctx, digest, r)
}

// CreateModel implements gguf.Creator: it creates a model from uploaded blobs.
func (o *Ollama) CreateModel(ctx context.Context, req gguf.CreateRequest) error {
	return o.client.Create(ctx, &api.CreateRequest{
		Model: req.Name, Files: req.Files, Template: req.Template, Quantize: req.Quantize, Parameters: req.Parameters,
	}, func(api.ProgressResponse) error { return nil })
}

// DeleteModel implements gguf.Creator; a model the server does not have is
// a *ModelNotFoundError.
func (o *Ollama) DeleteModel(ctx context.Context, name string) error {
	err := o.client.Delete(ctx, &api.DeleteRequest{Model: name})
	var status api.StatusError
	if errors.As(err, &status) && status.StatusCode == http.StatusNotFound {
		return &ModelNotFoundError{Model: name, URL: o.Host()}
	}
	return err
}
