package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/simulate"
)

// simulateOptions are the settings of one `plan simulate` invocation.
type simulateOptions struct {
	// Workload.
	rate         float64
	burstiness   float64
	daily        string
	duration     time.Duration
	promptTokens int
	outputTokens int
	usage        []string
	inputFormat  string
	bucket       time.Duration
	hours        int

	// Server.
	slots      int
	queueLimit int
	benchFile  string
	model      string
	decodeTPS  float64
	prefillTPS float64
	quant      string
	context    int
	// calibration is this machine's calibration file, for predicted speeds.
	calibration string
	hw          hardwareOptions
	listGPUs    bool

	// Policy.
	policy   string
	sloTTFT  float64
	sloE2E   float64
	replicas int

	// Energy.
	activeWatts float64
	idleWatts   float64
	electricity float64
	cloudModel  string
	prices      string

	seed   uint64
	format string
	chart  string
	// done stops the replay when the command is interrupted; warn says
	// what it read but had to leave out.
	done <-chan struct{}
	warn func(string)
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
			o.usage = append(o.usage, args...)
			if o.listGPUs {
				header, rows, err := gpuList()
				if err != nil {
					return err
				}
				return output.WriteTable(e.stdout, header, rows)
			}
			if err := o.validate(cmd); err != nil {
				return err
			}
			return runSimulate(cmd.Context(), e, o)
		},
	}
	f := cmd.Flags()
	f.Float64Var(&o.rate, "rate", 0, "synthetic workload: mean arrival `rate` in requests per second")
	f.Float64Var(&o.burstiness, "burstiness", 1, "synthetic workload: gamma `shape` of the gaps between arrivals (1 = Poisson, < 1 burstier)")
	f.DurationVar(&o.duration, "duration", time.Hour, "synthetic workload: how long arrivals come")
	f.StringVar(&o.daily, "daily", "flat", "synthetic workload: daily profile of the rate: flat, office, or 24 comma-separated hourly `weights`")
	f.IntVar(&o.promptTokens, "prompt-tokens", 1000, "synthetic workload: prompt tokens of each request")
	f.IntVar(&o.outputTokens, "output-tokens", 250, "synthetic workload: output tokens of each request")
	f.StringSliceVar(&o.usage, "usage", nil, "replay these usage exports instead of a synthetic workload: `files`, directories or globs (further arguments are read too)")
	f.StringVar(&o.inputFormat, "input-format", "", "read every --usage file as this format instead of detecting it")
	f.DurationVar(&o.bucket, "bucket", time.Hour, "--usage: the bucket a row with one timestamp and several requests covers")
	f.IntVar(&o.hours, "hours", 0, "--usage: replay only the busiest `N` consecutive hours (0 = all)")
	f.IntVar(&o.slots, "slots", 1, "requests the server runs at once (OLLAMA_NUM_PARALLEL)")
	f.IntVar(&o.queueLimit, "queue-limit", 0, "most requests that may wait for a slot (0 = no limit)")
	f.StringVar(&o.benchFile, "bench", "", "take the service speeds from this plan benchmark results `file`")
	f.StringVar(&o.model, "model", "", "the model of the --bench file to use, when it holds several")
	f.Float64Var(&o.decodeTPS, "decode-tps", 0, "single-stream decode speed in tokens per second, instead of --bench")
	f.Float64Var(&o.prefillTPS, "prefill-tps", 0, "single-stream prefill speed in tokens per second, instead of --bench (0 = prefill takes no time)")
	f.StringVar(&o.quant, "quant", "", "predicted speeds: the quantization of --model, e.g. q4_K_M, q8_0, fp16 (default: the tag's, else the catalog's default)")
	f.IntVar(&o.context, "context", 0, "predicted speeds: tokens in context while decoding (default: prompt + output / 2 of the mean request)")
	addHardwareFlags(f, &o.hw)
	f.StringVar(&o.calibration, "calibration", "", "predicted speeds on this machine: its calibration `file` from plan benchmark --calibrate (default: calibration.json next to the benchmark results, when present)")
	f.BoolVar(&o.listGPUs, "list-gpus", false, "list the GPU catalog and exit")
	f.StringVar(&o.policy, "policy", "local", "routing: local (never spill) or spill (to the cloud past --slo-ttft)")
	f.Float64Var(&o.sloTTFT, "slo-ttft", 2, "--policy spill: most expected time to first token, in `seconds`, before a request spills (0 = no limit)")
	f.Float64Var(&o.sloE2E, "slo-e2e", 0, "--policy spill: most expected end-to-end time, in `seconds`, before a request spills (0 = no limit)")
	f.IntVar(&o.replicas, "replicas", 1, "servers behind a balancer, each with --slots slots and its own queue")
	f.Float64Var(&o.activeWatts, "active-watts", 0, "power of one server while it serves, in `watts` (default with --gpu: the catalog TDP)")
	f.Float64Var(&o.idleWatts, "idle-watts", -1, "power of one server while idle, in `watts` (default: 10% of --active-watts)")
	f.Float64Var(&o.electricity, "electricity", 0.15, "electricity price in `USD/kWh`, for the energy cost")
	f.StringVar(&o.cloudModel, "cloud-model", "", "price spilled requests at this cloud model's list prices")
	addPricesFlag(cmd, &o.prices)
	f.Uint64Var(&o.seed, "seed", 1, "seed of the random arrivals; the same seed gives the same run")
	f.StringVar(&o.format, "format", "table", "output format: table, json or csv")
	f.StringVar(&o.chart, "chart", "", "also write an SVG chart of the hourly series to this `file`")
	return cmd
}

