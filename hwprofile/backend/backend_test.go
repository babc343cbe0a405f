package backend

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/plan-cli/plan/hwprofile/bench"
)

func TestParseHost(t *testing.T) {
	tests := []struct {
		in, port, want string
		wantErr        bool
	}{
		{"localhost", "11434", "http://localhost:11434", false},
		{":11434", "11434", "http://127.0.0.1:11434", false},
		{"0.0.0.0:9999", "11434", "http://0.0.0.0:9999", false},
		{"https://gpu-box/ollama/", "11434", "https://gpu-box:443/ollama", false},
		{"http://[::1]:8080", "8080", "http://[::1]:8080", false},
		{"ftp://x", "1", "", true},
		{"", "1", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseHost(tt.in, tt.port)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseHost(%q) error = %v; want error %v", tt.in, err, tt.wantErr)
			}
			if err == nil && u.String() != tt.want {
				t.Errorf("ParseHost(%q) = %q; want %q", tt.in, u, tt.want)
			}
		})
	}
}

// closedURL is an address where nothing listens.
func closedURL(t *testing.T) *url.URL {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return &url.URL{Scheme: "http", Host: addr}
}

func TestUnreachableServers(t *testing.T) {
	u := closedURL(t)
	backends := map[string]bench.Describer{
		"ollama": NewOllama(u, http.DefaultClient),
		"openai": NewOpenAI(u, http.DefaultClient, ""),
	}
	for name, b := range backends {
		t.Run(name, func(t *testing.T) {
			_, err := b.ListModels(context.Background())
			var ue *UnreachableError
			if !errors.As(err, &ue) {
				t.Fatalf("ListModels error = %v (%T); want *UnreachableError", err, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, u.Host) || !strings.Contains(msg, "connection refused") || !strings.Contains(msg, "--host") {
				t.Errorf("error %q should name the address, the reason and the --host hint", msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error %q should be one line", msg)
			}
		})
	}
}

func sseServer(t *testing.T, status int, body string) *OpenAI {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			fmt.Fprint(w, `{"data":[{"id":"b-model"},{"id":"a-model"}]}`)
			return
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return NewOpenAI(u, srv.Client(), "")
}

func TestOpenAIGenerate(t *testing.T) {
	const stream = "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n" +
		"data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n" +
		": keep-alive comment\n\n" +
		"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\n" +
		"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2}," +
		"\"timings\":{\"prompt_n\":12,\"prompt_ms\":6,\"predicted_n\":2,\"predicted_ms\":20}}\n\n" +
		"data: [DONE]\n\n"
	tests := []struct {
		name    string
		status  int
		body    string
		want    bench.Usage
		text    string
		wantErr string
	}{
		{"full stream", 200, stream, bench.Usage{PromptTokens: 12, OutputTokens: 2, PromptDuration: 6e6, DecodeDuration: 20e6, Done: true, DoneReason: "length"}, "Hello", ""},
		{"cut before finish", 200, "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n", bench.Usage{}, "x", ""},
		{"error event", 200, "data: {\"error\":{\"message\":\"out of memory\"}}\n\n", bench.Usage{}, "", "reported: out of memory"},
		{"malformed event", 200, "data: {\"choices\":[\n\n", bench.Usage{}, "", "malformed stream event"},
		{"unknown model", 404, `{"error":{"message":"model \"nope\" not found"}}`, bench.Usage{}, "", `model "nope" is not installed on http://127.0.0.1`},
		{"server error", 500, `{"error":"boom"}`, bench.Usage{}, "", "boom (HTTP 500)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := sseServer(t, tt.status, tt.body)
			var text strings.Builder
			u, err := b.Generate(context.Background(), bench.Request{Model: "nope", MaxTokens: 2}, func(c bench.Chunk) error {
				text.WriteString(c.Text)
				return nil
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Generate error = %v; want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if u != tt.want || text.String() != tt.text {
				t.Errorf("Generate = %+v, %q; want %+v, %q", u, text.String(), tt.want, tt.text)
			}
		})
	}
}

func TestOpenAIModelNotFoundListsInstalled(t *testing.T) {
	b := sseServer(t, 404, `{"error":{"message":"The model 'x' does not exist"}}`)
	_, err := b.Generate(context.Background(), bench.Request{Model: "x"}, func(bench.Chunk) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "installed: a-model, b-model") {
		t.Fatalf("Generate error = %v; want the installed models listed", err)
	}
}

// ollamaStream is a recorded-shape /api/generate stream of n tokens.
func ollamaStream(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"model":"m","created_at":"2026-01-01T00:00:00Z","response":"tok%d ","done":false}`+"\n", i)
	}
	fmt.Fprintf(&b, `{"model":"m","created_at":"2026-01-01T00:00:00Z","response":"","done":true,"done_reason":"length","total_duration":3000000000,"load_duration":1000000,"prompt_eval_count":10,"prompt_eval_duration":100000000,"eval_count":%d,"eval_duration":2000000000}`+"\n", n)
	return b.String()
}

func TestOllamaGenerateFromRecordedStream(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, ollamaStream(5))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	chunks := 0
	usage, err := NewOllama(u, srv.Client()).Generate(context.Background(), bench.Request{Model: "m"}, func(bench.Chunk) error {
		chunks++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := bench.Usage{PromptTokens: 10, OutputTokens: 5, PromptDuration: 1e8, DecodeDuration: 2e9, LoadDuration: 1e6, Done: true, DoneReason: "length"}
	if usage != want || chunks != 5 {
		t.Errorf("Generate = %+v with %d chunks; want %+v with 5", usage, chunks, want)
	}
}

// BenchmarkOllamaStream measures the client's cost per streamed token: HTTP
// over loopback, NDJSON decoding by the Ollama API client, and the chunk
// callback. Reported as ns/token.
func BenchmarkOllamaStream(b *testing.B) {
	const n = 1000
	body := ollamaStream(n)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	o := NewOllama(u, srv.Client())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := o.Generate(context.Background(), bench.Request{Model: "m"}, func(bench.Chunk) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/token")
}

// BenchmarkOpenAIStream is the same for server-sent events of chat completions.
func BenchmarkOpenAIStream(b *testing.B) {
	const n = 1000
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"tok%d \"},\"finish_reason\":null}]}\n\n", i)
	}
	sb.WriteString("data: [DONE]\n\n")
	body := sb.String()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := readChatStream(strings.NewReader(body), func(bench.Chunk) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/token")
}
