package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/simulate/scenario"
)

// simulateOptions are the settings of one `plan simulate` invocation.
type simulateOptions struct {
	scenario.Options
	format   string
	chart    string
	listGPUs bool
}

const simulateLong = `Replay a workload against a local model server with a number of parallel slots and a
waiting queue, and report latencies, waits, utilization and what spilled to the cloud.

Workload, one of:
  synthetic   --rate R requests per second for --duration D, each with --prompt-tokens
              and --output-tokens. Gaps between arrivals are gamma-distributed with shape
              --burstiness K and mean 1/R: K = 1 is a Poisson stream, K < 1 is burstier
              (coefficient of variation 1/sqrt(K)), K > 1 more regular. --daily
              makes the rate follow the hours of the day (time 0 is midnight): office
              (quiet nights, a working-day plateau at 2.4x the daily mean with a noon dip)
              or 24 weights, scaled to a mean of 1 so --rate stays the daily mean; gaps
              are drawn in a clock that runs weight(h) times faster during hour h.
  --usage     cloud usage exports (any format plan usage reads). A row covering a bucket
              [start, end) with n requests becomes n arrivals placed uniformly at random in
              the bucket (the arrival times of a Poisson stream given its count), seeded by
              --seed. A row with one timestamp and n > 1 requests is taken as the start of a
              bucket of --bucket (default 1h), as in hourly generic CSVs; a row of one request
              arrives at its timestamp. Every arrival of a row has the row's mean size:
              prompt = input tokens / n, output = output tokens / n, rounded. A row that
              does not count its requests is one request. Time 0 is the earliest row.
              --hours N replays only the N consecutive hours with the most arrivals.
              The rows are held in memory; their arrivals are drawn as the replay goes.

Server: --slots N requests run at once (OLLAMA_NUM_PARALLEL); at most --queue-limit N wait
(0 = no limit), first in, first out. Service speed, one of:
  --bench FILE   the concurrency curve measured by plan benchmark: for each concurrency k,
                 aggregate decode = k x decode_tokens_per_second and aggregate prefill =
                 k x prefill_tokens_per_second (the server's own per-request rates, so
                 prefill is not counted twice as it would be in aggregate_tokens_per_second,
                 which divides by wall time), averaged over the summaries at that k; between
                 levels linear, beyond them flat. With k in service (see Sharing), each
                 request reads its prompt at prefill(k)/k and writes at decode(k)/k tokens/s.
                 Use --model when the file holds several models.
  --decode-tps, --prefill-tps
                 single-stream speeds, the same whatever runs beside it: a request takes
                 prompt / prefill-tps + output / decode-tps seconds.
  --model TAG    (without --bench) predicted speeds of a model of the catalog (Llama,
                 Qwen, Gemma, Phi, Mistral, DeepSeek-R1, gpt-oss tags) at --quant on the
                 hardware below, from the throughput model: one decode step for k requests
                 reads the active weights once (x the quantization's unpacking cost) plus
                 each request's key/value cache at --context tokens, and does 2 x active
                 parameters x k FLOPs; its time is the larger of bytes / (bandwidth x 0.8)
                 and FLOPs / (compute x 0.9), summed over the GPU and CPU parts when layers
                 do not fit in VRAM. Prefill is compute-bound per 512-token batch. The
                 curve for k = 1..--slots feeds the replay as with --bench. The prediction
                 carries its basis and a band (decode x 0.6 to x 1.4 from the catalog,
                 the range seen against llama.cpp's measured speeds); the replay is run
                 again at both ends and reported as "if slower" / "if faster". On this
                 machine with a calibration file (plan benchmark --calibrate, or
                 --calibration FILE), the per-quantization costs measured here replace the
                 roofline (basis "calibrated here", band from the calibration's fit).
` + hardwareHelp + `
Sharing: the requests in service on a server share its speed as a continuous-batching
server does (processor sharing). With k in service, m of them still reading their prompt:
while m > 0, each of the m reads its remaining prompt at prefill(m)/m tokens/s and the k - m
decoding requests wait (a step that reads a prompt gives them one token; left out); while
m = 0, each decodes at decode(k)/k. Speeds change whenever a request starts, ends its
prompt or finishes. (With --decode-tps and --prefill-tps, at those speeds whatever k is.)
Time to first token = wait + the time to finish the prefill; latency = wait + the time to
finish the decode. The mean service used by --policy spill is that of the requests
completed so far.

Replicas: --replicas N servers alike, each with --slots slots and its own queue, behind a
balancer that sends each request to the server with the fewest requests in service plus
queued (the lowest-numbered on a tie), like nginx least_conn.

Policy: --policy local keeps everything local; a request finding the queue full is
rejected. --policy spill sends a request to the cloud when its server's queue is full, or
its expected time to first token, expected wait + its own prefill time, exceeds --slo-ttft
seconds, or its expected end-to-end time, + its decode time, exceeds --slo-e2e (0 = no
limit). Expected wait = (queued + 1) x mean service / slots when every slot is busy and 0
otherwise, the mean service being that of the requests completed so far; its own prefill
and decode times are taken at the speeds with the slots that would then be active (prompt x
k / prefill(k) + output x k / decode(k)). Spilled requests are priced at the list price of
--cloud-model (for --usage replays, default: each row's own model), with their prompt and
output tokens, standard tier.

Energy: each server draws --active-watts while it serves any request and --idle-watts
otherwise (default 10% of active); energy kWh = (active x busy seconds + idle x idle
seconds) / 3,600,000, summed over servers, where busy seconds are the time with at least one
request in service; cost = kWh x --electricity. Predicted hardware from the catalog
defaults --active-watts to its TDP (x --count); otherwise energy is reported only when
--active-watts is given.

Output: requests, served locally, spilled, rejected; latency (arrival to last token) and
TTFT (wait + prefill) percentiles; wait mean and p95; utilization = busy slot-seconds /
(slots x makespan); spill_cost_usd; then one row per hour of arrivals. Percentiles are
accurate to 0.5%. The same --seed gives the same output. --format table writes the summary
and the hourly series, json the summary, the hours and the settings used (with the curve
taken from --bench), csv the hourly series. --chart FILE.svg also writes the hourly
series as a self-contained SVG chart: requests served locally, spilled and rejected per
hour, stacked.`