func (o *simulateOptions) validate(cmd *cobra.Command) error {
	if err := checkFormat(o.format, "table", "json", "csv"); err != nil {
		return err
	}
	if err := o.hw.validate(); err != nil {
		return err
	}
	synthetic := cmd.Flags().Changed("rate")
	switch {
	case synthetic && len(o.usage) > 0:
		return usagef("give either --rate (a synthetic workload) or --usage (a replay), not both")
	case !synthetic && len(o.usage) == 0:
		return usagef("no workload: give --rate for a synthetic one or --usage to replay exports")
	case synthetic && !(o.rate > 0 && !math.IsInf(o.rate, 0)):
		return usagef("invalid --rate %v: must be positive", o.rate)
	case !(o.burstiness > 0 && !math.IsInf(o.burstiness, 0)):
		return usagef("invalid --burstiness %v: must be positive", o.burstiness)
	case synthetic && o.duration <= 0:
		return usagef("invalid --duration %v: must be positive", o.duration)
	case o.promptTokens < 0 || o.outputTokens < 0:
		return usagef("--prompt-tokens and --output-tokens must not be negative")
	case o.hours < 0:
		return usagef("invalid --hours %d: must not be negative (0 = all)", o.hours)
	case o.hours > 0 && len(o.usage) == 0:
		return usagef("--hours chooses hours of a --usage replay")
	case o.bucket <= 0:
		return usagef("invalid --bucket %v: must be positive", o.bucket)
	case o.inputFormat != "" && !knownFormat(o.inputFormat):
		return usagef("invalid --input-format %q: want %s", o.inputFormat, strings.Join(formatNames(), ", "))
	case o.slots < 1:
		return usagef("invalid --slots %d: must be at least 1", o.slots)
	case o.queueLimit < 0:
		return usagef("invalid --queue-limit %d: must not be negative (0 = no limit)", o.queueLimit)
	case o.benchFile != "" && (o.decodeTPS != 0 || o.prefillTPS != 0):
		return usagef("give either --bench or --decode-tps/--prefill-tps, not both")
	case o.benchFile == "" && o.decodeTPS == 0 && o.model == "":
		return usagef("no service speed: give --bench results.jsonl, --decode-tps, or --model TAG for predicted speeds")
	case o.benchFile == "" && o.decodeTPS != 0 && !(o.decodeTPS > 0 && !math.IsInf(o.decodeTPS, 0)):
		return usagef("invalid --decode-tps %v: must be positive", o.decodeTPS)
	case o.decodeTPS != 0 && o.model != "":
		return usagef("give either --decode-tps or --model (predicted speeds), not both")
	case (o.benchFile != "" || o.decodeTPS != 0) && (o.hw.whatIf() || o.quant != "" || o.context != 0):
		return usagef("--gpu, --profile, --vram, --bandwidth, --tflops, --quant and --context are for predicted speeds: drop --bench and --decode-tps")
	case o.context < 0:
		return usagef("invalid --context %d: must not be negative", o.context)
	case o.prefillTPS < 0 || math.IsInf(o.prefillTPS, 0) || math.IsNaN(o.prefillTPS):
		return usagef("invalid --prefill-tps %v: must not be negative", o.prefillTPS)
	case o.policy != "local" && o.policy != "spill":
		return usagef("invalid --policy %q: want local or spill", o.policy)
	case !(o.sloTTFT >= 0 && !math.IsInf(o.sloTTFT, 0)):
		return usagef("invalid --slo-ttft %v: must be a non-negative number of seconds", o.sloTTFT)
	case !(o.sloE2E >= 0 && !math.IsInf(o.sloE2E, 0)):
		return usagef("invalid --slo-e2e %v: must be a non-negative number of seconds", o.sloE2E)
	case o.replicas < 1 || o.replicas > simulate.MaxReplicas:
		return usagef("invalid --replicas %d: must be from 1 to %d", o.replicas, simulate.MaxReplicas)
	case !(o.activeWatts >= 0) || math.IsInf(o.activeWatts, 0) || math.IsInf(o.idleWatts, 0) || math.IsNaN(o.idleWatts) || o.idleWatts < -1:
		return usagef("invalid --active-watts or --idle-watts: must be non-negative numbers of watts")
	case !(o.electricity >= 0) || math.IsInf(o.electricity, 0):
		return usagef("invalid --electricity %v: must be a non-negative price per kWh", o.electricity)
	}
	return nil
}

