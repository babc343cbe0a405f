package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plan-cli/plan/hwprofile/bench"
)

// generation is how a fake Ollama answers one generation request.
type generation struct {
	tokens int     // tokens streamed, one a chunk
	rate   float64 // decode rate the final statistics report; 0 sends none (the stream just ends, as at Ollama's repeat limit)
	reason string  // done_reason of the final statistics
}

// generations answers each generation request but the one-token probes as
// answer(n, maxTokens) says, n counting them from 1 (the warm-up), streaming
// a token every gap.
func generations(gap time.Duration, answer func(n, maxTokens int) generation) http.HandlerFunc {
	var mu sync.Mutex
	count := 0
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Prompt  string
			Options struct {
				NumPredict int `json:"num_predict"`
			}
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		g := generation{tokens: 1, rate: 1000, reason: "length"}
		if req.Options.NumPredict > 1 {
			mu.Lock()
			count++
			n := count
			mu.Unlock()
			g = answer(n, req.Options.NumPredict)
		}
		stream(w, r, g, gap, len(strings.Fields(req.Prompt)))
	}
}

func stream(w http.ResponseWriter, r *http.Request, g generation, gap time.Duration, promptTokens int) {
	for range g.tokens {
		time.Sleep(gap)
		if r.Context().Err() != nil {
			return
		}
		fmt.Fprintln(w, `{"model":"m","response":"a ","done":false}`)
		w.(http.Flusher).Flush()
	}
	if g.rate > 0 {
		fmt.Fprintf(w, `{"model":"m","response":"","done":true,"done_reason":%q,"prompt_eval_count":%d,"prompt_eval_duration":1000000,"eval_count":%d,"eval_duration":%d}`+"\n",
			g.reason, promptTokens, g.tokens, int64(float64(g.tokens)/g.rate*1e9))
	}
}

func TestBenchmarkLoopingModelIsTimedFromTheStream(t *testing.T) {
	// A model that loops at temperature 0: nine requests in ten reach the
	// repeat limit and are cut off after 20 of the 32 tokens asked for; the
	// other (the second measured, the twelfth, ...) stops after 4, its final
	// statistics saying 109 tokens/s. The tokens stream a millisecond apart,
	// several hundred a second.
	url := fakeOllama(t, listM, generations(time.Millisecond, func(n, _ int) generation {
		if n%10 == 3 {
			return generation{tokens: 4, rate: 109, reason: "stop"}
		}
		return generation{tokens: 20}
	}))
	code, stdout, stderr := runPlan(t, context.Background(), nil, "benchmark", "--host", url, "--model", "m",
		"--output-tokens", "32", "--format", "json", "--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	r := decodeBenchmark(t, stdout).Results[0]
	t.Logf("decode %.1f tokens/s (%s) from %d requests, %d valid", r.DecodeTokensPerSecond, r.DecodeBasis, r.Requests, r.ValidRequests)
	if r.Requests != 30 || r.ValidRequests != 0 || r.ShortRequests != 30 {
		t.Errorf("requests %d, valid %d, short %d; want 3 x --max-runs 10 = 30 sent, none valid, all short", r.Requests, r.ValidRequests, r.ShortRequests)
	}
	if r.DecodeBasis != bench.BasisStream || r.RateSource != "client" || r.DecodeTokensPerSecond < 2*109 {
		t.Errorf("decode %.1f tokens/s from %q (%s); want the client-stream rate of the tokens streamed, far above the 109 of the one short request that finished",
			r.DecodeTokensPerSecond, r.DecodeBasis, r.RateSource)
	}
	for _, want := range []string{"decode_basis client-stream", "hint: most requests ended short at temperature 0", "try --temperature 0.7"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q; want %q", stderr, want)
		}
	}
}

func TestBenchmarkSendsUntilMinRunsAreValid(t *testing.T) {
	// Every other measured request is cut off at the repeat limit halfway.
	url := fakeOllama(t, listM, generations(time.Millisecond, func(n, maxTokens int) generation {
		if n%2 == 0 {
			return generation{tokens: maxTokens / 2}
		}
		return generation{tokens: maxTokens, rate: 160, reason: "length"}
	}))
	code, stdout, stderr := runPlan(t, context.Background(), nil, "benchmark", "--host", url, "--model", "m",
		"--output-tokens", "16", "--min-runs", "3", "--max-runs", "3", "--format", "json", "--bench", filepath.Join(t.TempDir(), "r.jsonl"))
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	r := decodeBenchmark(t, stdout).Results[0]
	if r.Requests != 6 || r.ValidRequests != 3 || r.ShortRequests != 3 {
		t.Errorf("requests %d, valid %d, short %d; want 6 sent to find --min-runs 3 valid", r.Requests, r.ValidRequests, r.ShortRequests)
	}
	if r.DecodeBasis != bench.BasisComplete || r.DecodeTokensPerSecond < 159.9 || r.DecodeTokensPerSecond > 160.1 {
		t.Errorf("decode %.1f from %q; want the server's 160 from the valid requests", r.DecodeTokensPerSecond, r.DecodeBasis)
	}
	if want := "3 of 6 requests were not valid decode measurements"; !strings.Contains(stderr, want) {
		t.Errorf("stderr %q; want %q", stderr, want)
	}
	if strings.Contains(stderr, "hint:") {
		t.Errorf("stderr %q; want no temperature hint when most requests were valid", stderr)
	}
}

func TestBenchmarkInterruptedMidLevelOnTerminal(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	// Concurrency 1 takes the warm-up, 3 runs and a check (requests 1-5);
	// at concurrency 2 the third request is sent once the first ended, and
	// Ctrl-C comes with it, the second still streaming.
	url := fakeOllama(t, listM, generations(time.Millisecond, func(n, maxTokens int) generation {
		if n == 8 {
			cancel(errInterrupted)
			return generation{tokens: 1000}
		}
		return generation{tokens: maxTokens, rate: 160, reason: "length"}
	}))
	results := filepath.Join(t.TempDir(), "r.jsonl")
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }, stderrTTY: true}
	code := run(ctx, []string{"benchmark", "--host", url, "--model", "m", "--output-tokens", "16", "--concurrency", "1,2",
		"--min-runs", "3", "--max-runs", "3", "--bench", results}, e)
	stdout, stderr := out.String(), errOut.String()
	if code != 130 || !strings.HasSuffix(stderr, "results appended to "+results+"\nplan: interrupted\n") {
		t.Errorf("exit %d, stderr %q; want 130 after the results path", code, stderr)
	}
	if !strings.Contains(stderr, "concurrency 2  measure") || strings.LastIndex(stderr, "measure") > strings.LastIndex(stderr, "\r\033[K") {
		t.Errorf("stderr %q; want the progress line drawn, then cleared before the notes", stderr)
	}
	rows := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(rows) != 2 || !strings.HasPrefix(rows[1], "m ") || strings.Contains(stderr, "0 requests") {
		t.Errorf("stdout %q, stderr %q; want the summary of concurrency 1 alone: concurrency 2 had no measured request yet", stdout, stderr)
	}
}
