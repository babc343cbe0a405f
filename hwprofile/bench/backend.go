// Package bench measures how fast a model server runs models on this machine:
// the Backend interface that model servers implement, the runner that warms up,
// repeats and sweeps, the statistics it reports, and the JSON Lines results file
// every completed run is appended to.
package bench

import (
	"context"
	"strings"
	"time"
)

// Request is one generation request sent to a backend.
type Request struct {
	Model         string
	Prompt        string
	MaxTokens     int     // forced output length (num_predict / max_tokens)
	ContextTokens int     // context window to load the model with (num_ctx); 0 keeps the server default
	Temperature   float64 // sampling temperature
	Seed          int     // sampling seed
}

// Chunk is one streamed piece of output.
type Chunk struct {
	Text string
}

// Usage is what the server reported for a finished (or aborted) generation.
// Durations are zero when the server does not report them.
type Usage struct {
	PromptTokens   int
	OutputTokens   int
	PromptDuration time.Duration // server time spent on the prompt (prefill)
	DecodeDuration time.Duration // server time spent generating output tokens
	LoadDuration   time.Duration // server time spent loading the model for this request
	Done           bool          // the server said the generation finished
	DoneReason     string        // "length", "stop", ... as the server reported it
}

// Backend is a model server that can stream a generation.
type Backend interface {
	// Generate streams one generation, calling onChunk for each piece of text as it
	// arrives. An error from onChunk stops the generation and is returned.
	Generate(ctx context.Context, req Request, onChunk func(Chunk) error) (Usage, error)
}

// ModelInfo describes an installed model, as far as the server tells.
type ModelInfo struct {
	Name           string `json:"name"`
	Digest         string `json:"digest,omitempty"`
	Family         string `json:"family,omitempty"`
	ParameterSize  string `json:"parameter_size,omitempty"`
	ParameterCount int64  `json:"parameter_count,omitempty"`
	Quantization   string `json:"quantization,omitempty"`
	Format         string `json:"format,omitempty"`
	ContextLength  int    `json:"context_length,omitempty"`
	SizeBytes      int64  `json:"size_bytes,omitempty"`
}

// Memory is the memory a loaded model occupies, as the server reports it.
type Memory struct {
	SizeBytes int64 `json:"size_bytes"`
	VRAMBytes int64 `json:"vram_bytes"`
	// SpillBytes is the part held in system memory instead of VRAM (SizeBytes - VRAMBytes).
	SpillBytes int64 `json:"cpu_spill_bytes"`
}

// Describer is a backend that can list and describe installed models.
type Describer interface {
	ListModels(ctx context.Context) ([]ModelInfo, error)
	DescribeModel(ctx context.Context, model string) (ModelInfo, error)
}

// Loader is a backend that can load and unload a model explicitly.
type Loader interface {
	// Load loads the model with the given context window and returns the load time the server reported.
	Load(ctx context.Context, model string, contextTokens int) (time.Duration, error)
	Unload(ctx context.Context, model string) error
}

// MemoryReporter is a backend that reports the memory of a loaded model.
// The bool is false when the model is not loaded.
type MemoryReporter interface {
	LoadedMemory(ctx context.Context, model string) (Memory, bool, error)
}

// Puller is a backend that can download a model, reporting progress.
type Puller interface {
	Pull(ctx context.Context, model string, progress func(status string, done, total int64)) error
}

// Identity names a backend for the environment recorded with every result.
type Identity interface {
	// Kind is the backend type, e.g. "ollama" or "openai".
	Kind() string
	// Host is the base URL requests go to.
	Host() string
	// ServerVersion is the server's own version, or "" when it does not say.
	ServerVersion(ctx context.Context) string
}

// FindModel finds a model by name the way Ollama matches names: a name
// without a tag means "name:latest", and case does not matter.
func FindModel(models []ModelInfo, name string) (ModelInfo, bool) {
	want := CanonicalTag(name)
	for _, m := range models {
		if CanonicalTag(m.Name) == want {
			return m, true
		}
	}
	return ModelInfo{}, false
}

// CanonicalTag lower-cases a model name and adds ":latest" when it has no tag.
func CanonicalTag(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if !strings.Contains(name[strings.LastIndex(name, "/")+1:], ":") {
		name += ":latest"
	}
	return name
}

// ModelDetails is what /api/show says of a model's shape: its model_info
// and its tensors.
type ModelDetails struct {
	ModelInfo map[string]any
	Tensors   []Tensor
}

// Tensor is one weight tensor of a model file.
type Tensor struct {
	Name  string
	Type  string // GGML type name or number, as the server gives it
	Shape []uint64
}

// InstalledModel is one model on the server, with its size and shape.
type InstalledModel struct {
	Name      string
	SizeBytes int64
	Details   ModelDetails
}

// Server is what a model server says of itself and its models.
type Server struct {
	URL     string
	Version string
	Models  []InstalledModel
}

// Names are the names of models.
func Names(models []ModelInfo) []string {
	out := make([]string, len(models))
	for i, m := range models {
		out[i] = m.Name
	}
	return out
}