// simulateReport is the JSON output: the settings, the result and the cost
// of what spilled.
type simulateReport struct {
	Settings simulateSettings `json:"settings"`
	simulate.Result
	SpillCostUSD float64 `json:"spill_cost_usd"`
	// UnpricedSpilled counts spilled requests whose model has no price.
	UnpricedSpilled int `json:"unpriced_spilled,omitempty"`
	// Prediction is the predicted speed of --model, when the speeds are
	// predicted, and Band the replay at its low and high bounds.
	Prediction *prediction   `json:"prediction,omitempty"`
	Band       *simulateBand `json:"band,omitempty"`
	// Energy is the local servers' energy, when their power is known.
	Energy *energyReport `json:"energy,omitempty"`
	// Overloaded says the load is at or beyond the servers' capacity: the
	// queue grows while requests arrive, so latencies depend on how long
	// the run is (see overloaded).
	Overloaded bool   `json:"overloaded"`
	Warning    string `json:"warning,omitempty"`
}

// overloaded is a run's warning when its servers were beyond their
// capacity (simulate.Result.Overloaded).
func overloaded(r simulate.Result) (bool, string) {
	if !r.Overloaded() {
		return false, ""
	}
	return true, fmt.Sprintf("the load is beyond the local servers' capacity: they are busy %.0f%% of the time and requests wait %.0f s on average for a slot, so the queue grows while requests arrive and the latencies depend on how long the run is; add slots or replicas, lower the rate, or use --policy spill",
		100*r.Utilization, r.Wait.Mean)
}

// energyReport is the energy the replicas use over the run.
type energyReport struct {
	ActiveWatts float64 `json:"active_watts"`
	IdleWatts   float64 `json:"idle_watts"`
	Source      string  `json:"watts_source"`
	KWh         float64 `json:"kwh"`
	USDPerKWh   float64 `json:"usd_per_kwh"`
	CostUSD     float64 `json:"cost_usd"`
}

