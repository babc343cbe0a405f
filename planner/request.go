package planner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/plan-cli/plan/data"
	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/pricing/spend"
	"github.com/plan-cli/plan/pricing/usage"
)

// Request is everything a plan is made from, as the user gave it: the
// files to read, the hardware, and the rules. Make joins them into a
// Report; Shortlist ranks the models alone.
type Request struct {
	// Usage are the cloud usage exports; none means the example data.
	Usage []string
	Read  usage.Options
	// Prices is the price table the usage is priced with.
	Prices *pricing.Table
	// Bench is a plan benchmark results file: measured speeds.
	Bench string
	// Calibration is this machine's calibration file; CalibrationGiven
	// says the user named it, so that it must be readable.
	Calibration      string
	CalibrationGiven bool
	Hardware         HardwareSpec
	RAMGB            float64 // free system memory; 0: this machine's
	// OllamaHost is the server whose installed models are read ("" none).
	OllamaHost string
	// HardwareCost is what the hardware costs (-1: the catalog's price).
	HardwareCost float64
	ActiveWatts  float64 // 0: the catalog's
	IdleWatts    float64 // -1: 60 W with a GPU, else 30 W
	// Costs are the money figures; HardwareUSD is filled in.
	Costs CostInputs

	ShareLocal  float64 // -1: the computed split
	TasksFile   string
	Quality     []string // MODEL=SCORE
	QualityFile string
	Tolerance   float64
	SLOTTFT     float64
	SLOE2E      float64
	MinTPS      float64
	Context     int // 0: from the requests
	Parallel    int
	Top         int
	Seed        uint64

	// Version is the version of plan, written into the report.
	Version string
	// Now is the clock.
	Now func() time.Time
	// Warned is called with the read's figures once the usage is read.
	Warned func(usage.Stats)
	// Say tells the user something on the way (a line, no newline).
	Say func(string)
	// Progress, when set, is told what the planner is doing.
	Progress func(string)
}

// planning is one plan under way: the request, its probes, and the notes
// gathered while resolving the inputs.
type planning struct {
	Request
	probes Probes
	notes  []string
	done   <-chan struct{}
	// serverURL is the Ollama server whose models were read.
	serverURL string
}

// Make reads the inputs and builds the plan.
func Make(ctx context.Context, r Request, p Probes) (*Report, error) {
	pl := &planning{Request: r, probes: detectOnce(p), done: ctx.Done()}
	return pl.make(ctx)
}

func (pl *planning) make(ctx context.Context) (*Report, error) {
	files, example, cleanup, err := pl.usageFiles()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	pl.progress(fmt.Sprintf("reading %d usage files", len(files)))
	tr, err := ReadTraffic(ctx, files, pl.Read, spend.NewTablePricer(pl.Prices))
	if err != nil {
		return nil, err
	}
	pl.warned(tr.Stats)
	if tr.PeriodNote != "" {
		pl.say("warning: " + tr.PeriodNote)
	}
	pl.progress("sizing the hardware")
	target, err := pl.target(ctx)
	if err != nil {
		return nil, err
	}
	in, err := pl.inputs(tr, target)
	if err != nil {
		return nil, err
	}
	pl.progress("placing the models and replaying the traffic on them")
	rep, err := Build(in)
	if err != nil {
		return nil, err
	}
	pl.finish(rep, example, tr.Unpriced)
	return rep, nil
}

// finish fills in what the report says about its own making.
func (pl *planning) finish(rep *Report, example bool, unpriced int64) {
	rep.ExampleData = example
	rep.PlanVersion = pl.Version
	rep.OllamaURL = pl.serverURL
	rep.Usage.Files = pl.Usage
	if example {
		rep.Usage.Files = []string{"example: " + data.ExampleUsageName}
		for i := range rep.Usage.Sources {
			rep.Usage.Sources[i].File = rep.Usage.Files[0] // not the temporary copy's path
		}
	}
	rep.Sources = reportSources(pl.Prices, example)
	rep.Notes = append(pl.notes, rep.Notes...)
	if unpriced > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d requests of models with no price are left out of the spend", unpriced))
	}
}

