package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Environment is the setup a result was measured in.
type Environment struct {
	PlanVersion    string    `json:"plan_version"`
	Backend        string    `json:"backend"`
	BackendVersion string    `json:"backend_version,omitempty"`
	Host           string    `json:"host"`
	Model          string    `json:"model"`
	Digest         string    `json:"digest,omitempty"`
	ParameterCount int64     `json:"parameter_count,omitempty"`
	ParameterSize  string    `json:"parameter_size,omitempty"`
	Quantization   string    `json:"quantization,omitempty"`
	Family         string    `json:"family,omitempty"`
	ContextTokens  int       `json:"context_tokens"`
	Concurrency    int       `json:"concurrency"`
	Hardware       string    `json:"hardware,omitempty"`
	Time           time.Time `json:"time"`
}

// Run is one measured request. A run at concurrency k is k of these, one per client.
type Run struct {
	Kind               string      `json:"kind"` // "run"
	Environment        Environment `json:"environment"`
	Model              string      `json:"model"`
	Phase              string      `json:"phase"` // "measure", "ramp" (before every client was in), "tail" (after the level was done), "check" or "load"
	Run                int         `json:"run"`
	Request            int         `json:"request"`
	Concurrency        int         `json:"concurrency"`
	PromptTokensTarget int         `json:"prompt_tokens_target"`
	MaxTokens          int         `json:"max_tokens"`
	ContextTokens      int         `json:"context_tokens"`
	Temperature        float64     `json:"temperature"`
	Seed               int         `json:"seed"`
	PromptSHA256       string      `json:"prompt_sha256"`

	PromptTokens           int     `json:"prompt_tokens"`
	OutputTokens           int     `json:"output_tokens"`
	OutputCounted          string  `json:"output_tokens_counted_from,omitempty"` // "chunks" when the server sent no usage
	ShortfallTokens        int     `json:"shortfall_tokens"`
	Complete               bool    `json:"complete"`
	DoneReason             string  `json:"done_reason,omitempty"`
	TTFTSeconds            float64 `json:"ttft_seconds"`
	E2ESeconds             float64 `json:"e2e_seconds"`
	PrefillTokensPerSecond float64 `json:"prefill_tokens_per_second"`
	DecodeTokensPerSecond  float64 `json:"decode_tokens_per_second"`
	// DecodeStepTokensPerSecond leaves out the pauses in which the server
	// read other requests' prompts: tokens per chunk / mean chunk gap,
	// without the gaps over 8 times the mean (see stepRate).
	DecodeStepTokensPerSecond float64 `json:"decode_step_tokens_per_second,omitempty"`
	RateSource                string  `json:"rate_source"` // "server" or "client"
	ITLSecondsP50             float64 `json:"itl_seconds_p50"`
	ITLSecondsP95             float64 `json:"itl_seconds_p95"`
	ITLSecondsP99             float64 `json:"itl_seconds_p99"`
	LoadSeconds               float64 `json:"server_load_seconds"`
	OutputSHA256              string  `json:"output_sha256"`
	Error                     string  `json:"error,omitempty"`

	// ClientDecodeTokensPerSecond is timed on the client whatever the
	// server reports: (tokens - 1) / (last chunk time - first chunk time).
	ClientDecodeTokensPerSecond float64 `json:"client_decode_tokens_per_second,omitempty"`

	// start and firstToken are offsets within the run, used to tell whether
	// concurrent requests really overlapped; not stored.
	start, firstToken, end time.Duration
}

// Summary describes all runs of one (model, prompt tokens, max tokens,
// context, concurrency) combination.
type Summary struct {
	Kind               string      `json:"kind"` // "summary"
	Environment        Environment `json:"environment"`
	Model              string      `json:"model"`
	Concurrency        int         `json:"concurrency"`
	PromptTokens       int         `json:"prompt_tokens"`
	PromptTokensTarget int         `json:"prompt_tokens_target"`
	MaxTokens          int         `json:"max_tokens"`
	ContextTokens      int         `json:"context_tokens"`
	Runs               int         `json:"runs"`
	Requests           int         `json:"requests"`
	FailedRequests     int         `json:"failed_requests"`
	ShortRequests      int         `json:"short_requests"` // fewer output tokens than asked for
	ValidRequests      int         `json:"valid_requests"` // decode measurements: finished by the server, with at least half the tokens asked for
	Temperature        float64     `json:"temperature"`
	RampRequests       int         `json:"ramp_requests,omitempty"` // ran with fewer requests beside them (phases ramp and tail); not in the statistics

	DecodeTokensPerSecond float64 `json:"decode_tokens_per_second"`
	DecodeCI95Low         float64 `json:"decode_tokens_per_second_ci95_low,omitempty"`
	DecodeCI95High        float64 `json:"decode_tokens_per_second_ci95_high,omitempty"`
	DecodeCIRelative      float64 `json:"decode_ci95_relative,omitempty"`
	// DecodeBasis names the requests the decode figure comes from:
	// "complete-requests" (the valid ones) or "client-stream" (all of
	// them, timed on the client from their streamed tokens).
	DecodeBasis string `json:"decode_basis"`
	// DecodeStepTokensPerSecond is the median of the requests' decode speed
	// between pauses (see Run).
	DecodeStepTokensPerSecond float64  `json:"decode_step_tokens_per_second,omitempty"`
	Converged                 bool     `json:"converged"`
	PrefillTokensPerSecond    float64  `json:"prefill_tokens_per_second"`
	AggregateTokensPerSecond  float64  `json:"aggregate_tokens_per_second"`
	RateSource                string   `json:"rate_source"`
	TTFTSecondsP50            float64  `json:"ttft_seconds_p50"`
	TTFTSecondsP95            float64  `json:"ttft_seconds_p95"`
	ITLSecondsP50             float64  `json:"itl_seconds_p50"`
	ITLSecondsP95             float64  `json:"itl_seconds_p95"`
	ITLSecondsP99             float64  `json:"itl_seconds_p99"`
	E2ESecondsP50             float64  `json:"e2e_seconds_p50"`
	E2ESecondsP95             float64  `json:"e2e_seconds_p95"`
	OutputTokensMean          float64  `json:"output_tokens_mean"`
	LoadSeconds               float64  `json:"load_seconds"`
	AlreadyLoaded             bool     `json:"already_loaded"`
	Memory                    *Memory  `json:"memory,omitempty"`
	Parallelism               float64  `json:"parallelism,omitempty"`
	Serialized                bool     `json:"serialized,omitempty"`
	OutputTokensIdentical     bool     `json:"output_tokens_identical"`
	History                   string   `json:"history,omitempty"`
	Warnings                  []string `json:"warnings,omitempty"`
}

