package scenario

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/plan-cli/plan/hwprofile/bench"
	"github.com/plan-cli/plan/planner"
	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/pricing/usage"
	"github.com/plan-cli/plan/simulate"
)

// Options are the settings of one scenario: a workload, a server and its
// speed, a routing policy, and the energy and cloud prices.
type Options struct {
	// Workload: synthetic (Rate for Duration) or a replay of Usage.
	Synthetic    bool
	Rate         float64
	Burstiness   float64
	Daily        string
	Duration     time.Duration
	PromptTokens int
	OutputTokens int
	Usage        []string
	InputFormat  string
	Bucket       time.Duration
	Hours        int

	// Server: its slots and queue, and its speed from a benchmark results
	// file, fixed speeds, or predicted for Model on Hardware.
	Slots      int
	QueueLimit int
	Bench      string
	Model      string
	// ModelFile is a GGUF file whose header gives the model to predict;
	// Host an Ollama server whose installed Model replaces the catalog's.
	ModelFile   string
	Host        string
	DecodeTPS   float64
	PrefillTPS  float64
	Quant       string
	Context     int
	Calibration string
	// DefaultCalibration is this machine's calibration file when none is
	// named ("" when there is none).
	DefaultCalibration string
	Hardware           planner.HardwareSpec

	// Policy: local or spill, with the latency targets.
	Policy   string
	SLOTTFT  float64
	SLOE2E   float64
	Replicas int

	// Energy and money.
	ActiveWatts float64
	IdleWatts   float64
	Electricity float64
	CloudModel  string
	Prices      string

	Seed uint64

	// Stdin is read for the usage file "-"; Warn gets each bad row skipped
	// and Warned the read's figures; Say tells the user something (a line,
	// no newline); Probes read this machine.
	Stdin  io.Reader
	Warn   func(usage.Warning)
	Warned func(usage.Stats)
	Say    func(string)
	// Progress, when set, is told what the run is doing.
	Progress func(string)
	Probes   planner.Probes

	done <-chan struct{}
}

func (o *Options) progress(s string) {
	if o.Progress != nil {
		o.Progress(s)
	}
}

func (o *Options) say(s string) {
	if o.Say != nil {
		o.Say(s)
	}
}

func flagErrorf(format string, args ...any) error {
	return &planner.FlagError{Err: fmt.Errorf(format, args...)}
}

