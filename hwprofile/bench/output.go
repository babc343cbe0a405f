package bench

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
)

// Formats are the values of plan benchmark's --format.
var Formats = []string{"table", "json", "csv"}

// WriteSummaries writes the summaries in format: a table fitted to width
// columns (0: no limit), JSON with the results file's path, or CSV.
func WriteSummaries(w io.Writer, format string, sums []Summary, path string, width int) error {
	switch format {
	case "json":
		return output.WriteJSON(w, struct {
			Results     []Summary `json:"results"`
			ResultsFile string    `json:"results_file"`
		}{nonNil(sums), path})
	case "csv":
		return writeSummariesCSV(w, sums)
	}
	return writeSummariesTable(w, sums, width)
}

func nonNil(s []Summary) []Summary {
	if s == nil {
		return []Summary{}
	}
	return s
}

// benchmarkOptional are the columns left out first on a narrow terminal.
var benchmarkOptional = []string{"itl p99", "ttft p95", "identical", "e2e p50", "ctx", "load", "±95%", "aggr tok/s", "memory"}

var benchmarkHeader = []string{"model", "prompt", "output", "ctx", "conc", "runs", "decode tok/s", "±95%", "prefill tok/s",
	"ttft p50", "ttft p95", "itl p50", "itl p99", "e2e p50", "aggr tok/s", "load", "memory", "identical"}

func writeSummariesTable(w io.Writer, sums []Summary, width int) error {
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
	return output.Table{Header: benchmarkHeader, Rows: rows, Optional: benchmarkOptional}.Write(w, width)
}

// WriteNotes writes, for stderr, what a reader needs to trust it.
func WriteNotes(w io.Writer, sums []Summary, path string) {
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
func loops(sums []Summary) bool {
	for _, s := range sums {
		if s.Temperature == 0 && 2*(s.Requests-s.ValidRequests) > s.Requests {
			return true
		}
	}
	return false
}

func rateSourceText(s Summary) string {
	switch {
	case s.DecodeBasis == BasisStream:
		return "client's clock, from the streamed tokens (too few requests were valid measurements)"
	case s.RateSource == "client":
		return "client's clock (the server reports no durations)"
	}
	return "server's own token counts and durations"
}

func writeSummariesCSV(w io.Writer, sums []Summary) error {
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

func ciText(s Summary) string {
	if s.DecodeCI95High == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", s.DecodeCIRelative*100)
}

// loadText is the model's load time, or "warm" when it was already loaded.
func loadText(s Summary) string {
	if s.AlreadyLoaded {
		return "warm"
	}
	return show.Seconds(s.LoadSeconds)
}

func memoryText(m *Memory) string {
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

// WriteLoad writes a load's summary in format: table, json (with the
// results file's path) or csv.
func WriteLoad(w io.Writer, format string, s LoadSummary, path string) error {
	switch format {
	case "json":
		return output.WriteJSON(w, struct {
			Result      LoadSummary `json:"result"`
			ResultsFile string      `json:"results_file"`
		}{s, path})
	case "csv":
		return writeLoadCSV(w, s)
	}
	return output.WriteTable(w, []string{"metric", "value"}, loadRows(s))
}

// WriteLoadNotes writes, for stderr, a load's warnings and where its
// requests went.
func WriteLoadNotes(w io.Writer, s LoadSummary, path string) {
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "warning: %s: %s\n", s.Model, warn)
	}
	fmt.Fprintf(w, "requests appended to %s\n", path)
}

// loadRows are the lines of the table of a load's summary.
func loadRows(s LoadSummary) [][]string {
	triple := func(a, b, c float64) string {
		return show.Seconds(a) + " / " + show.Seconds(b) + " / " + show.Seconds(c)
	}
	return [][]string{
		{"model", s.Model},
		{"prompt / output tokens", fmt.Sprintf("%d / %d", s.PromptTokens, s.MaxTokens)},
		{"offered rate", fmt.Sprintf("%.3g requests/s for %s", s.OfferedRate, time.Duration(s.DurationSeconds*float64(time.Second)))},
		{"sent / completed / failed / cut short", fmt.Sprintf("%d / %d / %d / %d", s.Sent, s.Completed, s.Failed, s.CutShort)},
		{"served", fmt.Sprintf("%.3f requests/s, %.1f output tokens/s over %.1fs", s.ServedRequestsPerSecond, s.OutputTokensPerSecond, s.WindowSeconds)},
		{"e2e p50 / p95 / p99", triple(s.E2ESecondsP50, s.E2ESecondsP95, s.E2ESecondsP99)},
		{"ttft p50 / p95 / p99", triple(s.TTFTSecondsP50, s.TTFTSecondsP95, s.TTFTSecondsP99)},
		{"mean in flight", fmt.Sprintf("%.2f", s.MeanInFlight)},
	}
}

var loadCSVHeader = []string{"model", "prompt_tokens", "max_tokens", "offered_rate_per_second", "duration_seconds", "sent", "completed",
	"failed", "cut_short", "unfinished", "window_seconds", "served_requests_per_second", "output_tokens_per_second",
	"e2e_seconds_p50", "e2e_seconds_p95", "e2e_seconds_p99", "ttft_seconds_p50", "ttft_seconds_p95", "ttft_seconds_p99",
	"mean_in_flight", "send_lag_seconds_max"}

func writeLoadCSV(w io.Writer, s LoadSummary) error {
	cw := output.NewCSV(w)
	cw.Write(loadCSVHeader)
	cw.Write([]string{s.Model, strconv.Itoa(s.PromptTokens), strconv.Itoa(s.MaxTokens), num(s.OfferedRate), num(s.DurationSeconds),
		strconv.Itoa(s.Sent), strconv.Itoa(s.Completed), strconv.Itoa(s.Failed), strconv.Itoa(s.CutShort), strconv.Itoa(s.Unfinished),
		num(s.WindowSeconds), num(s.ServedRequestsPerSecond), num(s.OutputTokensPerSecond),
		num(s.E2ESecondsP50), num(s.E2ESecondsP95), num(s.E2ESecondsP99), num(s.TTFTSecondsP50), num(s.TTFTSecondsP95), num(s.TTFTSecondsP99),
		num(s.MeanInFlight), num(s.SendLagSecondsMax)})
	cw.Flush()
	return cw.Error()
}
