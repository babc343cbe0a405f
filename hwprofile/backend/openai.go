package backend

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/plan-cli/plan/hwprofile/bench"
)

const openAIKind = "OpenAI-compatible server"

// OpenAI is any server speaking the OpenAI chat completions API with streaming:
// llama.cpp's server, vLLM, LM Studio, Ollama's /v1.
type OpenAI struct {
	base   *url.URL // ends in /v1
	http   *http.Client
	apiKey string
}

// NewOpenAI returns a backend for the server at base. "/v1" is appended unless
// base already ends with it. apiKey may be empty.
func NewOpenAI(base *url.URL, hc *http.Client, apiKey string) *OpenAI {
	u := *base
	if !strings.HasSuffix(u.Path, "/v1") {
		u.Path = strings.TrimRight(u.Path, "/") + "/v1"
	}
	return &OpenAI{base: &u, http: hc, apiKey: apiKey}
}

// Kind implements bench.Identity.
func (o *OpenAI) Kind() string { return "openai" }

// Host implements bench.Identity.
func (o *OpenAI) Host() string { return o.base.String() }

// ServerVersion implements bench.Identity. Servers that publish a version at
// /version (vLLM) or /api/version (Ollama) report it; others give "".
func (o *OpenAI) ServerVersion(ctx context.Context) string {
	root := *o.base
	root.Path = strings.TrimSuffix(root.Path, "/v1")
	for _, p := range []string{"/version", "/api/version"} {
		var v struct {
			Version string `json:"version"`
		}
		if err := o.getJSON(ctx, root.JoinPath(p).String(), &v); err == nil && v.Version != "" {
			return v.Version
		}
	}
	return ""
}

