package bench

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A half-written last line is skipped with a TornLineError that keeps every
// record before it; the same cut with lines after it is an error.
func TestReadResultsTornLastLine(t *testing.T) {
	good := `{"kind":"summary","model":"m","concurrency":1,"decode_tokens_per_second":50}` + "\n"
	torn := `{"kind":"summary","model":"m","concur`
	_, sums, err := ReadResults(strings.NewReader(good+good+torn), "r.jsonl")
	var te *TornLineError
	if !errors.As(err, &te) || te.Line != 3 || len(sums) != 2 {
		t.Errorf("torn last line: %d summaries, %v; want 2 and a TornLineError at line 3", len(sums), err)
	}
	_, _, err = ReadResults(strings.NewReader(good+torn+"\n"+good), "r.jsonl")
	if err == nil || errors.As(err, &te) {
		t.Errorf("a cut line with more after it: %v; want a plain error", err)
	}
}

// Opening a file that ends in a half line cuts it off, so that new records
// never follow it.
func TestOpenResultsCutsTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	good := `{"kind":"summary","model":"m"}` + "\n"
	os.WriteFile(path, []byte(good+`{"kind":"su`), 0o644)
	f, err := OpenResults(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Dropped() != int64(len(`{"kind":"su`)) {
		t.Errorf("dropped %d bytes", f.Dropped())
	}
	if err := f.Append(map[string]string{"kind": "summary", "model": "n"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, _ := os.ReadFile(path)
	if _, sums, err := ReadResults(strings.NewReader(string(b)), path); err != nil || len(sums) != 2 {
		t.Errorf("after the cut and an append: %d summaries, %v\n%s", len(sums), err, b)
	}
}

// A write that fails leaves no half line, and the error stays.
func TestAppendFailureLeavesNoHalfLine(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full to fill")
	}
	f, err := OpenResults("/dev/full")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if err := f.Append(map[string]string{"kind": "run"}); err == nil || f.Err() == nil {
		t.Errorf("Append on a full device = %v, Err %v; want both set", err, f.Err())
	}
}

// A server that streams without end is stopped once it has sent far more
// chunks than the tokens asked for, so the benchmark's memory stays bounded.
func TestEndlessStreamIsStopped(t *testing.T) {
	if got := maxChunks(128); got != 4*128+64 {
		t.Errorf("maxChunks(128) = %d", got)
	}
	r := &Runner{Backend: endless{}, Config: Config{Timeout: 0}}
	run := r.measure(context.Background(), request{Request: Request{Model: "m", MaxTokens: 8}}, &tally{t0: time.Now()})
	if !strings.Contains(run.Error, "more than 96 chunks") {
		t.Errorf("run error %q; want the stream stopped after 96 chunks", run.Error)
	}
}

// endless streams a chunk forever.
type endless struct{}

func (endless) Generate(ctx context.Context, _ Request, onChunk func(Chunk) error) (Usage, error) {
	for {
		if err := onChunk(Chunk{Text: "x"}); err != nil {
			return Usage{}, err
		}
		if ctx.Err() != nil {
			return Usage{}, ctx.Err()
		}
	}
}

// Negative counts or durations from a server are a failed request, not a
// negative rate.
func TestNegativeUsageRefused(t *testing.T) {
	for _, u := range []Usage{{OutputTokens: -5, DecodeDuration: time.Second}, {OutputTokens: 5, DecodeDuration: -time.Second}, {PromptTokens: -1}} {
		if checkUsage(u) == nil {
			t.Errorf("checkUsage(%+v) = nil; want an error", u)
		}
	}
	if err := checkUsage(Usage{OutputTokens: 5, DecodeDuration: time.Second}); err != nil {
		t.Errorf("a valid usage: %v", err)
	}
}