type simulateSettings struct {
	Workload     string                `json:"workload"` // "synthetic" or "usage"
	Rate         float64               `json:"rate_per_second,omitempty"`
	Burstiness   float64               `json:"burstiness,omitempty"`
	Daily        []float64             `json:"daily_profile,omitempty"` // hourly weights, mean 1
	Duration     float64               `json:"duration_seconds,omitempty"`
	PromptTokens int                   `json:"prompt_tokens,omitempty"`
	OutputTokens int                   `json:"output_tokens,omitempty"`
	Usage        []string              `json:"usage,omitempty"`
	Start        string                `json:"start,omitempty"` // --usage: the time of second 0 and hour 0
	Hours        int                   `json:"hours,omitempty"` // --usage: the busiest hours replayed; 0 = all
	Slots        int                   `json:"slots"`
	QueueLimit   int                   `json:"queue_limit"`
	Bench        string                `json:"bench,omitempty"`
	Model        string                `json:"model,omitempty"`
	Curve        []simulate.CurvePoint `json:"curve,omitempty"`
	DecodeTPS    float64               `json:"decode_tokens_per_second,omitempty"`
	PrefillTPS   float64               `json:"prefill_tokens_per_second,omitempty"`
	Policy       string                `json:"policy"`
	SLOTTFT      float64               `json:"slo_ttft_seconds,omitempty"`
	SLOE2E       float64               `json:"slo_e2e_seconds,omitempty"`
	Replicas     int                   `json:"replicas"`
	CloudModel   string                `json:"cloud_model,omitempty"`
	Seed         uint64                `json:"seed"`
}

func runSimulate(ctx context.Context, e *env, o *simulateOptions) error {
	o.done = ctx.Done()
	o.warn = func(s string) { fmt.Fprintln(e.stderr, "plan: warning: "+s) }
	if err := checkOutputs(append(o.usage, o.benchFile, o.prices, o.calibration), map[string]string{"--chart": o.chart}); err != nil {
		return err
	}
	set := simulateSettings{
		Slots: o.slots, QueueLimit: o.queueLimit, Policy: o.policy, CloudModel: o.cloudModel, Seed: o.seed,
	}
	set.Replicas = o.replicas
	if o.policy == "spill" {
		set.SLOTTFT, set.SLOE2E = o.sloTTFT, o.sloE2E
	}
	pricer, err := o.spillPricer()
	if err != nil {
		return err
	}
	src, sizes, err := o.workload(ctx, e, &set)
	if err != nil {
		return err
	}
	var pred *prediction
	var svc simulate.Service
	if o.model != "" && o.benchFile == "" {
		pred, err = o.predict(ctx, e, sizes)
		if err != nil {
			return err
		}
		svc, err = pred.service(1)
	} else {
		svc, err = o.service(&set)
	}
	if err != nil {
		return err
	}
	rep, err := o.replay(src, svc, pricer)
	if err != nil {
		return err
	}
	rep.Settings = set
	if pred != nil {
		rep.Prediction = pred
		if err := o.replayBand(&rep, pred, src, pricer); err != nil {
			return err
		}
	}
	rep.Energy = o.energy(rep.Result, pred)
	if rep.Overloaded, rep.Warning = overloaded(rep.Result); rep.Overloaded {
		fmt.Fprintln(e.stderr, "plan: warning: "+rep.Warning)
	}
	if rep.UnpricedSpilled > 0 {
		fmt.Fprintf(e.stderr, "plan: warning: %d spilled requests have no price (give --cloud-model); left out of spill_cost_usd\n", rep.UnpricedSpilled)
	}
	if o.chart != "" {
		if err := writeSimulateChart(o.chart, rep); err != nil {
			return err
		}
	}
	return writeSimulate(e.stdout, o.format, rep)
}

// energy prices the replicas' power over the run: each draws the active
// watts while it serves anything and the idle watts otherwise. Without
// --active-watts the catalog TDP of predicted hardware is used; without
// either, there is no energy figure.
func (o *simulateOptions) energy(res simulate.Result, pred *prediction) *energyReport {
	r := &energyReport{ActiveWatts: o.activeWatts, IdleWatts: o.idleWatts, Source: "--active-watts", USDPerKWh: o.electricity}
	if r.ActiveWatts == 0 {
		if pred == nil || pred.Hardware.Watts == 0 {
			return nil
		}
		r.ActiveWatts, r.Source = pred.Hardware.Watts, "catalog TDP of "+pred.Hardware.Description
	}
	if r.IdleWatts < 0 {
		r.IdleWatts = 0.1 * r.ActiveWatts
		r.Source += "; idle assumed 10% of it"
	}
	r.KWh = res.EnergyKWh(r.ActiveWatts, r.IdleWatts)
	r.CostUSD = r.KWh * r.USDPerKWh
	return r
}