func (pl *planning) progress(s string) {
	if pl.Progress != nil {
		pl.Progress(s)
	}
}

func (pl *planning) say(s string) {
	if pl.Say != nil {
		pl.Say(s)
	}
}

func (pl *planning) warned(s usage.Stats) {
	if pl.Warned != nil {
		pl.Warned(s)
	}
}

// usageFiles returns the usage files, or the example export written to a
// temporary directory.
func (pl *planning) usageFiles() (files []string, example bool, cleanup func(), err error) {
	if len(pl.Usage) > 0 {
		return pl.Usage, false, func() {}, nil
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

// inputs gathers the planner's inputs from the request.
func (pl *planning) inputs(tr *Traffic, target Target) (Inputs, error) {
	costs := pl.Costs
	costs.HardwareUSD = target.PriceUSD
	in := Inputs{
		Traffic: tr, Target: target, ContextTokens: pl.Context, MaxParallel: pl.Parallel,
		MinDecodeTPS: pl.MinTPS, Top: pl.Top, Costs: costs, Generated: pl.now(),
		Route: RouteRule{
			Quality: QualityRule{Tolerance: pl.Tolerance}, SLOTTFT: pl.SLOTTFT, SLOE2E: pl.SLOE2E,
			ShareLocal: pl.ShareLocal, Seed: pl.Seed, Done: pl.done,
		},
	}
	var err error
	if in.Route.Tasks, err = pl.tasks(); err != nil {
		return in, err
	}
	if in.Speeds, err = pl.speeds(); err != nil {
		return in, err
	}
	in.Quality, err = pl.qualityRows()
	return in, err
}

func (pl *planning) now() time.Time {
	if pl.Now == nil {
		return time.Time{}
	}
	return pl.Now()
}

// tasks reads the task-class mapping: the user's file, or the example
// data's own.
func (pl *planning) tasks() (TaskMap, error) {
	switch {
	case pl.TasksFile != "":
		raw, err := os.ReadFile(pl.TasksFile)
		if err != nil {
			return TaskMap{}, fmt.Errorf("--tasks: %w", err)
		}
		return ParseTaskMap(raw, pl.TasksFile)
	case len(pl.Usage) == 0:
		return ParseTaskMap(data.ExampleTasks(), "example "+data.ExampleTasksName)
	}
	return TaskMap{}, nil
}

// qualityRows are the user's own quality scores.
func (pl *planning) qualityRows() ([]QualityRow, error) {
	var rows []QualityRow
	for _, s := range pl.Quality {
		r, err := ParseQualityScore(s)
		if err != nil {
			return nil, flagErrorf("invalid --quality %v", err)
		}
		rows = append(rows, r)
	}
	if pl.QualityFile == "" {
		return rows, nil
	}
	return readQualityFile(rows, pl.QualityFile)
}

func readQualityFile(rows []QualityRow, path string) ([]QualityRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--quality-file: %w", err)
	}
	defer f.Close()
	more, err := ParseQuality(f)
	if err != nil {
		return nil, fmt.Errorf("--quality-file %s: %w", path, err)
	}
	for i := range more {
		if more[i].ArenaSnapshot == "" {
			more[i].ArenaSnapshot = UserScoreSource
		}
	}
	return append(rows, more...), nil
}

// reportSources names the catalogs and tables the report used.
func reportSources(table *pricing.Table, example bool) []Source {
	var out []Source
	if len(table.Sources) > 0 {
		out = append(out, Source{What: "cloud prices", From: pricing.SourcesLine(table.Sources)})
	}
	for _, c := range []struct {
		what string
		prov func() (data.Provenance, error)
	}{
		{"open models", data.ModelsProvenance}, {"quality scores", data.QualityProvenance},
		{"quantization cost", data.QuantsProvenance}, {"GPUs", data.GPUsProvenance},
	} {
		if p, err := c.prov(); err == nil {
			out = append(out, Source{What: c.what, From: p.Source, Date: p.Date})
		}
	}
	if example {
		out = append(out, Source{What: "usage", From: "EXAMPLE DATA shipped with plan: a made-up team's October 2026 with its task classes by project, not your usage", Date: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)})
	}
	return out
}
