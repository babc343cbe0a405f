package main

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/plan-cli/plan/planner"
	"github.com/plan-cli/plan/pricing/usage"
)

// reportOptions are the settings of one plan report (and plan recommend).
type reportOptions struct {
	usage       []string
	inputFormat string
	prices      string
	bench       string
	hw          planner.HardwareSpec
	// calibrationFile is this machine's calibration (plan benchmark
	// --calibrate), used when the hardware is this machine.
	calibrationFile string
	// ollamaHost is the Ollama server whose installed models are read.
	ollamaHost string
	ramGB      float64

	hardwareCost float64
	electricity  float64
	months       int
	lifeMonths   int
	resale       float64
	maintenance  float64
	priceChange  float64
	growth       float64
	activeWatts  float64
	idleWatts    float64

	shareLocal  float64
	tasks       string
	quality     []string
	qualityFile string
	tolerance   float64
	sloTTFT     float64
	sloE2E      float64
	minTPS      float64
	context     int
	parallel    int
	top         int
	seed        uint64

	format   string
	output   string
	litellm  string
	ollamaEn string
}

func addReportFlags(cmd *cobra.Command, o *reportOptions) {
	f := cmd.Flags()
	f.StringSliceVar(&o.usage, "usage", nil, "cloud usage exports: `files`, directories or globs, any format plan usage reads (further arguments are read too; default: the example data shipped with plan)")
	f.StringVar(&o.inputFormat, "input-format", "", "read every --usage file as this format instead of detecting it")
	addPricesFlag(cmd, &o.prices)
	f.StringVar(&o.bench, "bench", "", "plan benchmark results `file`: measured speeds for the models it holds")
	addHardwareFlags(f, &o.hw)
	f.StringVar(&o.calibrationFile, "calibration", "", "this machine's calibration `file` from plan benchmark --calibrate (default: calibration.json next to the benchmark results, when present)")
	f.Float64Var(&o.ramGB, "ram", 0, "what-if system memory free for models, in `GB` (GiB) (default: this machine's available memory)")
	addHostFlag(f, &o.ollamaHost)
	f.Float64Var(&o.hardwareCost, "hardware-cost", -1, "what the hardware costs, in `USD` (default: the catalog price of --gpu cards plus $1,200 for the rest of the machine; 0 for hardware you own)")
	f.Float64Var(&o.electricity, "electricity", 0.15, "electricity price in `USD/kWh`")
	f.IntVar(&o.months, "months", planner.DefaultHorizonMonths, "months the cost curves cover")
	f.IntVar(&o.lifeMonths, "life-months", planner.DefaultLifeMonths, "months the hardware is used before it is replaced (amortization)")
	f.Float64Var(&o.resale, "resale", 0, "what the hardware sells for at the end of its life, in `USD`")
	f.Float64Var(&o.maintenance, "maintenance", 0, "maintenance cost in `USD` per month")
	f.Float64Var(&o.priceChange, "price-change", 0, "cloud price change per year as a `fraction` (-0.3 = prices fall 30% a year)")
	f.Float64Var(&o.growth, "growth", 0, "usage growth per year as a `fraction` (0.5 = +50% a year)")
	f.Float64Var(&o.activeWatts, "active-watts", 0, "power of the machine while it serves, in `watts` (default: catalog TDP of the GPUs + 150 W, else 100 W)")
	f.Float64Var(&o.idleWatts, "idle-watts", -1, "power of the machine while idle, in `watts` (default: 60 W with a GPU, else 30 W)")
	f.Float64Var(&o.shareLocal, "share-local", -1, "what-if: move this `fraction` of every adequate model's traffic local, instead of the computed split")
	f.StringVar(&o.tasks, "tasks", "", "task-class mapping `file` (JSON) assigning classes by API key, project or model")
	addQualityFlags(f, o)
	f.Float64Var(&o.tolerance, "tolerance", planner.DefaultTolerance, "LMArena `points` a local model may score below the cloud model it replaces")
	addSLOTTFTFlag(f, &o.sloTTFT)
	f.Float64Var(&o.sloE2E, "slo-e2e", 0, "latency target: most expected end-to-end time, in `seconds` (0 = none)")
	f.Float64Var(&o.minTPS, "min-tps", planner.DefaultMinDecodeTPS, "decode `tokens/s` each request needs; slower models are not recommended")
	f.IntVar(&o.context, "context", 0, "context per request in `tokens` (default: tried from the p95 of the real requests)")
	f.IntVar(&o.parallel, "parallel", 4, "most parallel requests per model (OLLAMA_NUM_PARALLEL)")
	f.IntVar(&o.top, "top", 10, "recommendations listed")
	addSeedFlag(f, &o.seed, "seed of the replayed arrivals")
	addOutputFlag(f, &o.output)
	f.StringVar(&o.litellm, "litellm-config", "", "also write a LiteLLM proxy config (model_list with local models and cloud fallbacks) to this `file`")
	f.StringVar(&o.ollamaEn, "ollama-env", "", "also write the Ollama server environment of the plan to this `file`")
}

