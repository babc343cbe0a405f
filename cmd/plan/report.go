package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/plan-cli/plan/data"
	"github.com/plan-cli/plan/planner"
	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/pricing/spend"
	"github.com/plan-cli/plan/pricing/usage"
)

// reportOptions are the settings of one plan report (and plan recommend).
type reportOptions struct {
	usage       []string
	inputFormat string
	prices      string
	bench       string
	hw          hardwareOptions
	// calibrationFile is this machine's calibration (plan benchmark
	// --calibrate), used when the hardware is this machine.
	calibrationFile  string
	calibrationGiven bool // --calibration named the file
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

	// notes are said about the hardware while resolving it.
	notes []string
	// done stops the plan's replays when the command is interrupted.
	done <-chan struct{}
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
	f.StringVar(&o.ollamaHost, "ollama", "", "read the models installed on this Ollama `server` (e.g. 127.0.0.1:11434): their real architecture and size replace the catalog's")
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
	f.Float64Var(&o.sloTTFT, "slo-ttft", 5, "latency target: most expected time to first token, in `seconds`, before a request spills to the cloud (0 = none)")
	f.Float64Var(&o.sloE2E, "slo-e2e", 0, "latency target: most expected end-to-end time, in `seconds` (0 = none)")
	f.Float64Var(&o.minTPS, "min-tps", planner.DefaultMinDecodeTPS, "decode `tokens/s` each request needs; slower models are not recommended")
	f.IntVar(&o.context, "context", 0, "context per request in `tokens` (default: tried from the p95 of the real requests)")
	f.IntVar(&o.parallel, "parallel", 4, "most parallel requests per model (OLLAMA_NUM_PARALLEL)")
	f.IntVar(&o.top, "top", 10, "recommendations listed")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the replayed arrivals")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this `file` (atomically) instead of stdout")
	f.StringVar(&o.litellm, "litellm-config", "", "also write a LiteLLM proxy config (model_list with local models and cloud fallbacks) to this `file`")
	f.StringVar(&o.ollamaEn, "ollama-env", "", "also write the Ollama server environment of the plan to this `file`")
}

func (o *reportOptions) validate() error {
	if err := o.hw.validate(); err != nil {
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
	o.done = ctx.Done()
	table, err := priceTable(o.prices)
	if err != nil {
		return nil, err
	}
	files, example, cleanup, err := o.usageFiles()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	warn := newWarnings(e)
	tr, err := planner.ReadTraffic(ctx, files, usage.Options{Format: o.inputFormat, Stdin: e.stdin, Warn: warn.add}, spend.NewTablePricer(table))
	if err != nil {
		return nil, err
	}
	warn.summary(tr.Stats)
	if tr.PeriodNote != "" {
		fmt.Fprintln(e.stderr, "plan: warning: "+tr.PeriodNote)
	}
	target, err := o.target(ctx, e)
	if err != nil {
		return nil, err
	}
	in, err := o.inputs(tr, target)
	if err != nil {
		return nil, err
	}
	rep, err := planner.Build(in)
	if err != nil {
		return nil, err
	}
	rep.ExampleData = example
	rep.PlanVersion = version
	rep.OllamaURL = o.ollamaURL()
	rep.Usage.Files = o.usage
	if example {
		rep.Usage.Files = []string{"example: " + data.ExampleUsageName}
	}
	rep.Sources = reportSources(table, example)
	rep.Notes = append(o.notes, rep.Notes...)
	if tr.Unpriced > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d requests of models with no price are left out of the spend", tr.Unpriced))
	}
	return rep, nil
}

// usageFiles returns the --usage files, or the example export written to a
// temporary directory.
func (o *reportOptions) usageFiles() (files []string, example bool, cleanup func(), err error) {
	if len(o.usage) > 0 {
		return o.usage, false, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "plan-example-")
	if err != nil {
		return nil, false, nil, err
	}
	path := filepath.Join(dir, data.ExampleUsageName)
	if err := os.WriteFile(path, data.ExampleUsage(), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, false, nil, err
	}
	return []string{path}, true, func() { os.RemoveAll(dir) }, nil
}

