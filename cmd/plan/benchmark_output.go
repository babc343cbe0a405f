package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
)

// writeBenchmark prints the summaries in the chosen format on stdout; notes
// (warnings, history, where results went) go to stderr.
func writeBenchmark(e *env, o *benchmarkOptions, sums []bench.Summary, path string) error {
	var err error
	switch o.format {
	case "json":
		err = output.WriteJSON(e.stdout, struct {
			Results     []bench.Summary `json:"results"`
			ResultsFile string          `json:"results_file"`
		}{nonNil(sums), path})
	case "csv":
		err = writeBenchmarkCSV(e.stdout, sums)
	default:
		err = writeBenchmarkTable(e.stdout, sums)
	}
	writeBenchmarkNotes(e.stderr, sums, path)
	return err
}

func nonNil(s []bench.Summary) []bench.Summary {
	if s == nil {
		return []bench.Summary{}
	}
	return s
}

var benchmarkHeader = []string{"model", "prompt", "output", "ctx", "conc", "runs", "decode tok/s", "±95%", "prefill tok/s",
	"ttft p50", "ttft p95", "itl p50", "itl p99", "e2e p50", "aggr tok/s", "load", "memory", "identical"}

func writeBenchmarkTable(w io.Writer, sums []bench.Summary) error {
	rows := make([][]string, 0, len(sums))
	for _, s := range sums {
		rows = append(rows, []string{
			s.Model, strconv.Itoa(s.PromptTokens), fmt.Sprintf("%.0f", s.OutputTokensMean), strconv.Itoa(s.ContextTokens),
			strconv.Itoa(s.Concurrency), strconv.Itoa(s.Runs), show.Speed(s.DecodeTokensPerSecond), ciText(s),
			show.Speed(s.PrefillTokensPerSecond), show.Seconds(s.TTFTSecondsP50), show.Seconds(s.TTFTSecondsP95),
			show.Seconds(s.ITLSecondsP50), show.Seconds(s.ITLSecondsP99), show.Seconds(s.E2ESecondsP50),
			show.Speed(s.AggregateTokensPerSecond), loadText(s), memoryText(s.Memory), yesNo(s.OutputTokensIdentical),
		})
	}
	return output.WriteTable(w, benchmarkHeader, rows)
}

// writeBenchmarkNotes prints, under the table, what a reader needs to trust it.
func writeBenchmarkNotes(w io.Writer, sums []bench.Summary, path string) {
	if len(sums) > 0 {
		env := sums[0].Environment
		fmt.Fprintf(w, "%s %s at %s; rates from the %s; %s\n", env.Backend, env.BackendVersion, env.Host,
			rateSourceText(sums[0]), env.Hardware)
	}
	for _, s := range sums {
		for _, warn := range s.Warnings {
			fmt.Fprintf(w, "warning: %s (prompt %d, concurrency %d): %s\n", s.Model, s.PromptTokens, s.Concurrency, warn)
		}
		if s.History != "" {
			fmt.Fprintf(w, "history: %s (prompt %d): %s\n", s.Model, s.PromptTokens, s.History)
		}
	}
	if loops(sums) {
		fmt.Fprintln(w, "hint: most requests ended short at temperature 0, as they do when a model loops or repeats itself (Ollama cuts such generations off): try --temperature 0.7")
	}
	fmt.Fprintf(w, "results appended to %s\n", path)
}

// loops tells whether most requests of a level measured at temperature 0
// were not valid decode measurements.
func loops(sums []bench.Summary) bool {
	for _, s := range sums {
		if s.Temperature == 0 && 2*(s.Requests-s.ValidRequests) > s.Requests {
			return true
		}
	}
	return false
}

func rateSourceText(s bench.Summary) string {
	switch {
	case s.DecodeBasis == bench.BasisStream:
		return "client's clock, from the streamed tokens (too few requests were valid measurements)"
	case s.RateSource == "client":
		return "client's clock (the server reports no durations)"
	}
	return "server's own token counts and durations"
}

func writeBenchmarkCSV(w io.Writer, sums []bench.Summary) error {
	cw := output.NewCSV(w)
	head := []string{"model", "digest", "backend", "host", "prompt_tokens", "prompt_tokens_target", "max_tokens", "context_tokens",
		"concurrency", "runs", "requests", "failed_requests", "decode_tokens_per_second", "decode_tokens_per_second_ci95_low",
		"decode_tokens_per_second_ci95_high", "converged", "prefill_tokens_per_second", "rate_source", "ttft_seconds_p50", "ttft_seconds_p95",
		"itl_seconds_p50", "itl_seconds_p95", "itl_seconds_p99", "e2e_seconds_p50", "e2e_seconds_p95",
		"aggregate_tokens_per_second", "parallelism", "output_tokens_mean", "load_seconds", "already_loaded", "memory_size_bytes",
		"memory_vram_bytes", "output_tokens_identical", "decode_step_tokens_per_second", "ramp_requests",
		"short_requests", "valid_requests", "decode_basis", "temperature"}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, s := range sums {
		var size, vram int64
		if s.Memory != nil {
			size, vram = s.Memory.SizeBytes, s.Memory.VRAMBytes
		}
		cw.Write([]string{s.Model, s.Environment.Digest, s.Environment.Backend, s.Environment.Host,
			strconv.Itoa(s.PromptTokens), strconv.Itoa(s.PromptTokensTarget), strconv.Itoa(s.MaxTokens), strconv.Itoa(s.ContextTokens),
			strconv.Itoa(s.Concurrency), strconv.Itoa(s.Runs), strconv.Itoa(s.Requests), strconv.Itoa(s.FailedRequests),
			num(s.DecodeTokensPerSecond), num(s.DecodeCI95Low), num(s.DecodeCI95High), strconv.FormatBool(s.Converged),
			num(s.PrefillTokensPerSecond), s.RateSource, num(s.TTFTSecondsP50), num(s.TTFTSecondsP95),
			num(s.ITLSecondsP50), num(s.ITLSecondsP95), num(s.ITLSecondsP99), num(s.E2ESecondsP50), num(s.E2ESecondsP95),
			num(s.AggregateTokensPerSecond), num(s.Parallelism), num(s.OutputTokensMean), num(s.LoadSeconds), strconv.FormatBool(s.AlreadyLoaded),
			strconv.FormatInt(size, 10), strconv.FormatInt(vram, 10), strconv.FormatBool(s.OutputTokensIdentical),
			num(s.DecodeStepTokensPerSecond), strconv.Itoa(s.RampRequests),
			strconv.Itoa(s.ShortRequests), strconv.Itoa(s.ValidRequests), s.DecodeBasis, num(s.Temperature)})
	}
	cw.Flush()
	return cw.Error()
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }

func ciText(s bench.Summary) string {
	if s.DecodeCI95High == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", s.DecodeCIRelative*100)
}

// loadText is the model's load time, or "warm" when it was already loaded.
func loadText(s bench.Summary) string {
	if s.AlreadyLoaded {
		return "warm"
	}
	return show.Seconds(s.LoadSeconds)
}

func memoryText(m *bench.Memory) string {
	if m == nil {
		return "-"
	}
	if m.VRAMBytes == 0 {
		return show.Bytes(m.SizeBytes) + " RAM"
	}
	if m.SpillBytes <= 0 {
		return show.Bytes(m.SizeBytes) + " VRAM"
	}
	return fmt.Sprintf("%s (%.0f%% VRAM)", show.Bytes(m.SizeBytes), 100*float64(m.VRAMBytes)/float64(m.SizeBytes))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
