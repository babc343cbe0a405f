package ollamatest

import (
	"context"

	"github.com/plan-cli/plan/hwprofile/gguf"
)

// Spec describes a generated model; see [gguf.Spec].
type Spec = gguf.Spec

// DefaultSpec returns the spec of the standard models; see [gguf.DefaultSpec].
func DefaultSpec() Spec { return gguf.DefaultSpec() }

// The standard models, created by Shared and CreateStandardModels from DefaultSpec: the F16
// original and two quantizations of it.
const (
	ModelF16  = "plan-tiny:f16"
	ModelQ8   = "plan-tiny:q8_0"
	ModelQ4KM = "plan-tiny:q4_K_M"
)

// StandardModels returns the names of the standard models with the quantization of each
// (empty for the unquantized original).
func StandardModels() map[string]string {
	return map[string]string{ModelF16: "", ModelQ8: "q8_0", ModelQ4KM: "q4_K_M"}
}

// Template is the prompt template of created models: the prompt as it is.
const Template = gguf.Template

// Parameters are the default options of created models. One thread: llama.cpp's threads wait
// for each other by spinning, and when other processes keep the cores busy (parallel test
// packages, other servers) two threads decode a hundred times slower than one, which on
// these small models is as fast as two on idle cores. A request may still set num_thread.
func Parameters() map[string]any {
	return map[string]any{"num_thread": 1}
}

// CreateStandardModels creates the standard models on the server behind client.
func CreateStandardModels(ctx context.Context, client gguf.Creator) error {
	digest, err := UploadModel(ctx, client, DefaultSpec())
	if err != nil {
		return err
	}
	for _, name := range []string{ModelF16, ModelQ8, ModelQ4KM} {
		if err := createFromBlob(ctx, client, name, digest, StandardModels()[name]); err != nil {
			return err
		}
	}
	return nil
}

// CreateModel generates the GGUF file of spec, uploads it and creates the model name from it,
// quantized to quantize (such as "q8_0" or "q4_K_M"; empty keeps the weights as they are),
// with [Parameters].
func CreateModel(ctx context.Context, client gguf.Creator, name string, spec Spec, quantize string) error {
	return gguf.Create(ctx, client, gguf.Model{Name: name, Spec: spec, Quantize: quantize, Parameters: Parameters()})
}

// UploadModel writes the GGUF file of spec and uploads it as a blob; it returns the digest.
func UploadModel(ctx context.Context, client gguf.Creator, spec Spec) (digest string, err error) {
	return gguf.Upload(ctx, client, spec)
}

func createFromBlob(ctx context.Context, client gguf.Creator, name, digest, quantize string) error {
	m := gguf.Model{Name: name, Quantize: quantize, Parameters: Parameters()}
	return gguf.CreateFromBlob(ctx, client, m, digest)
}