// ResultsFile appends records to a JSON Lines file, one line per record,
// synced to disk before Append returns, so a crash loses nothing finished.
//
// A write that fails (a full disk) is undone, so no half line is left, and
// the first such error stays in Err. A file that already ends in a half
// line (from a crash or an older write) is cut back to its last whole line
// when opened; Dropped says how many bytes that removed.
type ResultsFile struct {
	mu      sync.Mutex
	f       *os.File
	path    string
	size    int64
	err     error
	dropped int64
}

// OpenResults opens (creating if needed) the results file at path for appending.
func OpenResults(path string) (*ResultsFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating results directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening results file: %w", err)
	}
	r := &ResultsFile{f: f, path: path}
	if err := r.cutTornTail(); err != nil {
		f.Close()
		return nil, fmt.Errorf("opening results file %s: %w", path, err)
	}
	return r, nil
}

// cutTornTail cuts the file back to the end of its last whole line.
func (r *ResultsFile) cutTornTail() error {
	fi, err := r.f.Stat()
	if err != nil {
		return err
	}
	r.size = fi.Size()
	if r.size == 0 {
		return nil
	}
	tail := make([]byte, min(r.size, 1<<20))
	if _, err := r.f.ReadAt(tail, r.size-int64(len(tail))); err != nil {
		return err
	}
	if tail[len(tail)-1] == '\n' {
		return nil
	}
	keep := r.size - int64(len(tail)) + int64(bytes.LastIndexByte(tail, '\n')+1)
	if bytes.LastIndexByte(tail, '\n') < 0 && r.size > int64(len(tail)) {
		return fmt.Errorf("its last line is longer than %d bytes", len(tail))
	}
	r.dropped, r.size = r.size-keep, keep
	return r.f.Truncate(keep)
}

// Dropped is the bytes of a half line cut from the end when the file was
// opened.
func (r *ResultsFile) Dropped() int64 { return r.dropped }

// Err is the first write that failed, or nil.
func (r *ResultsFile) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Path is the file's name.
func (r *ResultsFile) Path() string { return r.path }

// Append writes v as one JSON line in a single write and syncs it.
func (r *ResultsFile) Append(v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	if _, err := r.f.Write(line); err != nil {
		r.err = fmt.Errorf("writing %s: %w", r.path, err)
		r.f.Truncate(r.size) // no half line left behind
		return r.err
	}
	if err := r.f.Sync(); err != nil {
		r.err = fmt.Errorf("syncing %s: %w", r.path, err)
		return r.err
	}
	r.size += int64(len(line))
	return nil
}

// Close closes the file.
func (r *ResultsFile) Close() error { return r.f.Close() }

// TornLineError reports that the last line of a results file is cut
// short (a write a crash or a full disk interrupted). ReadResults returns it
// with every record before that line: callers warn and go on.
type TornLineError struct {
	Name string
	Line int
}

func (e *TornLineError) Error() string {
	return fmt.Sprintf("%s:%d: the last line is cut short (an interrupted write); it is left out", e.Name, e.Line)
}

// ReadResults reads the runs and summaries of a results file. A line that is
// not valid JSON is reported with its number; when it is the last line, the
// error is a *TornLineError and the records before it are all returned.
func ReadResults(r io.Reader, name string) ([]Run, []Summary, error) {
	var runs []Run
	var sums []Summary
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var bad error
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		if torn, ok := bad.(*TornLineError); ok {
			return runs, sums, fmt.Errorf("%s:%d: not a JSON record: a line cut short with more lines after it", name, torn.Line)
		} else if bad != nil {
			return runs, sums, bad // a bad line with more after it
		}
		var head struct {
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal(sc.Bytes(), &head); err != nil {
			bad = fmt.Errorf("%s:%d: not a JSON record: %v", name, line, err)
			if !bytes.HasSuffix(sc.Bytes(), []byte("}")) {
				bad = &TornLineError{Name: name, Line: line}
			}
			continue
		}
		if err := decodeRecord(sc.Bytes(), head.Kind, &runs, &sums); err != nil {
			return runs, sums, fmt.Errorf("%s:%d: %v", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return runs, sums, fmt.Errorf("reading %s: %w", name, err)
	}
	return runs, sums, bad
}

func decodeRecord(b []byte, kind string, runs *[]Run, sums *[]Summary) error {
	switch kind {
	case "run":
		var r Run
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		*runs = append(*runs, r)
	case "summary":
		var s Summary
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*sums = append(*sums, s)
	default:
		return fmt.Errorf("unknown record kind %q (want run or summary)", kind)
	}
	return nil
}
