package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/planner"
	"github.com/plan-cli/plan/pricing/spend"
	"github.com/plan-cli/plan/pricing/usage"
)

const recommendLong = `Rank the open models of the catalog, at Q4_K_M, Q8_0 and F16, for this machine or what-if
hardware: what fits in the FREE memory, how fast it runs, how many people it serves at once,
and the Ollama settings that run it.

Memory: weights + KV cache (layers x KV heads x head dimension x 2 x bytes per element x
context x parallel requests, sliding-window layers counted at their window) + compute graph
+ a one-layer margin, as Ollama v0.6.5 sizes a model; graded against free VRAM per GPU (less
Ollama's 457 MiB reserve on CUDA/ROCm) and free RAM. A model that only fits with layers on the
CPU says how many, and runs that share at CPU speed. A q8_0 KV cache with flash attention is
tried when f16 does not fit on a GPU.

Context: --context, else the p95 of prompt + output tokens of the requests in --usage
(rounded up to 1024, at least 2048), else 8192: sized from real requests, not the model's
advertised maximum.

Speed: --bench measurements for the models they hold (basis "measured"), else this machine's
calibration (plan benchmark --calibrate; "calibrated here"), else the throughput model
("estimated from catalog"), with its band. Concurrent users: the most requests at once (up to
--parallel) that each still decode at --min-tps or faster.

Ranking: models decoding at least --min-tps first, then quality on the LMArena scale after
the quantization's penalty (unrated models last), then decode speed.`

func newRecommendCmd(e *env) *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "recommend [FILE|DIR ...]",
		Short: "Which models and quantizations to run on this machine or what-if hardware",
		Long:  recommendLong + "\n\n" + hardwareHelp,
		Example: `  $ plan recommend
  $ plan recommend --gpu "RTX 4060 Ti 16GB" --context 8192
  $ plan recommend --gpu "RTX 3090" --count 2 --usage completions_usage_2026-10.csv --format json
  $ plan recommend --profile laptop.json --min-tps 20`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.usage = append(o.usage, args...)
			if err := checkFormat(o.format, "table", "md", "json", "csv"); err != nil {
				return err
			}
			if err := o.validate(); err != nil {
				return err
			}
			o.calibrationGiven = o.calibrationFile != ""
			if o.calibrationFile == "" {
				o.calibrationFile = defaultCalibrationFile(e)
			}
			return runRecommend(cmd.Context(), e, o)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.usage, "usage", nil, "cloud usage exports to size the context from: `files`, directories or globs (further arguments are read too)")
	f.StringVar(&o.inputFormat, "input-format", "", "read every --usage file as this format instead of detecting it")
	f.StringVar(&o.bench, "bench", "", "plan benchmark results `file`: measured speeds for the models it holds")
	f.StringVar(&o.calibrationFile, "calibration", "", "this machine's calibration `file` (default: calibration.json next to the benchmark results, when present)")
	addHardwareFlags(f, &o.hw)
	f.Float64Var(&o.ramGB, "ram", 0, "what-if system memory free for models, in `GB` (GiB)")
	f.StringVar(&o.ollamaHost, "ollama", "", "read the models installed on this Ollama `server` (e.g. 127.0.0.1:11434): their real architecture and size replace the catalog's")
	f.Float64Var(&o.minTPS, "min-tps", planner.DefaultMinDecodeTPS, "decode `tokens/s` each request needs")
	f.IntVar(&o.context, "context", 0, "context per request in `tokens` (default: p95 of --usage, else 8192)")
	f.IntVar(&o.parallel, "parallel", 4, "most parallel requests per model (OLLAMA_NUM_PARALLEL)")
	f.IntVar(&o.top, "top", 10, "recommendations listed")
	addQualityFlags(f, o)
	f.StringVar(&o.format, "format", "table", "output format: table, md, json or csv")
	o.electricity, o.months, o.lifeMonths, o.shareLocal, o.idleWatts, o.hardwareCost = 0.15, 36, 36, -1, -1, -1
	return cmd
}

