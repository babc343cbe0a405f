// Command throughput-check fits the throughput model's constants to the
// published llama.cpp measurements of simulate/testdata/throughput (the
// community scoreboards of LLaMA-2-7B and XiongjieDai's Llama-3 tables),
// and prints the model's error per device class beside the targets: in
// sample, with each device left out of the fit, the share of measurements
// inside the printed band, and the error of the model before these
// constants (one efficiency for every device, no fixed cost). With -write
// it rewrites data/throughput/constants.json from the fit; without, it
// fails when that file differs from the fit.
//
// Run it from the repository root: go run ./scripts/throughput-check
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/plan-cli/plan/data"
	"github.com/plan-cli/plan/simulate"
)

const constantsPath = "data/throughput/constants.json"

func main() {
	write := flag.Bool("write", false, "rewrite "+constantsPath+" from the fit")
	flag.Parse()
	if err := run(os.Stdout, *write); err != nil {
		fmt.Fprintln(os.Stderr, "throughput-check:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, write bool) error {
	set, err := simulate.ReadPublished(filepath.Join("simulate", "testdata", "throughput"))
	if err != nil {
		return err
	}
	k, checks := simulate.FitWithBands(set.Measurements)
	k.Source = "fitted by scripts/throughput-check -write to " + simulate.ScoreboardsFile + " and " + simulate.XiongjieDaiFile +
		" (simulate/testdata/throughput: llama.cpp discussions #4167, #15013, #15021, #10879; XiongjieDai/GPU-Benchmarks-on-LLM-Inference)"
	out, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return err
	}
	out = append(out, '\n')
	if write {
		if err := os.WriteFile(constantsPath, out, 0o644); err != nil {
			return err
		}
	} else if !bytes.Equal(out, data.ThroughputConstantsJSON()) {
		return fmt.Errorf("%s is not the fit of the measurements: run go run ./scripts/throughput-check -write", constantsPath)
	}
	fmt.Fprintf(w, "%d published measurements; %d of devices the catalog lacks are left out; %d prefill cases of estimated compute not checked\n\n",
		len(set.Measurements)+set.NoDevice, set.NoDevice, len(set.Measurements)-len(checks))
	report(w, k, checks, true)
	report(w, k, checks, false)
	quants(w, k)
	return nil
}

// errors by class: predicted / measured - 1 in sample, left out and
// before, and whether the left-out ratio fell inside the class's band.
type classErrors struct {
	in, out, before []float64
	inside          int
}

func report(w io.Writer, k simulate.ThroughputConstants, checks []simulate.ThroughputCheck, decode bool) {
	title := "decode (targets on the scoreboards: median |error| <= 10%, no case beyond ±35%; left out within 1.5x of in sample)"
	if !decode {
		title = "prefill (target on the scoreboards: median |error| <= 20%; left out within 1.5x of in sample)"
	}
	fmt.Fprintln(w, title)
	fmt.Fprintf(w, "%-22s %5s %22s %22s %8s %22s\n", "device class", "cases", "in sample: median worst", "left out: median worst", "in band", "before: median worst")
	byClass := map[string]*classErrors{}
	scoreboards, total := &classErrors{}, &classErrors{}
	for _, c := range checks {
		if c.Case.Decode != decode {
			continue
		}
		e := byClass[c.Class]
		if e == nil {
			e = &classErrors{}
			byClass[c.Class] = e
		}
		for _, x := range []*classErrors{e, total, scoreboards} {
			if x == scoreboards && c.Case.Source == "XiongjieDai/GPU-Benchmarks-on-LLM-Inference" {
				continue
			}
			x.add(k, c)
		}
	}
	classes := make([]string, 0, len(byClass))
	for class := range byClass {
		classes = append(classes, class)
	}
	slices.Sort(classes)
	for _, class := range classes {
		byClass[class].row(w, class)
	}
	scoreboards.row(w, "scoreboards")
	total.row(w, "all")
	fmt.Fprintln(w)
}

func (e *classErrors) add(k simulate.ThroughputConstants, c simulate.ThroughputCheck) {
	e.in = append(e.in, 1/c.InSample-1)
	e.out = append(e.out, 1/c.LeftOut-1)
	e.before = append(e.before, before(c)-1)
	b := k.Efficiency(c.Class).DecodeBand
	if !c.Case.Decode {
		b = k.Efficiency(c.Class).PrefillBand
	}
	if c.LeftOut >= b.Low && c.LeftOut <= b.High {
		e.inside++
	}
}

// before is predicted / measured of the model before the fitted constants.
func before(c simulate.ThroughputCheck) float64 {
	old := c.Case.Model
	old.Bytes, old.TokenBytes = 0, 0 // whole-file bits per weight, as before
	p := simulate.Predict(old, c.Case.GPU.Hardware(), c.Case.Context, 1, simulate.DefaultEfficiency())
	if c.Case.Decode {
		return p.DecodeTPS / c.Case.TPS
	}
	return p.PrefillTPS / c.Case.TPS
}

func (e *classErrors) row(w io.Writer, name string) {
	fmt.Fprintf(w, "%-22s %5d %22s %22s %7.0f%% %22s\n", name, len(e.in), summary(e.in), summary(e.out),
		100*float64(e.inside)/float64(len(e.in)), summary(e.before))
}

// summary is the median absolute error and the worst errors each way.
func summary(errs []float64) string {
	abs := make([]float64, len(errs))
	lo, hi := 0.0, 0.0
	for i, e := range errs {
		abs[i] = math.Abs(e)
		lo, hi = math.Min(lo, e), math.Max(hi, e)
	}
	slices.Sort(abs)
	med := abs[len(abs)/2]
	if len(abs)%2 == 0 {
		med = (abs[len(abs)/2-1] + abs[len(abs)/2]) / 2
	}
	return fmt.Sprintf("%5.1f%% %+5.0f%%/%+4.0f%%", 100*med, 100*lo, 100*hi)
}

func quants(w io.Writer, k simulate.ThroughputConstants) {
	fmt.Fprintln(w, "fitted constants")
	for _, v := range []string{"Apple", "NVIDIA", "AMD", simulate.ClassOther} {
		fmt.Fprintf(w, "  fixed time per decode step, %-6s %.2f ms\n", v, 1000*k.FixedSeconds[v])
	}
	classes := make([]string, 0, len(k.Classes))
	for c := range k.Classes {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	for _, c := range classes {
		cc := k.Classes[c]
		fmt.Fprintf(w, "  %-22s bandwidth %.2f compute %.2f  decode band %.2f-%.2f  prefill band %.2f-%.2f  (%d devices)\n",
			c, cc.Bandwidth, cc.Compute, cc.DecodeBand.Low, cc.DecodeBand.High, cc.PrefillBand.Low, cc.PrefillBand.High, cc.Devices)
	}
	qs := make([]string, 0, len(k.Quants))
	for q := range k.Quants {
		qs = append(qs, q)
	}
	slices.Sort(qs)
	for _, q := range qs {
		fmt.Fprintf(w, "  %-8s decode x%.2f  prefill x%.2f (time beyond F16 per byte, per weight)\n", q, k.Quants[q].Decode, k.Quants[q].Prefill)
	}
}
