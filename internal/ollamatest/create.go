package ollamatest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ollama/ollama/api"
)

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
const Template = "{{ .Prompt }}"

// Parameters are the default options of created models. One thread: llama.cpp's threads wait
// for each other by spinning, and when other processes keep the cores busy (parallel test
// packages, other servers) two threads decode a hundred times slower than one, which on
// these small models is as fast as two on idle cores. A request may still set num_thread.
func Parameters() map[string]any {
	return map[string]any{"num_thread": 1}
}

// CreateStandardModels creates the standard models on the server behind client.
func CreateStandardModels(ctx context.Context, client *api.Client) error {
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
// quantized to quantize (such as "q8_0" or "q4_K_M"; empty keeps the weights as they are).
func CreateModel(ctx context.Context, client *api.Client, name string, spec Spec, quantize string) error {
	if err := checkQuantize(spec, quantize); err != nil {
		return fmt.Errorf("creating %s: %w", name, err)
	}
	digest, err := UploadModel(ctx, client, spec)
	if err != nil {
		return fmt.Errorf("creating %s: %w", name, err)
	}
	return createFromBlob(ctx, client, name, digest, quantize)
}

// checkQuantize rejects a K-quant of a model whose weight rows are not multiples of 256.
func checkQuantize(spec Spec, quantize string) error {
	q := strings.ToUpper(quantize)
	kQuant := strings.HasPrefix(q, "Q") && strings.Contains(q, "_K")
	if kQuant && (spec.EmbeddingLength%256 != 0 || spec.FeedForwardLength%256 != 0) {
		return fmt.Errorf("%s needs embedding and feed-forward lengths that are multiples of 256, not %d and %d",
			quantize, spec.EmbeddingLength, spec.FeedForwardLength)
	}
	return nil
}

// UploadModel writes the GGUF file of spec and uploads it as a blob; it returns the digest.
func UploadModel(ctx context.Context, client *api.Client, spec Spec) (digest string, err error) {
	f, err := os.CreateTemp("", "plan-tiny-*.gguf")
	if err != nil {
		return "", fmt.Errorf("creating model file: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := spec.WriteGGUF(f); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("rewinding model file: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hashing model file: %w", err)
	}
	digest = fmt.Sprintf("sha256:%x", h.Sum(nil))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("rewinding model file: %w", err)
	}
	if err := client.CreateBlob(ctx, digest, f); err != nil {
		return "", fmt.Errorf("uploading model blob: %w", err)
	}
	return digest, nil
}

func createFromBlob(ctx context.Context, client *api.Client, name, digest, quantize string) error {
	req := &api.CreateRequest{
		Model:      name,
		Files:      map[string]string{"model.gguf": digest},
		Template:   Template,
		Quantize:   quantize,
		Parameters: Parameters(),
	}
	if err := client.Create(ctx, req, func(api.ProgressResponse) error { return nil }); err != nil {
		return fmt.Errorf("creating model %s: %w", name, err)
	}
	return nil
}