func (o *reportOptions) validate() error {
	if err := o.hw.Validate(); err != nil {
		return err
	}
	checks := []struct {
		bad  bool
		flag string
		want string
	}{
		{!(o.electricity >= 0) || math.IsInf(o.electricity, 0), "--electricity", "a non-negative price per kWh"},
		{o.months < 1 || o.months > 1200, "--months", "from 1 to 1200"},
		{o.lifeMonths < 1, "--life-months", "at least 1"},
		{o.resale < 0 || o.maintenance < 0, "--resale/--maintenance", "non-negative amounts"},
		{o.priceChange < -1 || o.growth < -1, "--price-change/--growth", "fractions above -1"},
		{o.shareLocal != -1 && !(o.shareLocal >= 0 && o.shareLocal <= 1), "--share-local", "a fraction from 0 to 1"},
		{o.sloTTFT < 0 || o.sloE2E < 0, "--slo-ttft/--slo-e2e", "non-negative seconds"},
		{!(o.minTPS > 0), "--min-tps", "positive"},
		{o.context < 0 || o.parallel < 1 || o.top < 1, "--context/--parallel/--top", "positive"},
		{o.ramGB < 0 || o.activeWatts < 0, "--ram/--active-watts", "non-negative"},
		{o.hardwareCost < 0 && o.hardwareCost != -1, "--hardware-cost", "a non-negative amount (0 for hardware you own)"},
		{o.idleWatts < 0 && o.idleWatts != -1, "--idle-watts", "non-negative"},
	}
	for _, c := range checks {
		if c.bad {
			return usagef("invalid %s: must be %s", c.flag, c.want)
		}
	}
	return nil
}

// plan reads the inputs and builds the plan.
func (o *reportOptions) plan(ctx context.Context, e *env) (*planner.Report, error) {
	req, err := o.request(e)
	if err != nil {
		return nil, err
	}
	line := e.progressLine()
	defer line.Clear()
	req.Progress = func(s string) { line.Show("plan: "+s, true) }
	say := req.Say
	req.Say = func(s string) { line.Clear(); say(s) }
	return planner.Make(ctx, req, probes(e))
}

// request is the planner's request from the flags.
func (o *reportOptions) request(e *env) (planner.Request, error) {
	table, err := priceTable(o.prices)
	if err != nil {
		return planner.Request{}, err
	}
	warn := newWarnings(e)
	calibration := o.calibrationFile
	if calibration == "" {
		calibration = defaultCalibrationFile(e)
	}
	return planner.Request{
		Usage: o.usage, Read: usage.Options{Format: o.inputFormat, Stdin: e.stdin, Warn: warn.add}, Prices: table,
		Bench: o.bench, Calibration: calibration, CalibrationGiven: o.calibrationFile != "",
		Hardware: o.hw, RAMGB: o.ramGB, OllamaHost: o.ollamaHost,
		HardwareCost: o.hardwareCost, ActiveWatts: o.activeWatts, IdleWatts: o.idleWatts,
		Costs: planner.CostInputs{
			LifeMonths: o.lifeMonths, ResaleUSD: o.resale, MaintenanceUSDPerMonth: o.maintenance,
			ElectricityUSDPerKWh: o.electricity, CloudPriceChangePerYear: o.priceChange,
			UsageGrowthPerYear: o.growth, HorizonMonths: o.months,
		},
		ShareLocal: o.shareLocal, TasksFile: o.tasks, Quality: o.quality, QualityFile: o.qualityFile,
		Tolerance: o.tolerance, SLOTTFT: o.sloTTFT, SLOE2E: o.sloE2E, MinTPS: o.minTPS,
		Context: o.context, Parallel: o.parallel, Top: o.top, Seed: o.seed,
		Version: version, Now: time.Now, Warned: warn.summary, Say: func(s string) { fmt.Fprintln(e.stderr, "plan: "+s) },
	}, nil
}