// Validate checks the options for values out of range and flags that
// exclude each other.
func (o *Options) Validate() error {
	if err := o.Hardware.Validate(); err != nil {
		return err
	}
	synthetic := o.Synthetic
	switch {
	case synthetic && len(o.Usage) > 0:
		return flagErrorf("give either --rate (a synthetic workload) or --usage (a replay), not both")
	case !synthetic && len(o.Usage) == 0:
		return flagErrorf("no workload: give --rate for a synthetic one or --usage to replay exports")
	case synthetic && !(o.Rate > 0 && !math.IsInf(o.Rate, 0)):
		return flagErrorf("invalid --rate %v: must be positive", o.Rate)
	case !(o.Burstiness > 0 && !math.IsInf(o.Burstiness, 0)):
		return flagErrorf("invalid --burstiness %v: must be positive", o.Burstiness)
	case synthetic && o.Duration <= 0:
		return flagErrorf("invalid --duration %v: must be positive", o.Duration)
	case o.PromptTokens < 0 || o.OutputTokens < 0:
		return flagErrorf("--prompt-tokens and --output-tokens must not be negative")
	case o.Hours < 0:
		return flagErrorf("invalid --hours %d: must not be negative (0 = all)", o.Hours)
	case o.Hours > 0 && len(o.Usage) == 0:
		return flagErrorf("--hours chooses hours of a --usage replay")
	case o.Bucket <= 0:
		return flagErrorf("invalid --bucket %v: must be positive", o.Bucket)
	case o.InputFormat != "" && !usage.KnownFormat(o.InputFormat):
		return flagErrorf("invalid --input-format %q: want %s", o.InputFormat, strings.Join(usage.FormatNames(), ", "))
	case o.Slots < 1:
		return flagErrorf("invalid --slots %d: must be at least 1", o.Slots)
	case o.QueueLimit < 0:
		return flagErrorf("invalid --queue-limit %d: must not be negative (0 = no limit)", o.QueueLimit)
	case o.Bench != "" && (o.DecodeTPS != 0 || o.PrefillTPS != 0):
		return flagErrorf("give either --bench or --decode-tps/--prefill-tps, not both")
	case o.Bench == "" && o.DecodeTPS == 0 && o.Model == "" && o.ModelFile == "":
		return flagErrorf("no service speed: give --bench results.jsonl, --decode-tps, or --model TAG or --model-file FILE.gguf for predicted speeds")
	case o.ModelFile != "" && (o.Bench != "" || o.DecodeTPS != 0 || o.Model != "" || o.Quant != ""):
		return flagErrorf("--model-file predicts the file's own model at its own types: drop --bench, --decode-tps, --model and --quant")
	case o.Bench == "" && o.DecodeTPS != 0 && !(o.DecodeTPS > 0 && !math.IsInf(o.DecodeTPS, 0)):
		return flagErrorf("invalid --decode-tps %v: must be positive", o.DecodeTPS)
	case o.DecodeTPS != 0 && o.Model != "":
		return flagErrorf("give either --decode-tps or --model (predicted speeds), not both")
	case (o.Bench != "" || o.DecodeTPS != 0) && (o.Hardware.WhatIf() || o.Quant != "" || o.Context != 0):
		return flagErrorf("--gpu, --profile, --vram, --bandwidth, --tflops, --quant and --context are for predicted speeds: drop --bench and --decode-tps")
	case o.Context < 0:
		return flagErrorf("invalid --context %d: must not be negative", o.Context)
	case o.PrefillTPS < 0 || math.IsInf(o.PrefillTPS, 0) || math.IsNaN(o.PrefillTPS):
		return flagErrorf("invalid --prefill-tps %v: must not be negative", o.PrefillTPS)
	case o.Policy != "local" && o.Policy != "spill":
		return flagErrorf("invalid --policy %q: want local or spill", o.Policy)
	case !(o.SLOTTFT >= 0 && !math.IsInf(o.SLOTTFT, 0)):
		return flagErrorf("invalid --slo-ttft %v: must be a non-negative number of seconds", o.SLOTTFT)
	case !(o.SLOE2E >= 0 && !math.IsInf(o.SLOE2E, 0)):
		return flagErrorf("invalid --slo-e2e %v: must be a non-negative number of seconds", o.SLOE2E)
	case o.Replicas < 1 || o.Replicas > simulate.MaxReplicas:
		return flagErrorf("invalid --replicas %d: must be from 1 to %d", o.Replicas, simulate.MaxReplicas)
	case !(o.ActiveWatts >= 0) || math.IsInf(o.ActiveWatts, 0) || math.IsInf(o.IdleWatts, 0) || math.IsNaN(o.IdleWatts) || o.IdleWatts < -1:
		return flagErrorf("invalid --active-watts or --idle-watts: must be non-negative numbers of watts")
	case !(o.Electricity >= 0) || math.IsInf(o.Electricity, 0):
		return flagErrorf("invalid --electricity %v: must be a non-negative price per kWh", o.Electricity)
	}
	return nil
}

