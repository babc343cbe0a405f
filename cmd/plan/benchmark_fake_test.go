package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plan-cli/plan/hwprofile/bench"
)

// fakeOpenAI serves /v1/models with one model and answers chat completions
// with chat, for what a real server cannot be made to do.
func fakeOpenAI(t *testing.T, chat http.HandlerFunc) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/models":
			fmt.Fprint(w, `{"data":[{"id":"m"}]}`)
		case "/v1/chat/completions":
			chat(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestBenchmarkStalledServerTimesOut(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	url := fakeOpenAI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		select { // stall: headers, then nothing
		case <-release:
		case <-r.Context().Done():
		}
	})
	start := time.Now()
	code, _, stderr := runPlan(t, context.Background(), nil, "benchmark", "--backend", "openai", "--host", url, "--model", "m",
		"--timeout", "300ms", "--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	if code != 1 || !strings.Contains(stderr, "request timed out after 300ms (raise --timeout)") {
		t.Errorf("exit %d, stderr %q; want 1 and the timeout named", code, stderr)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v; the timeout should end it quickly", d)
	}
}

func TestBenchmarkMalformedStream(t *testing.T) {
	url := fakeOpenAI(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "data: {\"choices\": [oops\n\n")
	})
	code, _, stderr := runPlan(t, context.Background(), nil, "benchmark", "--backend", "openai", "--host", url, "--model", "m",
		"--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	want := "reading the stream from " + url + "/v1: malformed stream event"
	if code != 1 || !strings.Contains(stderr, want) || strings.Contains(stderr, "goroutine") {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
}

func TestParseChoice(t *testing.T) {
	names := []string{"a:1b", "b:7b", "c:70b"}
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{"2\n", "b:7b", ""},
		{"1, 3", "a:1b,c:70b", ""},
		{"x:latest", "x:latest", ""},
		{"4", "", "choice 4 is not between 1 and 3"},
		{"\n", "", "no model chosen"},
	}
	for _, tt := range tests {
		got, err := parseChoice(tt.in, names)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("parseChoice(%q) error = %v; want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || strings.Join(got, ",") != tt.want {
			t.Errorf("parseChoice(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestChooseModelsAsksOnTerminal(t *testing.T) {
	var errOut strings.Builder
	e := &env{stdin: strings.NewReader("2\n"), stderr: &errOut, stdinTTY: true}
	got, err := chooseModels(e, []bench.ModelInfo{{Name: "a:1b"}, {Name: "b:7b", ParameterSize: "7B", Quantization: "Q4_K_M"}}, "http://h")
	if err != nil || len(got) != 1 || got[0] != "b:7b" {
		t.Fatalf("chooseModels = %v, %v; want [b:7b]", got, err)
	}
	if !strings.Contains(errOut.String(), "2) b:7b") {
		t.Errorf("prompt %q should list the models with numbers", errOut.String())
	}
}

func TestPullShowsProgress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/pull" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, `{"status":"pulling manifest"}`)
		fmt.Fprintln(w, `{"status":"pulling abc123","digest":"sha256:abc123","total":2000,"completed":1000}`)
		fmt.Fprintln(w, `{"status":"success"}`)
	}))
	defer srv.Close()
	var errOut strings.Builder
	e := &env{stderr: &errOut, getenv: func(string) string { return "" }}
	o := &benchmarkOptions{backend: "ollama", host: srv.URL, pull: true, connectTimeout: time.Second}
	b, err := newBackend(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := pullMissing(context.Background(), e, b, o, "new:1b", nil); err != nil {
		t.Fatalf("pullMissing: %v", err)
	}
	want := "pulling new:1b\npulling manifest\npulling abc123\nsuccess\npulled new:1b\n"
	if errOut.String() != want {
		t.Errorf("stderr = %q; want %q", errOut.String(), want)
	}
}

// fakeOllama answers the metadata endpoints for one model "m" and hands
// generation requests with a prompt to generate.
func fakeOllama(t *testing.T, tags http.HandlerFunc, generate http.HandlerFunc) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/version":
			fmt.Fprint(w, `{"version":"0.6.5"}`)
		case "/api/tags":
			tags(w, r)
		case "/api/show":
			fmt.Fprint(w, `{"details":{"family":"llama"},"model_info":{"general.architecture":"llama","general.parameter_count":1000}}`)
		case "/api/ps":
			fmt.Fprint(w, `{"models":[]}`)
		case "/api/generate":
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body)) // for generate to read again
			var req struct{ Prompt string }
			_ = json.Unmarshal(body, &req)
			if req.Prompt == "" {
				fmt.Fprint(w, `{"model":"m","done":true,"done_reason":"load"}`)
				return
			}
			generate(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func listM(w http.ResponseWriter, _ *http.Request) {
	fmt.Fprint(w, `{"models":[{"name":"m:latest","model":"m:latest","digest":"abc","size":1}]}`)
}

func TestBenchmarkOllamaStallTimesOut(t *testing.T) {
	url := fakeOllama(t, listM, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	code, _, stderr := runPlan(t, context.Background(), nil, "benchmark", "--host", url, "--model", "m",
		"--timeout", "300ms", "--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	if code != 1 || !strings.Contains(stderr, "request timed out after 300ms (raise --timeout)") {
		t.Errorf("exit %d, stderr %q; want 1 and the timeout named", code, stderr)
	}
}

func TestBenchmarkInterruptedBeforeMeasuring(t *testing.T) {
	url := fakeOllama(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, nil)
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(200*time.Millisecond, func() { cancel(errInterrupted) })
	code, _, stderr := runPlan(t, ctx, nil, "benchmark", "--host", url, "--model", "m", "--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	if code != 130 || stderr != "plan: interrupted\n" {
		t.Errorf("exit %d, stderr %q; want 130 and plan: interrupted", code, stderr)
	}
}

func TestBenchmarkOpenAIWithoutUsage(t *testing.T) {
	url := fakeOpenAI(t, func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			MaxTokens int `json:"max_tokens"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		for i := 0; i < req.MaxTokens; i++ {
			fmt.Fprintf(w, "data: {\"choices\":[{\"delta\":{\"content\":\"t%d \"}}]}\n\n", i)
			w.(http.Flusher).Flush()
			time.Sleep(time.Millisecond)
		}
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n")
	})
	code, stdout, stderr := runPlan(t, context.Background(), nil, "benchmark", "--backend", "openai", "--host", url, "--model", "m",
		"--output-tokens", "16", "--max-runs", "3", "--format", "json", "--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	r := decodeBenchmark(t, stdout).Results[0]
	if r.OutputTokensMean != 16 || r.ShortRequests != 0 || r.DecodeTokensPerSecond <= 0 || r.AggregateTokensPerSecond <= 0 {
		t.Errorf("summary = %+v; want 16 output tokens counted from chunks and client rates", r)
	}
}
