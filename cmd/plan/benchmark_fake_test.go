package main

import (
	"context"
	"fmt"
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
		"--timeout", "300ms", "-o", filepath.Join(t.TempDir(), "r.jsonl"))
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
		"-o", filepath.Join(t.TempDir(), "r.jsonl"))
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