func newSimulateCmd(e *env) *cobra.Command {
	o := &simulateOptions{}
	cmd := &cobra.Command{
		Use:   "simulate [FILE|DIR ...]",
		Short: "Replay a workload against a local server, with queueing and spillover",
		Long:  simulateLong,
		Example: `  $ plan simulate --rate 0.5 --duration 1h --prompt-tokens 1000 --output-tokens 300 --decode-tps 40 --prefill-tps 800
  $ plan simulate --rate 2 --burstiness 0.3 --duration 2h --bench results.jsonl --slots 4 --policy spill --slo-ttft 2 --cloud-model gpt-4o-mini
  $ plan simulate --usage completions_usage_2025-10-01_2025-10-31.csv --bench results.jsonl --model qwen2.5:7b --slots 4 --policy spill --slo-ttft 5 --format json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Usage = append(o.Usage, args...)
			if o.listGPUs {
				header, rows, err := gpuList()
				if err != nil {
					return err
				}
				return output.WriteTable(e.stdout, header, rows)
			}
			o.Synthetic = cmd.Flags().Changed("rate")
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
	f.StringVar(&o.Quant, "quant", "", "predicted speeds: the quantization of --model, e.g. q4_K_M, q8_0, fp16 (default: the tag's, else the catalog's default)")
	f.IntVar(&o.Context, "context", 0, "predicted speeds: tokens in context while decoding (default: prompt + output / 2 of the mean request)")
	addHardwareFlags(f, &o.Hardware)
	f.StringVar(&o.Calibration, "calibration", "", "predicted speeds on this machine: its calibration `file` from plan benchmark --calibrate (default: calibration.json next to the benchmark results, when present)")
	f.BoolVar(&o.listGPUs, "list-gpus", false, "list the GPU catalog and exit")
	f.StringVar(&o.Policy, "policy", "local", "routing: local (never spill) or spill (to the cloud past --slo-ttft)")
	f.Float64Var(&o.SLOTTFT, "slo-ttft", 2, "--policy spill: most expected time to first token, in `seconds`, before a request spills (0 = no limit)")
	f.Float64Var(&o.SLOE2E, "slo-e2e", 0, "--policy spill: most expected end-to-end time, in `seconds`, before a request spills (0 = no limit)")
	f.IntVar(&o.Replicas, "replicas", 1, "servers behind a balancer, each with --slots slots and its own queue")
	f.Float64Var(&o.ActiveWatts, "active-watts", 0, "power of one server while it serves, in `watts` (default with --gpu: the catalog TDP)")
	f.Float64Var(&o.IdleWatts, "idle-watts", -1, "power of one server while idle, in `watts` (default: 10% of --active-watts)")
	f.Float64Var(&o.Electricity, "electricity", 0.15, "electricity price in `USD/kWh`, for the energy cost")
	f.StringVar(&o.CloudModel, "cloud-model", "", "price spilled requests at this cloud model's list prices")
	addPricesFlag(cmd, &o.Prices)
	f.Uint64Var(&o.Seed, "seed", 1, "seed of the random arrivals; the same seed gives the same run")
	f.StringVar(&o.format, "format", "table", "output format: table, json or csv")
	f.StringVar(&o.chart, "chart", "", "also write an SVG chart of the hourly series to this `file`")
	return cmd
}

func runSimulate(ctx context.Context, e *env, o *simulateOptions) error {
	if err := checkOutputs(append(o.Usage, o.Bench, o.Prices, o.Calibration), map[string]string{"--chart": o.chart}); err != nil {
		return err
	}
	warn := newWarnings(e)
	o.Stdin, o.Warn, o.Warned, o.Probes = e.stdin, warn.add, warn.summary, probes(e)
	o.Say = func(s string) { fmt.Fprintln(e.stderr, "plan: "+s) }
	if o.Calibration == "" {
		o.DefaultCalibration = defaultCalibrationFile(e)
	}
	rep, err := scenario.Run(ctx, o.Options)
	if err != nil {
		return err
	}
	if o.chart != "" {
		if err := scenario.WriteChart(o.chart, rep); err != nil {
			return err
		}
	}
	return scenario.Write(e.stdout, o.format, rep)
}
