package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/simulate"
	"github.com/plan-cli/plan/simulate/scenario"
)

// simulateOptions are the settings of one `plan simulate` invocation.
type simulateOptions struct {
	scenario.Options
	format   string
	output   string
	chart    string
	listGPUs bool
}

const simulateLong = `Replay a workload (synthetic, --rate, or your exports, --usage) against a local server with
--slots parallel slots and a queue, at measured (--bench), fixed or predicted (--model) speeds;
report latencies, waits, utilization and what spilled to the cloud.`

func newSimulateCmd(e *env) *cobra.Command {
	o := &simulateOptions{}
	cmd := &cobra.Command{
		Use:   "simulate [FILE|DIR ...]",
		Short: "Replay a workload against a local server, with queueing and spillover",
		Long:  simulateLong + "\n\n" + seeAlso,
		Example: `  $ plan simulate --rate 0.5 --duration 1h --prompt-tokens 1000 --output-tokens 300 --decode-tps 40 --prefill-tps 800
  $ plan simulate --rate 2 --burstiness 0.3 --duration 2h --bench results.jsonl --slots 4 --policy spill --slo-ttft 2 --cloud-model gpt-4o-mini
  $ plan simulate --usage completions_usage_2025-10-01_2025-10-31.csv --bench results.jsonl --model qwen2.5:7b --slots 4 --policy spill --slo-ttft 5 --format json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Usage = append(o.Usage, args...)
			if o.listGPUs {
				header, rows, err := simulate.GPUTable()
				if err != nil {
					return err
				}
				return output.WriteTable(e.stdout, header, rows)
			}
			o.Synthetic = cmd.Flags().Changed("rate")
			if err := formatFromOutput(cmd, &o.format, o.output, scenario.Formats...); err != nil {
				return err
			}
			if err := checkFormat(o.format, scenario.Formats...); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return runSimulate(cmd.Context(), e, o)
		},
	}
	f := cmd.Flags()
	f.Float64Var(&o.Rate, "rate", 0, "synthetic workload: mean arrival `rate` in requests per second")
	f.Float64Var(&o.Burstiness, "burstiness", 1, "synthetic workload: gamma `shape` of the gaps between arrivals (1 = Poisson, < 1 burstier)")
	f.DurationVar(&o.Duration, "duration", time.Hour, "synthetic workload: how long arrivals come")
	f.StringVar(&o.Daily, "daily", "flat", "synthetic workload: daily profile of the rate: flat, office, or 24 comma-separated hourly `weights`")
	f.IntVar(&o.PromptTokens, "prompt-tokens", 1000, "synthetic workload: prompt tokens of each request")
	f.IntVar(&o.OutputTokens, "output-tokens", 250, "synthetic workload: output tokens of each request")
	f.StringSliceVar(&o.Usage, "usage", nil, "replay these usage exports instead of a synthetic workload: `files`, directories or globs (further arguments are read too)")
	f.StringVar(&o.InputFormat, "input-format", "", "read every --usage file as this format instead of detecting it")
	f.DurationVar(&o.Bucket, "bucket", time.Hour, "--usage: the bucket a row with one timestamp and several requests covers")
	f.IntVar(&o.Hours, "hours", 0, "--usage: replay only the busiest `N` consecutive hours (0 = all)")
	f.IntVar(&o.Slots, "slots", 1, "requests the server runs at once (OLLAMA_NUM_PARALLEL)")
	f.IntVar(&o.QueueLimit, "queue-limit", 0, "most requests that may wait for a slot (0 = no limit)")
	f.StringVar(&o.Bench, "bench", "", "take the service speeds from this plan benchmark results `file`")
	f.StringVar(&o.Model, "model", "", "the model of the --bench file to use, when it holds several")
	f.Float64Var(&o.DecodeTPS, "decode-tps", 0, "single-stream decode speed in tokens per second, instead of --bench")
	f.Float64Var(&o.PrefillTPS, "prefill-tps", 0, "single-stream prefill speed in tokens per second, instead of --bench (0 = prefill takes no time)")
	f.StringVar(&o.ModelFile, "model-file", "", "predicted speeds of a local GGUF model `file`, from its header: architecture, tensor types, experts")
	addHostFlag(f, &o.Host)
	f.StringVar(&o.Quant, "quant", "", "predicted speeds: the quantization of --model, e.g. q4_K_M, q8_0, fp16 (default: the tag's, else the catalog's default)")
	f.IntVar(&o.Context, "context", 0, "predicted speeds: tokens in context while decoding (default: prompt + output / 2 of the mean request)")
	addHardwareFlags(f, &o.Hardware)
	f.StringVar(&o.Calibration, "calibration", "", "predicted speeds on this machine: its calibration `file` from plan benchmark --calibrate (default: calibration.json next to the benchmark results, when present)")
	f.BoolVar(&o.listGPUs, "list-gpus", false, "list the GPU catalog and exit")
	f.StringVar(&o.Policy, "policy", "local", "routing: local (never spill) or spill (to the cloud past --slo-ttft)")
	addSLOTTFTFlag(f, &o.SLOTTFT)
	f.Float64Var(&o.SLOE2E, "slo-e2e", 0, "--policy spill: most expected end-to-end time, in `seconds`, before a request spills (0 = no limit)")
	f.IntVar(&o.Replicas, "replicas", 1, "servers behind a balancer, each with --slots slots and its own queue")
	f.Float64Var(&o.ActiveWatts, "active-watts", 0, "power of one server while it serves, in `watts` (default with --gpu: the catalog TDP)")
	f.Float64Var(&o.IdleWatts, "idle-watts", -1, "power of one server while idle, in `watts` (default: 10% of --active-watts)")
	f.Float64Var(&o.Electricity, "electricity", 0.15, "electricity price in `USD/kWh`, for the energy cost")
	f.StringVar(&o.CloudModel, "cloud-model", "", "price spilled requests at this cloud model's list prices")
	addPricesFlag(cmd, &o.Prices)
	addSeedFlag(f, &o.Seed, "seed of the random arrivals; the same seed gives the same run")
	f.StringVar(&o.format, "format", "table", "output format: table, json or csv")
	f.StringVar(&o.chart, "chart", "", "also write an SVG chart of the hourly series to this `file`")
	addOutputFlag(f, &o.output)
	return cmd
}

func runSimulate(ctx context.Context, e *env, o *simulateOptions) error {
	if err := checkOutputs(append(o.Usage, o.Bench, o.Prices, o.Calibration), map[string]string{"--chart": o.chart, "-o": o.output}); err != nil {
		return err
	}
	warn := newWarnings(e)
	o.Stdin, o.Warn, o.Warned, o.Probes = e.stdin, warn.add, warn.summary, probes(e)
	line := e.progressLine()
	o.Progress = func(s string) { line.Show("plan: "+s, true) }
	o.Say = func(s string) { line.Clear(); fmt.Fprintln(e.stderr, "plan: "+s) }
	if o.Calibration == "" {
		o.DefaultCalibration = defaultCalibrationFile(e)
	}
	rep, err := scenario.Run(ctx, o.Options)
	line.Clear()
	if err != nil {
		return err
	}
	if o.chart != "" {
		if err := writeOutput(e, o.chart, func(w io.Writer) error { return scenario.WriteChart(w, rep) }); err != nil {
			return fmt.Errorf("--chart: %w", err)
		}
	}
	return writeOutput(e, o.output, func(w io.Writer) error { return scenario.Write(w, o.format, rep) })
}