// spillPricer loads the price table for --policy spill.
func (o *simulateOptions) spillPricer() (*pricing.Pricer, error) {
	if o.policy != "spill" {
		return nil, nil
	}
	t, err := priceTable(o.prices)
	if err != nil {
		return nil, err
	}
	pricer := pricing.NewPricer(t)
	if o.cloudModel != "" {
		if _, _, ok := pricer.Lookup(o.cloudModel); !ok {
			return nil, usagef("unknown --cloud-model %q: see plan prices", o.cloudModel)
		}
	}
	return pricer, nil
}

// requestSizes are the mean prompt and output tokens of a workload.
type requestSizes struct{ prompt, output float64 }

// workload builds the arrivals: a replay of --usage or a synthetic stream.
func (o *simulateOptions) workload(ctx context.Context, e *env, set *simulateSettings) (func() simulate.Source, requestSizes, error) {
	if len(o.usage) > 0 {
		set.Workload, set.Usage = "usage", o.usage
		r, err := readReplay(ctx, e, o)
		if err != nil {
			return nil, requestSizes{}, err
		}
		set.Start, set.Hours = r.start.UTC().Format(time.RFC3339), o.hours
		return r.source, r.sizes, nil
	}
	set.Workload = "synthetic"
	set.Rate, set.Burstiness, set.Duration = o.rate, o.burstiness, o.duration.Seconds()
	set.PromptTokens, set.OutputTokens = o.promptTokens, o.outputTokens
	hourly, err := dailyProfile(o.daily)
	if err != nil {
		return nil, requestSizes{}, err
	}
	a := simulate.Arrivals{
		Rate: o.rate, Duration: o.duration.Seconds(), Shape: o.burstiness, Seed: o.seed,
		PromptTokens: o.promptTokens, OutputTokens: o.outputTokens, Hourly: hourly,
	}
	set.Daily = roundedWeights(hourly)
	if _, err := simulate.NewGenerator(a); err != nil {
		return nil, requestSizes{}, usagef("%v", err)
	}
	src := func() simulate.Source {
		g, _ := simulate.NewGenerator(a)
		return g
	}
	return src, requestSizes{float64(o.promptTokens), float64(o.outputTokens)}, nil
}

// dailyProfile reads --daily: a named profile or 24 hourly weights.
func dailyProfile(s string) ([]float64, error) {
	if w, ok := simulate.DailyProfiles[strings.TrimSpace(s)]; ok {
		return w, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 24 {
		return nil, usagef("invalid --daily %q: want flat, office, or 24 comma-separated hourly weights", s)
	}
	w := make([]float64, 24)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) {
			return nil, usagef("invalid --daily weight %q for hour %d: want a non-negative number", p, i)
		}
		w[i] = v
	}
	return w, nil
}

// roundedWeights is the generator's daily profile, rounded for display.
func roundedWeights(w []float64) []float64 {
	out := simulate.NormalizeHourly(w)
	for i, v := range out {
		out[i] = math.Round(v*1000) / 1000
	}
	return out
}

// replay runs the simulation of a fresh source on svc and prices the spill.
func (o *simulateOptions) replay(newSource func() simulate.Source, svc simulate.Service, pricer *pricing.Pricer) (simulateReport, error) {
	rec := &recordingSource{src: newSource()}
	cfg := simulate.Config{Replicas: o.replicas, Slots: o.slots, QueueLimit: o.queueLimit, Service: svc, Done: o.done}
	var spill *spillMeter
	if o.policy == "spill" {
		slo := sloSpill{ttft: o.sloTTFT, e2e: o.sloE2E, svc: svc}
		spill = &spillMeter{slo: slo, src: rec, counts: map[string]int{}, tokens: map[string]pricing.Tokens{}}
		cfg.Policy = spill
	}
	res, err := simulate.Run(cfg, rec)
	if err != nil {
		return simulateReport{}, err
	}
	rep := simulateReport{Result: res}
	if spill == nil {
		return rep, nil
	}
	var spilledTokens int64
	for _, t := range spill.tokens {
		spilledTokens += t.InputUncached + t.Output
	}
	if spill.count != res.Spilled || spilledTokens != res.SpilledTokens {
		return simulateReport{}, fmt.Errorf("simulate: priced %d spilled requests of %d tokens, the engine spilled %d of %d",
			spill.count, spilledTokens, res.Spilled, res.SpilledTokens)
	}
	rep.SpillCostUSD, rep.UnpricedSpilled = spill.cost(pricer, o.cloudModel)
	return rep, nil
}

