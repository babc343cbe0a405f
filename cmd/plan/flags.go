package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/plan-cli/plan/planner"
)

// The flags that mean the same thing in several commands, defined once.

func addHardwareFlags(f *pflag.FlagSet, h *planner.HardwareSpec) {
	f.StringVar(&h.GPU, "gpu", "", "what-if hardware: a GPU or Apple chip of the catalog, e.g. \"RTX 4090\" or \"M2 Ultra\"")
	f.IntVar(&h.Count, "count", 1, "what-if hardware: number of --gpu cards")
	f.Float64Var(&h.VRAMGB, "vram", 0, "what-if hardware: accelerator memory in `GB` (GiB), overriding the catalog's")
	f.Float64Var(&h.BandwidthGBs, "bandwidth", 0, "what-if hardware: memory bandwidth in `GB/s`, overriding the catalog's")
	f.Float64Var(&h.TFLOPS, "tflops", 0, "what-if hardware: FP16 compute in `TFLOPS`, overriding the catalog's")
	f.StringVar(&h.Profile, "profile", "", "what-if hardware: a profile.json `file` taken with plan profile on another machine")
}

// addHostFlag adds --host, the Ollama server whose installed models are
// read, with --ollama, its old name.
func addHostFlag(f *pflag.FlagSet, host *string) {
	f.StringVar(host, "host", "", "read the models installed on this Ollama `server` (e.g. 127.0.0.1:11434): their real architecture and size replace the catalog's")
	f.StringVar(host, "ollama", "", "")
	_ = f.MarkDeprecated("ollama", "use --host")
}

// addSeedFlag adds --seed, whose default is 1 in every command.
func addSeedFlag(f *pflag.FlagSet, seed *uint64, usage string) {
	f.Uint64Var(seed, "seed", 1, usage)
}

// addSLOTTFTFlag adds --slo-ttft, whose default is 5 s in every command.
func addSLOTTFTFlag(f *pflag.FlagSet, slo *float64) {
	f.Float64Var(slo, "slo-ttft", 5, "latency target: most expected time to first token, in `seconds`, before a request spills to the cloud (0 = none)")
}

// addQualityFlags adds the flags that state a model's quality.
func addQualityFlags(f *pflag.FlagSet, o *reportOptions) {
	f.StringArrayVar(&o.quality, "quality", nil, "a model's quality on the LMArena scale as `MODEL=SCORE` (a cloud model or an Ollama tag), replacing the catalog's or rating a model it lacks; repeatable")
	f.StringVar(&o.qualityFile, "quality-file", "", "a CSV `file` of quality scores with the catalog's columns (at least id, kind, lmarena_score), replacing or adding to its rows")
}

// addPricesFlag adds --prices FILE to a command that prices usage.
func addPricesFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "prices", "",
		"merge the LiteLLM price `FILE` (a whole model_prices_and_context_window.json or overrides) over the built-in prices")
}

// addOutputFlag adds -o/--output, the file the command's output is written
// to, in every command.
func addOutputFlag(f *pflag.FlagSet, path *string) {
	f.StringVarP(path, "output", "o", "", "write the output to this `file` (atomically) instead of stdout; --format from its extension when not given")
}