// inputs gathers the planner's inputs from the flags.
func (o *reportOptions) inputs(tr *planner.Traffic, target planner.Target) (planner.Inputs, error) {
	in := planner.Inputs{
		Traffic: tr, Target: target, ContextTokens: o.context, MaxParallel: o.parallel,
		MinDecodeTPS: o.minTPS, Top: o.top,
		Route: planner.RouteRule{
			Quality: planner.QualityRule{Tolerance: o.tolerance}, SLOTTFT: o.sloTTFT, SLOE2E: o.sloE2E,
			ShareLocal: o.shareLocal, Seed: o.seed, Done: o.done,
		},
		Costs: planner.CostInputs{
			HardwareUSD: target.PriceUSD, LifeMonths: o.lifeMonths, ResaleUSD: o.resale,
			MaintenanceUSDPerMonth: o.maintenance, ElectricityUSDPerKWh: o.electricity,
			CloudPriceChangePerYear: o.priceChange, UsageGrowthPerYear: o.growth, HorizonMonths: o.months,
		},
	}
	switch {
	case o.tasks != "":
		raw, err := os.ReadFile(o.tasks)
		if err != nil {
			return in, fmt.Errorf("--tasks: %w", err)
		}
		m, err := planner.ParseTaskMap(raw, o.tasks)
		if err != nil {
			return in, err
		}
		in.Route.Tasks = m
	case len(o.usage) == 0:
		// The example data comes with its own task classes.
		m, err := planner.ParseTaskMap(data.ExampleTasks(), "example "+data.ExampleTasksName)
		if err != nil {
			return in, err
		}
		in.Route.Tasks = m
	}
	speeds, err := o.speeds()
	if err != nil {
		return in, err
	}
	in.Speeds = speeds
	in.Quality, err = o.qualityRows()
	return in, err
}

// addQualityFlags adds the flags that state a model's quality.
func addQualityFlags(f *pflag.FlagSet, o *reportOptions) {
	f.StringArrayVar(&o.quality, "quality", nil, "a model's quality on the LMArena scale as `MODEL=SCORE` (a cloud model or an Ollama tag), replacing the catalog's or rating a model it lacks; repeatable")
	f.StringVar(&o.qualityFile, "quality-file", "", "a CSV `file` of quality scores with the catalog's columns (at least id, kind, lmarena_score), replacing or adding to its rows")
}

// qualityRows are the user's own quality scores.
func (o *reportOptions) qualityRows() ([]planner.QualityRow, error) {
	var rows []planner.QualityRow
	for _, s := range o.quality {
		r, err := planner.ParseQualityScore(s)
		if err != nil {
			return nil, usagef("invalid --quality %v", err)
		}
		rows = append(rows, r)
	}
	if o.qualityFile == "" {
		return rows, nil
	}
	f, err := os.Open(o.qualityFile)
	if err != nil {
		return nil, fmt.Errorf("--quality-file: %w", err)
	}
	defer f.Close()
	more, err := planner.ParseQuality(f)
	if err != nil {
		return nil, fmt.Errorf("--quality-file %s: %w", o.qualityFile, err)
	}
	for i := range more {
		if more[i].ArenaSnapshot == "" {
			more[i].ArenaSnapshot = planner.UserScoreSource
		}
	}
	return append(rows, more...), nil
}

// reportSources names the catalogs and tables the report used.
func reportSources(table *pricing.Table, example bool) []planner.Source {
	var out []planner.Source
	if len(table.Sources) > 0 {
		out = append(out, planner.Source{What: "cloud prices", From: sourcesLine(table.Sources)})
	}
	for _, c := range []struct {
		what string
		prov func() (data.Provenance, error)
	}{
		{"open models", data.ModelsProvenance}, {"quality scores", data.QualityProvenance},
		{"quantization cost", data.QuantsProvenance}, {"GPUs", data.GPUsProvenance},
	} {
		if p, err := c.prov(); err == nil {
			out = append(out, planner.Source{What: c.what, From: p.Source, Date: p.Date})
		}
	}
	if example {
		out = append(out, planner.Source{What: "usage", From: "EXAMPLE DATA shipped with plan: a made-up team's October 2026 with its task classes by project, not your usage", Date: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)})
	}
	return out
}
