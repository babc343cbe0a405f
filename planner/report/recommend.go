package report

import (
	"fmt"
	"io"
	"strconv"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/planner"
)

// RecommendFormats are the values of plan recommend's --format.
var RecommendFormats = []string{"table", "md", "json", "csv"}

// recommendOptional are the columns left out first on a narrow terminal.
var recommendOptional = []string{"ollama settings", "basis", "prefill tok/s", "tier", "users", "rank", "memory"}

var recommendHeader = []string{"rank", "model", "quant", "tier", "quality", "memory", "fit", "decode tok/s", "prefill tok/s", "basis", "users", "ollama settings"}

func recommendRows(recs []planner.Recommendation) [][]string {
	rows := make([][]string, 0, len(recs))
	for _, r := range recs {
		rows = append(rows, []string{
			strconv.Itoa(r.Rank), r.Model, r.Quantization, r.Tier, qualityText(r.Quality), show.Bytes(r.MemoryBytes), fitText(r),
			decodeText(r), show.Speed(r.PrefillTPS), r.Basis, strconv.Itoa(r.ConcurrentUse), ollamaSettings(r.Ollama),
		})
	}
	return rows
}

func ollamaSettings(s planner.OllamaSettings) string {
	out := fmt.Sprintf("CONTEXT_LENGTH=%d NUM_PARALLEL=%d", s.ContextLength, s.NumParallel)
	if s.KVCacheType != "" && s.KVCacheType != "f16" {
		out += " KV_CACHE_TYPE=" + s.KVCacheType
	}
	if s.FlashAttention {
		out += " FLASH_ATTENTION=1"
	}
	return out
}

// WriteRecommendations writes rep in format (table, md, json or csv); a
// table is fitted to width columns when width > 0.
func WriteRecommendations(w io.Writer, format string, rep *planner.Shortlist, width int) error {
	switch format {
	case "json":
		return output.WriteJSON(w, rep)
	case "csv":
		return writeRecommendCSV(w, rep.Recommendations)
	case "md":
		fmt.Fprintf(w, "Recommendations for %s, context %d tokens per request: %s\n\n", show.Clean(rep.Hardware), rep.ContextTokens, rep.ContextFrom)
		return output.WriteMarkdown(w, recommendHeader, recommendRows(rep.Recommendations))
	}
	head := fmt.Sprintf("%s, context %d tokens per request: %s", show.Clean(rep.Hardware), rep.ContextTokens, rep.ContextFrom)
	if _, err := fmt.Fprintf(w, "%s\n\n", show.Wrap(head, textWidth(width), "")); err != nil {
		return err
	}
	if len(rep.Recommendations) == 0 {
		_, err := fmt.Fprintln(w, "No model of the catalog fits this hardware's free memory.")
		return err
	}
	return output.Table{Header: recommendHeader, Rows: recommendRows(rep.Recommendations), Optional: recommendOptional}.Write(w, width)
}

// writeRecommendCSV writes one row per recommendation with plain numbers,
// one figure per column.
func writeRecommendCSV(w io.Writer, recs []planner.Recommendation) error {
	cw := output.NewCSV(w)
	cw.Write([]string{"rank", "model", "quantization", "tier", "quality", "memory_bytes", "fit", "gpu_layers", "layers",
		"context_tokens", "decode_tokens_per_second", "decode_low", "decode_high", "prefill_tokens_per_second", "basis",
		"concurrent_users", "OLLAMA_CONTEXT_LENGTH", "OLLAMA_NUM_PARALLEL", "OLLAMA_KV_CACHE_TYPE", "OLLAMA_FLASH_ATTENTION"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	for _, r := range recs {
		cw.Write([]string{
			strconv.Itoa(r.Rank), r.Model, r.Quantization, r.Tier, f(r.Quality), strconv.FormatInt(r.MemoryBytes, 10), r.Fit,
			strconv.Itoa(r.GPULayers), strconv.Itoa(r.Layers), strconv.Itoa(r.ContextTokens), f(r.DecodeTPS), f(r.DecodeLow),
			f(r.DecodeHigh), f(r.PrefillTPS), r.Basis, strconv.Itoa(r.ConcurrentUse), strconv.Itoa(r.Ollama.ContextLength),
			strconv.Itoa(r.Ollama.NumParallel), r.Ollama.KVCacheType, strconv.FormatBool(r.Ollama.FlashAttention),
		})
	}
	cw.Flush()
	return cw.Error()
}