type chatRequest struct {
	Model         string         `json:"model"`
	Messages      []chatMessage  `json:"messages"`
	Stream        bool           `json:"stream"`
	StreamOptions map[string]any `json:"stream_options"`
	MaxTokens     int            `json:"max_tokens"`
	Temperature   float64        `json:"temperature"`
	Seed          int            `json:"seed"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// chatChunk is one server-sent event of a streamed chat completion.
type chatChunk struct {
	Choices []struct {
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	// Timings is llama.cpp's server-side measurement, when it sends one.
	Timings *struct {
		PromptN     int     `json:"prompt_n"`
		PromptMS    float64 `json:"prompt_ms"`
		PredictedN  int     `json:"predicted_n"`
		PredictedMS float64 `json:"predicted_ms"`
	} `json:"timings"`
	Error *apiError `json:"error"`
}

type apiError struct {
	Message string `json:"message"`
}

// Generate implements bench.Backend with a streaming /chat/completions request
// that asks for usage in the last event.
func (o *OpenAI) Generate(ctx context.Context, req bench.Request, onChunk func(bench.Chunk) error) (bench.Usage, error) {
	body, err := json.Marshal(chatRequest{
		Model:         req.Model,
		Messages:      []chatMessage{{Role: "user", Content: req.Prompt}},
		Stream:        true,
		StreamOptions: map[string]any{"include_usage": true},
		MaxTokens:     req.MaxTokens,
		Temperature:   req.Temperature,
		Seed:          req.Seed,
	})
	if err != nil {
		return bench.Usage{}, err
	}
	resp, err := o.post(ctx, "chat/completions", body)
	if err != nil {
		return bench.Usage{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return bench.Usage{}, o.statusError(resp, req.Model)
	}
	usage, err := readChatStream(resp.Body, onChunk)
	if err != nil {
		return usage, o.streamError(err)
	}
	return usage, nil
}

func (o *OpenAI) post(ctx context.Context, path string, body []byte) (*http.Response, error) {
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, o.base.JoinPath(path).String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "text/event-stream")
	o.authorize(hr)
	resp, err := o.http.Do(hr)
	if err != nil {
		return nil, wrapTransport(openAIKind, o.Host(), err)
	}
	return resp, nil
}

func (o *OpenAI) authorize(hr *http.Request) {
	if o.apiKey != "" {
		hr.Header.Set("Authorization", "Bearer "+o.apiKey)
	}
}

func (o *OpenAI) streamError(err error) error {
	var se *ServerError
	if errors.As(err, &se) {
		se.URL = o.Host()
		return se
	}
	if isUnreachable(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return wrapTransport(openAIKind, o.Host(), err)
	}
	return fmt.Errorf("reading the stream from %s: %w", o.Host(), err)
}

// readChatStream reads server-sent events until [DONE] or the end of the body.
// Usage.Done is true when the server sent a finish reason.
func readChatStream(r io.Reader, onChunk func(bench.Chunk) error) (bench.Usage, error) {
	var usage bench.Usage
	br := bufio.NewReaderSize(r, 64*1024)
	var line []byte
	for {
		var err error
		line, err = readLine(br, line[:0])
		if len(line) > 0 {
			stop, perr := handleEvent(line, &usage, onChunk)
			if perr != nil || stop {
				return usage, perr
			}
		}
		if err == io.EOF {
			return usage, nil
		}
		if err != nil {
			return usage, err
		}
	}
}

// maxLine bounds one line of an event stream.
const maxLine = 16 << 20

// readLine appends the next line (with its newline, if any) to buf.
func readLine(br *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		part, err := br.ReadSlice('\n')
		buf = append(buf, part...)
		if err != bufio.ErrBufferFull {
			return buf, err
		}
		if len(buf) > maxLine {
			return buf, fmt.Errorf("stream line longer than %d MiB", maxLine>>20)
		}
	}
}

// handleEvent processes one line of the event stream; stop is true at [DONE].
func handleEvent(line []byte, usage *bench.Usage, onChunk func(bench.Chunk) error) (stop bool, err error) {
	data, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("data:"))
	if !ok {
		return false, nil
	}
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("[DONE]")) {
		return true, nil
	}
	var c chatChunk
	if err := json.Unmarshal(data, &c); err != nil {
		return false, fmt.Errorf("malformed stream event %.80q: %w", data, err)
	}
	if c.Error != nil {
		return false, &ServerError{Message: c.Error.Message}
	}
	applyChunk(&c, usage)
	for _, ch := range c.Choices {
		if ch.Delta.Content != "" {
			if err := onChunk(bench.Chunk{Text: ch.Delta.Content}); err != nil {
				return false, err
			}
		}
	}
	return false, nil
}

func applyChunk(c *chatChunk, usage *bench.Usage) {
	for _, ch := range c.Choices {
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			usage.Done = true
			usage.DoneReason = *ch.FinishReason
		}
	}
	if c.Usage != nil {
		usage.PromptTokens = c.Usage.PromptTokens
		usage.OutputTokens = c.Usage.CompletionTokens
	}
	if t := c.Timings; t != nil && t.PromptMS >= 0 && t.PredictedMS >= 0 {
		usage.PromptDuration = time.Duration(t.PromptMS * float64(time.Millisecond))
		usage.DecodeDuration = time.Duration(t.PredictedMS * float64(time.Millisecond))
		if usage.PromptTokens == 0 && usage.OutputTokens == 0 {
			usage.PromptTokens, usage.OutputTokens = t.PromptN, t.PredictedN
		}
	}
}

// statusError reads an error response: {"error":{"message":...}} or {"error":"..."}.
func (o *OpenAI) statusError(resp *http.Response, model string) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
	msg := errorMessage(body)
	if msg == "" {
		msg = resp.Status
	}
	if resp.StatusCode == http.StatusNotFound && model != "" && strings.Contains(strings.ToLower(msg), "model") {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		installed, _ := o.modelNames(ctx)
		return &ModelNotFoundError{Model: model, URL: o.Host(), Installed: installed}
	}
	return &ServerError{URL: o.Host(), Message: fmt.Sprintf("%s (HTTP %d)", msg, resp.StatusCode)}
}

func errorMessage(body []byte) string {
	var nested struct {
		Error apiError `json:"error"`
	}
	if json.Unmarshal(body, &nested) == nil && nested.Error.Message != "" {
		return nested.Error.Message
	}
	var flat struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &flat) == nil && flat.Error != "" {
		return flat.Error
	}
	return strings.TrimSpace(string(body))
}

func (o *OpenAI) getJSON(ctx context.Context, u string, v any) error {
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	o.authorize(hr)
	resp, err := o.http.Do(hr)
	if err != nil {
		return wrapTransport(openAIKind, o.Host(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return o.statusError(resp, "")
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func (o *OpenAI) modelNames(ctx context.Context) ([]string, error) {
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := o.getJSON(ctx, o.base.JoinPath("models").String(), &list); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		out = append(out, m.ID)
	}
	sort.Strings(out)
	return out, nil
}

// ListModels implements bench.Describer from /v1/models (names only).
func (o *OpenAI) ListModels(ctx context.Context) ([]bench.ModelInfo, error) {
	ids, err := o.modelNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]bench.ModelInfo, len(ids))
	for i, id := range ids {
		out[i] = bench.ModelInfo{Name: id}
	}
	return out, nil
}

// DescribeModel implements bench.Describer; OpenAI-compatible servers say
// little beyond the name.
func (o *OpenAI) DescribeModel(ctx context.Context, model string) (bench.ModelInfo, error) {
	models, err := o.ListModels(ctx)
	if err != nil {
		return bench.ModelInfo{}, err
	}
	for _, m := range models {
		if m.Name == model {
			return m, nil
		}
	}
	if m, ok := bench.FindModel(models, model); ok {
		return m, nil
	}
	// Not listed: some servers (llama.cpp) serve any name; the request will tell.
	return bench.ModelInfo{Name: model}, nil
}