// Report is the JSON output: the settings, the result and the cost
// of what spilled.
type Report struct {
	Settings Settings `json:"settings"`
	simulate.Result
	SpillCostUSD float64 `json:"spill_cost_usd"`
	// UnpricedSpilled counts spilled requests whose model has no price.
	UnpricedSpilled int `json:"unpriced_spilled,omitempty"`
	// Prediction is the predicted speed of --model, when the speeds are
	// predicted, and Band the replay at its low and high bounds.
	Prediction *Prediction `json:"prediction,omitempty"`
	Band       *Band       `json:"band,omitempty"`
	// Energy is the local servers' energy, when their power is known.
	Energy *Energy `json:"energy,omitempty"`
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

// Energy is the energy the replicas use over the run.
type Energy struct {
	ActiveWatts float64 `json:"active_watts"`
	IdleWatts   float64 `json:"idle_watts"`
	Source      string  `json:"watts_source"`
	KWh         float64 `json:"kwh"`
	USDPerKWh   float64 `json:"usd_per_kwh"`
	CostUSD     float64 `json:"cost_usd"`
}

type Settings struct {
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

// Run runs the scenario: it builds the workload and the service, replays
// one on the other, and prices what spilled and the energy used.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.done = ctx.Done()
	set := Settings{
		Slots: o.Slots, QueueLimit: o.QueueLimit, Policy: o.Policy, CloudModel: o.CloudModel, Seed: o.Seed,
	}
	set.Replicas = o.Replicas
	if o.Policy == "spill" {
		set.SLOTTFT, set.SLOE2E = o.SLOTTFT, o.SLOE2E
	}
	pricer, err := o.spillPricer()
	if err != nil {
		return nil, err
	}
	src, sizes, err := o.workload(ctx, &set)
	if err != nil {
		return nil, err
	}
	var pred *Prediction
	var svc simulate.Service
	if (o.Model != "" || o.ModelFile != "") && o.Bench == "" {
		pred, err = o.predict(ctx, sizes)
		if err != nil {
			return nil, err
		}
		svc, err = pred.service(1)
	} else {
		svc, err = o.service(&set)
	}
	if err != nil {
		return nil, err
	}
	o.progress("replaying the workload")
	rep, err := o.replay(src, svc, pricer)
	if err != nil {
		return nil, err
	}
	rep.Settings = set
	if pred != nil {
		rep.Prediction = pred
		o.progress("replaying it at the prediction's low and high speeds")
		if err := o.replayBand(&rep, pred, src, pricer); err != nil {
			return nil, err
		}
	}
	rep.Energy = o.energy(rep.Result, pred)
	if rep.Overloaded, rep.Warning = overloaded(rep.Result); rep.Overloaded {
		o.say("warning: " + rep.Warning)
	}
	if rep.UnpricedSpilled > 0 {
		o.say(fmt.Sprintf("warning: %d spilled requests have no price (give --cloud-model); left out of spill_cost_usd", rep.UnpricedSpilled))
	}
	return &rep, nil
}

// energy prices the replicas' power over the run: each draws the active
// watts while it serves anything and the idle watts otherwise. Without
// --active-watts the catalog TDP of predicted hardware is used; without
// either, there is no energy figure.
func (o *Options) energy(res simulate.Result, pred *Prediction) *Energy {
	r := &Energy{ActiveWatts: o.ActiveWatts, IdleWatts: o.IdleWatts, Source: "--active-watts", USDPerKWh: o.Electricity}
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
func (o *Options) spillPricer() (*pricing.Pricer, error) {
	if o.Policy != "spill" {
		return nil, nil
	}
	t, err := pricing.EmbeddedWith(o.Prices)
	if err != nil {
		if o.Prices != "" {
			err = fmt.Errorf("--prices: %w", err)
		}
		return nil, err
	}
	pricer := pricing.NewPricer(t)
	if o.CloudModel != "" {
		if _, _, ok := pricer.Lookup(o.CloudModel); !ok {
			return nil, flagErrorf("unknown --cloud-model %q: see plan prices", o.CloudModel)
		}
	}
	return pricer, nil
}

// requestSizes are the mean prompt and output tokens of a workload.
type requestSizes struct{ prompt, output float64 }

// workload builds the arrivals: a replay of --usage or a synthetic stream.
func (o *Options) workload(ctx context.Context, set *Settings) (func() simulate.Source, requestSizes, error) {
	if len(o.Usage) > 0 {
		set.Workload, set.Usage = "usage", o.Usage
		r, err := readReplay(ctx, o)
		if err != nil {
			return nil, requestSizes{}, err
		}
		set.Start, set.Hours = r.start.UTC().Format(time.RFC3339), o.Hours
		return r.source, r.sizes, nil
	}
	set.Workload = "synthetic"
	set.Rate, set.Burstiness, set.Duration = o.Rate, o.Burstiness, o.Duration.Seconds()
	set.PromptTokens, set.OutputTokens = o.PromptTokens, o.OutputTokens
	hourly, err := dailyProfile(o.Daily)
	if err != nil {
		return nil, requestSizes{}, err
	}
	a := simulate.Arrivals{
		Rate: o.Rate, Duration: o.Duration.Seconds(), Shape: o.Burstiness, Seed: o.Seed,
		PromptTokens: o.PromptTokens, OutputTokens: o.OutputTokens, Hourly: hourly,
	}
	set.Daily = roundedWeights(hourly)
	if _, err := simulate.NewGenerator(a); err != nil {
		return nil, requestSizes{}, flagErrorf("%v", err)
	}
	src := func() simulate.Source {
		g, _ := simulate.NewGenerator(a)
		return g
	}
	return src, requestSizes{float64(o.PromptTokens), float64(o.OutputTokens)}, nil
}

// dailyProfile reads --daily: a named profile or 24 hourly weights.
func dailyProfile(s string) ([]float64, error) {
	if w, ok := simulate.DailyProfiles[strings.TrimSpace(s)]; ok {
		return w, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 24 {
		return nil, flagErrorf("invalid --daily %q: want flat, office, or 24 comma-separated hourly weights", s)
	}
	w := make([]float64, 24)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) {
			return nil, flagErrorf("invalid --daily weight %q for hour %d: want a non-negative number", p, i)
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
func (o *Options) replay(newSource func() simulate.Source, svc simulate.Service, pricer *pricing.Pricer) (Report, error) {
	cfg := simulate.Config{Replicas: o.Replicas, Slots: o.Slots, QueueLimit: o.QueueLimit, Service: svc, Done: o.done}
	if o.Policy == "spill" {
		cfg.Policy = simulate.SLOSpill{TTFT: o.SLOTTFT, E2E: o.SLOE2E, Service: svc}
	}
	res, err := simulate.Run(cfg, newSource())
	if err != nil {
		return Report{}, err
	}
	rep := Report{Result: res}
	if cfg.Policy != nil {
		rep.SpillCostUSD, rep.UnpricedSpilled = spillCost(res.SpilledByModel, pricer, o.CloudModel)
	}
	return rep, nil
}

// service builds the service model from --bench or the speed flags.
func (o *Options) service(set *Settings) (simulate.Service, error) {
	if o.Bench == "" {
		set.DecodeTPS, set.PrefillTPS = o.DecodeTPS, o.PrefillTPS
		return tokenRateService{decode: o.DecodeTPS, prefill: o.PrefillTPS}, nil
	}
	sums, err := bench.ReadSummaries(o.Bench, func(s string) { o.say("warning: " + s) })
	if err != nil {
		return nil, err
	}
	model, points, err := simulate.CurveFromSummaries(sums, o.Model)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Bench, err)
	}
	svc, err := simulate.NewCurveService(points)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Bench, err)
	}
	set.Bench, set.Model, set.Curve = o.Bench, model, points
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

// spillCost prices the spilled tokens at cloud (or at each request's own
// model when cloud is empty) and counts the spilled requests it could not
// price.
func spillCost(spilled map[string]simulate.SpillCount, pr *pricing.Pricer, cloud string) (usd float64, unpriced int) {
	if cloud != "" {
		var sum pricing.Tokens
		n := 0
		for _, c := range spilled {
			sum.InputUncached += c.PromptTokens
			sum.Output += c.OutputTokens
			n += c.Requests
		}
		c, _, ok := pr.Cost(cloud, sum, pricing.Terms{})
		if !ok {
			return 0, n
		}
		return c.TotalUSD, 0
	}
	for name, c := range spilled {
		cost, _, ok := pr.Cost(name, pricing.Tokens{InputUncached: c.PromptTokens, Output: c.OutputTokens}, pricing.Terms{})
		if name == "" || !ok {
			unpriced += c.Requests
			continue
		}
		usd += cost.TotalUSD
	}
	return usd, unpriced
}