// recommendReport is the JSON output of plan recommend.
type recommendReport struct {
	Hardware        string                   `json:"hardware"`
	ContextTokens   int                      `json:"context_tokens"`
	ContextFrom     string                   `json:"context_from"`
	Recommendations []planner.Recommendation `json:"recommendations"`
}

func runRecommend(ctx context.Context, e *env, o *reportOptions) error {
	target, err := o.target(ctx, e)
	if err != nil {
		return err
	}
	ctxTokens, from, err := o.recommendContext(ctx, e)
	if err != nil {
		return err
	}
	speeds, err := o.speeds()
	if err != nil {
		return err
	}
	quality, err := o.qualityRows()
	if err != nil {
		return err
	}
	recs, err := planner.Recommend(target, ctxTokens, o.parallel, o.minTPS, speeds, o.top, quality)
	if err != nil {
		return err
	}
	rep := recommendReport{Hardware: target.Description, ContextTokens: ctxTokens, ContextFrom: from, Recommendations: recs}
	return writeRecommend(e.stdout, o.format, rep)
}

// recommendContext is --context, or the p95 request of --usage, or 8192.
func (o *reportOptions) recommendContext(ctx context.Context, e *env) (int, string, error) {
	if o.context > 0 {
		return o.context, "--context", nil
	}
	if len(o.usage) == 0 {
		return 8192, "default (give --usage to size it from your requests)", nil
	}
	table, err := priceTable("")
	if err != nil {
		return 0, "", err
	}
	warn := newWarnings(e)
	tr, err := planner.ReadTraffic(ctx, o.usage, usage.Options{Format: o.inputFormat, Stdin: e.stdin, Warn: warn.add}, spend.NewTablePricer(table))
	if err != nil {
		return 0, "", err
	}
	warn.summary(tr.Stats)
	c := planner.RequestPercentile(tr, 0.95)
	return min(131072, max(2048, (c+1023)/1024*1024)), fmt.Sprintf("p95 of the requests in --usage (%d tokens), at most 131072", c), nil
}

var recommendHeader = []string{"rank", "model", "quant", "tier", "quality", "memory", "fit", "decode tok/s", "prefill tok/s", "basis", "users", "ollama settings"}

func recommendRows(recs []planner.Recommendation) [][]string {
	rows := make([][]string, 0, len(recs))
	for _, r := range recs {
		fit := fitText(r)
		quality := "-"
		if r.Quality > 0 {
			quality = strconv.FormatFloat(r.Quality, 'f', 0, 64)
		}
		rows = append(rows, []string{
			strconv.Itoa(r.Rank), r.Model, r.Quantization, r.Tier, quality, show.Bytes(r.MemoryBytes), fit,
			fmt.Sprintf("%.1f (%.1f-%.1f)", r.DecodeTPS, r.DecodeLow, r.DecodeHigh), fmt.Sprintf("%.0f", r.PrefillTPS),
			r.Basis, strconv.Itoa(r.ConcurrentUse), ollamaSettings(r.Ollama),
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

func writeRecommend(w io.Writer, format string, rep recommendReport) error {
	switch format {
	case "json":
		return output.WriteJSON(w, rep)
	case "csv":
		return writeRecommendCSV(w, rep.Recommendations)
	case "md":
		fmt.Fprintf(w, "Recommendations for %s, context %d tokens (%s)\n\n", rep.Hardware, rep.ContextTokens, rep.ContextFrom)
		return output.WriteMarkdown(w, recommendHeader, recommendRows(rep.Recommendations))
	}
	if _, err := fmt.Fprintf(w, "%s, context %d tokens per request (%s)\n\n", rep.Hardware, rep.ContextTokens, rep.ContextFrom); err != nil {
		return err
	}
	if len(rep.Recommendations) == 0 {
		_, err := fmt.Fprintln(w, "No model of the catalog fits this hardware's free memory.")
		return err
	}
	return output.WriteTable(w, recommendHeader, recommendRows(rep.Recommendations))
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
