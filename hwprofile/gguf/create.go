package gguf

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strings"
)

// Template is the prompt template of created models: the prompt as it is.
const Template = "{{ .Prompt }}"

// Creator is a server models are created on from uploaded files: Ollama's
// blob and create API (hwprofile/backend.Ollama implements it).
type Creator interface {
	// UploadBlob uploads the file read from r, whose sha256 is digest.
	UploadBlob(ctx context.Context, digest string, r io.Reader) error
	CreateModel(ctx context.Context, req CreateRequest) error
	DeleteModel(ctx context.Context, name string) error
}

// CreateRequest creates the model Name from uploaded Files (name in the
// model → digest), quantized to Quantize ("" keeps the file's weights).
type CreateRequest struct {
	Name       string
	Files      map[string]string
	Template   string
	Quantize   string
	Parameters map[string]any
}

// Model is a model to create on an Ollama server from a generated file.
type Model struct {
	Name string // such as "plan-calibrate-20m:q8_0"
	Spec Spec
	// Quantize is the type the server quantizes the weights to, such as "q8_0"
	// or "q4_K_M"; empty keeps the weights of the file (F16 or F32).
	Quantize string
	// Parameters are the model's default options (a Modelfile's PARAMETER
	// lines), such as {"num_thread": 1}; nil leaves the server's defaults.
	Parameters map[string]any
}

// Create generates the GGUF file of m.Spec, uploads it and creates the model.
func Create(ctx context.Context, client Creator, m Model) error {
	if err := CheckQuantize(m.Spec, m.Quantize); err != nil {
		return fmt.Errorf("creating %s: %w", m.Name, err)
	}
	digest, err := Upload(ctx, client, m.Spec)
	if err != nil {
		return fmt.Errorf("creating %s: %w", m.Name, err)
	}
	return CreateFromBlob(ctx, client, m, digest)
}

// CheckQuantize rejects a K-quant of a model whose weight rows are not multiples of 256.
func CheckQuantize(spec Spec, quantize string) error {
	q := strings.ToUpper(quantize)
	kQuant := strings.HasPrefix(q, "Q") && strings.Contains(q, "_K")
	if kQuant && (spec.EmbeddingLength%256 != 0 || spec.FeedForwardLength%256 != 0) {
		return fmt.Errorf("%s needs embedding and feed-forward lengths that are multiples of 256, not %d and %d",
			quantize, spec.EmbeddingLength, spec.FeedForwardLength)
	}
	return nil
}

// Upload writes the GGUF file of spec to a temporary file, uploads it as a blob and
// returns its digest. The temporary file is removed before Upload returns.
func Upload(ctx context.Context, client Creator, spec Spec) (digest string, err error) {
	f, err := os.CreateTemp("", "plan-gguf-*.gguf")
	if err != nil {
		return "", fmt.Errorf("creating model file: %w (is the temporary directory writable? set TMPDIR)", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := spec.WriteGGUF(f); err != nil {
		return "", fmt.Errorf("writing %s: %w", f.Name(), err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("rewinding %s: %w", f.Name(), err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hashing %s: %w", f.Name(), err)
	}
	digest = fmt.Sprintf("sha256:%x", h.Sum(nil))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("rewinding %s: %w", f.Name(), err)
	}
	if err := client.UploadBlob(ctx, digest, f); err != nil {
		return "", fmt.Errorf("uploading model blob %s: %w", digest, err)
	}
	return digest, nil
}

// CreateFromBlob creates m from a blob uploaded by Upload (m.Spec is not used).
func CreateFromBlob(ctx context.Context, client Creator, m Model, digest string) error {
	req := CreateRequest{
		Name:       m.Name,
		Files:      map[string]string{"model.gguf": digest},
		Template:   Template,
		Quantize:   m.Quantize,
		Parameters: m.Parameters,
	}
	if err := client.CreateModel(ctx, req); err != nil {
		return fmt.Errorf("creating model %s: %w", m.Name, err)
	}
	return nil
}

// Delete removes the model name from the server.
func Delete(ctx context.Context, client Creator, name string) error {
	if err := client.DeleteModel(ctx, name); err != nil {
		return fmt.Errorf("deleting model %s: %w", name, err)
	}
	return nil
}
