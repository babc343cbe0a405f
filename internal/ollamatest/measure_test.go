package ollamatest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMeasure measures the generated models on this machine: server start, model creation,
// decode speed, loaded size, and how generations end. It only logs figures; run it with
//
//	PLAN_OLLAMA_MEASURE=1 go test -run Measure -v ./internal/ollamatest
func TestMeasure(t *testing.T) {
	if os.Getenv("PLAN_OLLAMA_MEASURE") != "1" {
		t.Skip("set PLAN_OLLAMA_MEASURE=1 to measure the generated models")
	}
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		t.Logf("load average before: %s", strings.TrimSpace(string(load)))
	}
	t.Run("DefaultServer", measureDefaultServer)
	t.Run("Threads", measureThreads)
	t.Run("Endings", measureEndings)
	t.Run("Determinism", measureDeterminism)
	t.Run("OpenAIUsage", measureOpenAIUsage)
	t.Run("Parallel", measureParallel)
}

// measureDefaultServer times start and model creation on a server with default settings, then
// decode speed and loaded size of each standard model.
func measureDefaultServer(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	s := New(t, Options{})
	t.Logf("server start: %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	digest, err := UploadModel(ctx, s.Creator(), DefaultSpec())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("write and upload %d-parameter F16 GGUF: %v", DefaultSpec().ParameterCount(), time.Since(start).Round(time.Millisecond))
	for _, name := range []string{ModelF16, ModelQ8, ModelQ4KM} {
		start = time.Now()
		if err := createFromBlob(ctx, s.Creator(), name, digest, StandardModels()[name]); err != nil {
			t.Fatal(err)
		}
		t.Logf("create %s: %v", name, time.Since(start).Round(time.Millisecond))
	}
	logTags(t, s)
	for _, name := range []string{ModelF16, ModelQ8, ModelQ4KM} {
		logDecodeSpeed(t, s, name)
	}
	logLoaded(t, s)
}

func logTags(t *testing.T, s *Server) {
	tags, err := s.Client().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range tags.Models {
		t.Logf("/api/tags %s: %d bytes, %s", m.Name, m.Size, m.Details.QuantizationLevel)
	}
}

// logDecodeSpeed logs the load time of model and the median decode speed of five runs.
func logDecodeSpeed(t *testing.T, s *Server, model string) {
	c := s.Client()
	first := mustGenerate(t, c, model, "warm up", benchOptions(1))
	var speeds []float64
	var walls []time.Duration
	for i := range 5 {
		o := mustGenerate(t, c, model, fmt.Sprintf("prompt number %d", i), benchOptions(i+1))
		speeds = append(speeds, o.tokensPerSecond())
		walls = append(walls, o.wall)
	}
	slices.Sort(speeds)
	slices.Sort(walls)
	t.Logf("%s: first request %v (load included); decode %.0f tokens/s median of 5 (min %.0f, max %.0f); median wall %v for 128 tokens",
		model, first.wall.Round(time.Millisecond), speeds[2], speeds[0], speeds[4], walls[2].Round(time.Millisecond))
}

func logLoaded(t *testing.T, s *Server) {
	ps, err := s.Client().ListRunning(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ps.Models {
		t.Logf("/api/ps %s: size %d bytes (%.1f MiB), size_vram %d", m.Name, m.Size, float64(m.Size)/(1<<20), m.SizeVRAM)
	}
}

// measureThreads compares decode speed with one and two llama.cpp threads.
func measureThreads(t *testing.T) {
	c := Shared(t).Client()
	for _, threads := range []int{1, 2} {
		var speeds []float64
		for i := range 3 {
			opts := benchOptions(i + 1)
			opts["num_thread"] = threads
			speeds = append(speeds, mustGenerate(t, c, ModelF16, fmt.Sprintf("prompt %d", i), opts).tokensPerSecond())
		}
		slices.Sort(speeds)
		t.Logf("%s with num_thread %d: %.0f tokens/s median of 3 (min %.0f, max %.0f)", ModelF16, threads, speeds[1], speeds[0], speeds[2])
	}
}

// measureEndings counts generations that end before num_predict: aborted by the repeat limit
// (no final chunk) or stopped at </s>.
func measureEndings(t *testing.T) {
	s := Shared(t)
	c := s.Client()
	if err := CreateModel(context.Background(), s.Creator(), "plan-tiny:eos", withEOS(DefaultSpec()), ""); err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{ModelF16, ModelQ8, ModelQ4KM, "plan-tiny:eos"} {
		for _, temp := range []float64{0, 0.8} {
			var aborted, stopped, full int
			var counts []int
			for i := range 10 {
				opts := map[string]any{"temperature": temp, "seed": 42, "num_predict": 128}
				o := mustGenerate(t, c, model, fmt.Sprintf("Prompt %d: tell me a story.", i), opts)
				switch {
				case !o.done:
					aborted++
				case o.evalCount < 128:
					stopped++
					counts = append(counts, o.evalCount)
				default:
					full++
				}
			}
			t.Logf("%s temperature %.1f: %d of 10 full, %d aborted (repeat limit), %d stopped early (eval_count %v)",
				model, temp, full, aborted, stopped, counts)
		}
	}
}

func withEOS(s Spec) Spec {
	s.AllowEOS = true
	return s
}

// measureDeterminism compares the text of identical requests, one after the other and
// concurrently.
func measureDeterminism(t *testing.T) {
	s := Shared(t)
	c := s.Client()
	opts := benchOptions(7)
	for _, model := range []string{ModelF16, ModelQ8, ModelQ4KM} {
		a := mustGenerate(t, c, model, "same prompt", opts)
		b := mustGenerate(t, c, model, "same prompt", opts)
		var wg sync.WaitGroup
		var p, q outcome
		wg.Add(2)
		go func() { defer wg.Done(); p, _ = generate(context.Background(), c, model, "same prompt", opts) }()
		go func() { defer wg.Done(); q, _ = generate(context.Background(), c, model, "same prompt", opts) }()
		wg.Wait()
		t.Logf("%s: sequential identical %v; concurrent identical to each other %v, to sequential %v/%v",
			model, a.text == b.text, p.text == q.text, p.text == a.text, q.text == a.text)
	}
}

// measureOpenAIUsage checks whether streamed chat completions report usage when asked.
func measureOpenAIUsage(t *testing.T) {
	s := Shared(t)
	body := `{"model":"` + ModelF16 + `","messages":[{"role":"user","content":"hi"}],"stream":true,` +
		`"stream_options":{"include_usage":true},"max_tokens":32,"seed":3,"temperature":0.8}`
	resp, err := http.Post(s.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var chunks int
	var usage json.RawMessage
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := bytes.CutPrefix(sc.Bytes(), []byte("data: "))
		if !ok || string(data) == "[DONE]" {
			continue
		}
		chunks++
		var chunk struct{ Usage json.RawMessage }
		if err := json.Unmarshal(data, &chunk); err == nil && len(chunk.Usage) > 0 && string(chunk.Usage) != "null" {
			usage = chunk.Usage
		}
	}
	t.Logf("/v1/chat/completions stream: %d chunks, usage %s", chunks, usage)
}

// measureParallel sends two concurrent requests to servers with one and two parallel slots.
func measureParallel(t *testing.T) {
	for _, parallel := range []int{1, 2} {
		s := New(t, Options{NumParallel: parallel})
		c := s.Client()
		if err := CreateModel(context.Background(), s.Creator(), ModelF16, DefaultSpec(), ""); err != nil {
			t.Fatal(err)
		}
		mustGenerate(t, c, ModelF16, "warm up", benchOptions(1))
		var wg sync.WaitGroup
		results := make([]outcome, 2)
		start := time.Now()
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], _ = generate(context.Background(), c, ModelF16, fmt.Sprintf("request %d", i), benchOptions(i+1))
			}()
		}
		wg.Wait()
		wall := time.Since(start)
		for i, o := range results {
			t.Logf("NUM_PARALLEL=%d request %d: first token after %v, %d tokens at %.0f tokens/s, done after %v",
				parallel, i, o.firstToken.Round(time.Millisecond), o.evalCount, o.tokensPerSecond(), o.wall.Round(time.Millisecond))
		}
		total := results[0].evalCount + results[1].evalCount
		t.Logf("NUM_PARALLEL=%d: both done in %v, aggregate %.0f tokens/s", parallel, wall.Round(time.Millisecond),
			float64(total)/wall.Seconds())
		logLoaded(t, s)
	}
}