// service builds the service model from --bench or the speed flags.
func (o *simulateOptions) service(set *simulateSettings) (simulate.Service, error) {
	if o.benchFile == "" {
		set.DecodeTPS, set.PrefillTPS = o.decodeTPS, o.prefillTPS
		return tokenRateService{decode: o.decodeTPS, prefill: o.prefillTPS}, nil
	}
	sums, err := readSummaries(o.benchFile, o.warn)
	if err != nil {
		return nil, err
	}
	model, points, err := benchCurve(sums, o.model)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.benchFile, err)
	}
	svc, err := simulate.NewCurveService(points)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.benchFile, err)
	}
	set.Bench, set.Model, set.Curve = o.benchFile, model, points
	return svc, nil
}

// tokenRateService serves each request at fixed single-stream speeds.
type tokenRateService struct{ decode, prefill float64 }

func (s tokenRateService) Times(r simulate.Request, _ int) (prefill, decode float64) {
	if s.prefill > 0 {
		prefill = float64(r.PromptTokens) / s.prefill
	}
	return prefill, float64(r.OutputTokens) / s.decode
}

// Rates returns the single-stream speeds, whatever the number active; no
// prefill speed means prefill takes no time.
func (s tokenRateService) Rates(int) (prefillTPS, decodeTPS float64) {
	if s.prefill > 0 {
		return s.prefill, s.decode
	}
	return math.Inf(1), s.decode
}

// recordingSource remembers the request it gave last: the engine routes a
// request before it asks its source for the next one, so while the policy
// decides, last is the request being routed.
type recordingSource struct {
	src  simulate.Source
	last simulate.Request
}

func (s *recordingSource) Next() (simulate.Request, bool) {
	r, ok := s.src.Next()
	if ok {
		s.last = r
	}
	return r, ok
}

// spillMeter is the Spill policy that also sums the tokens of what it sends
// to the cloud, by model.
type spillMeter struct {
	slo    sloSpill
	src    *recordingSource
	count  int
	counts map[string]int
	tokens map[string]pricing.Tokens
}

func (p *spillMeter) SendToCloud(s simulate.State) bool {
	r := p.src.last
	if !p.slo.spill(s, r) {
		return false
	}
	p.count++
	p.counts[r.Model]++
	t := p.tokens[r.Model]
	t.InputUncached += int64(r.PromptTokens)
	t.Output += int64(r.OutputTokens)
	p.tokens[r.Model] = t
	return true
}

// sloSpill decides by the latency targets: a request spills when the
// queue of its replica is full, or when its expected time to first token
// (expected wait + its prefill) exceeds ttft, or its expected end-to-end
// time (+ its decode) exceeds e2e; a target of 0 is no limit. Its prefill
// and decode are timed by the service with the slots that would be active
// when it starts.
type sloSpill struct {
	ttft, e2e float64
	svc       simulate.Service
}

func (p sloSpill) spill(s simulate.State, r simulate.Request) bool {
	if s.QueueFull() {
		return true
	}
	wait := s.ExpectedWait(s.MeanService)
	pre, dec := p.svc.Times(r, min(s.Busy+1, s.Slots))
	return (p.ttft > 0 && wait+pre > p.ttft) || (p.e2e > 0 && wait+pre+dec > p.e2e)
}

// cost prices the spilled tokens at cloud (or at each request's own model
// when cloud is empty) and counts the spilled requests it could not price.
func (p *spillMeter) cost(pr *pricing.Pricer, cloud string) (usd float64, unpriced int) {
	if cloud != "" {
		var sum pricing.Tokens
		for _, t := range p.tokens {
			sum.InputUncached += t.InputUncached
			sum.Output += t.Output
		}
		c, _, ok := pr.Cost(cloud, sum, pricing.Terms{})
		if !ok {
			return 0, p.count
		}
		return c.TotalUSD, 0
	}
	for name, t := range p.tokens {
		c, _, ok := pr.Cost(name, t, pricing.Terms{})
		if name == "" || !ok {
			unpriced += p.counts[name]
			continue
		}
		usd += c.TotalUSD
	}
	return usd, unpriced
}
