// Command throughput-check predicts every published llama.cpp measurement
// of simulate/testdata/throughput (the community scoreboards of LLaMA-2-7B
// and the Llama-3 tables of XiongjieDai's GPU benchmarks) with the
// throughput model and the catalog, and prints the error per device class
// beside the targets: decode median |error| at most 10% and no case beyond
// ±35%, prefill median at most 20%.
//
// Run it from the repository root: go run ./scripts/throughput-check
package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/plan-cli/plan/simulate"
)

// measurement is one published speed.
type measurement struct {
	device, catalog, model, quant string
	decode                        bool // tg (decode) or pp (prefill)
	context                       int  // mean context while decoding
	tps                           float64
}

// shapes are the models the measurements are of.
var shapes = map[string]simulate.ModelShape{
	"LLaMA-2-7B": {Name: "LLaMA-2-7B", Params: 6_738_415_616, Layers: 32, KVHeads: 32, HeadDim: 128},
	"Llama-3-8B": {Name: "Llama-3-8B", Params: 8_030_261_248, Layers: 32, KVHeads: 8, HeadDim: 128},
}

func main() {
	dir := filepath.Join("simulate", "testdata", "throughput")
	ms, err := readScoreboards(filepath.Join(dir, "llamacpp_scoreboards_llama2_7b.csv"))
	if err == nil {
		var more []measurement
		more, err = readXiongjieDai(filepath.Join(dir, "llamacpp_bench_llama3.csv"))
		ms = append(ms, more...)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "throughput-check:", err)
		os.Exit(1)
	}
	report(os.Stdout, ms)
}

// byClass are the signed errors (predicted / measured - 1) by device class.
type byClass map[string][]float64

func report(w io.Writer, ms []measurement) {
	dec, pre := byClass{}, byClass{}
	missing, unpredictable := 0, 0
	for _, m := range ms {
		g, ok := simulate.LookupGPU(m.catalog)
		shape, known := shapes[m.model]
		bits, quantKnown := simulate.BitsPerWeight(m.quant)
		if !ok || !known || !quantKnown {
			missing++
			continue
		}
		shape.BitsPerWeight, shape.Quant = bits, m.quant
		p := simulate.Predict(shape, g.Hardware(), m.context, 1, simulate.DefaultEfficiency())
		class := deviceClass(g)
		switch {
		case m.decode:
			dec[class] = append(dec[class], p.DecodeTPS/m.tps-1)
		case p.PrefillTPS > 0:
			pre[class] = append(pre[class], p.PrefillTPS/m.tps-1)
		default:
			unpredictable++
		}
	}
	fmt.Fprintf(w, "%d published measurements; %d of devices, models or types the catalog lacks are left out\n\n", len(ms), missing)
	table(w, "decode (target: median |error| <= 10%, no case beyond ±35%)", dec)
	table(w, fmt.Sprintf("prefill (target: median |error| <= 20%%; %d cases not predicted: no compute figure)", unpredictable), pre)
}

func table(w io.Writer, title string, errs byClass) {
	fmt.Fprintf(w, "%s\n%-22s %5s %14s %9s %9s\n", title, "device class", "cases", "median |error|", "worst -", "worst +")
	var all []float64
	classes := make([]string, 0, len(errs))
	for c := range errs {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	for _, c := range classes {
		row(w, c, errs[c])
		all = append(all, errs[c]...)
	}
	row(w, "all", all)
	fmt.Fprintln(w)
}

func row(w io.Writer, name string, errs []float64) {
	abs := make([]float64, len(errs))
	lo, hi := 0.0, 0.0
	for i, e := range errs {
		abs[i] = math.Abs(e)
		lo, hi = math.Min(lo, e), math.Max(hi, e)
	}
	fmt.Fprintf(w, "%-22s %5d %13.1f%% %9s %9s\n", name, len(errs), 100*median(abs), signed(lo), signed(hi))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// deviceClass groups devices whose kernels reach a like share of their
// nominal figures: Apple chips by tier, NVIDIA GeForce apart from
// workstation and datacenter cards, AMD apart.
func deviceClass(g simulate.GPU) string {
	switch {
	case g.Vendor == "Apple":
		for _, tier := range []string{"Ultra", "Max", "Pro"} {
			if strings.Contains(g.Name, tier) {
				return "Apple " + tier
			}
		}
		return "Apple base"
	case g.Vendor == "NVIDIA" && g.Class == "consumer":
		return "NVIDIA GeForce"
	case g.Vendor == "NVIDIA":
		return "NVIDIA pro/datacenter"
	}
	return g.Vendor + " " + g.Class
}

// readScoreboards reads source,device,catalog,model,quant,test,tokens_per_second.
func readScoreboards(path string) ([]measurement, error) {
	recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	var out []measurement
	for i, r := range recs[1:] {
		if len(r) != 7 {
			return nil, fmt.Errorf("%s: row %d has %d fields, want 7", path, i+2, len(r))
		}
		tps, err := strconv.ParseFloat(r[6], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: row %d: %v", path, i+2, err)
		}
		m := measurement{device: r[1], catalog: r[2], model: r[3], quant: r[4], tps: tps}
		switch r[5] {
		case "tg128":
			m.decode, m.context = true, 64
		case "pp512":
		default:
			return nil, fmt.Errorf("%s: row %d: test %q, want tg128 or pp512", path, i+2, r[5])
		}
		out = append(out, m)
	}
	return out, nil
}

// readXiongjieDai reads device,model,quant,tg512_tps,pp512_tps.
func readXiongjieDai(path string) ([]measurement, error) {
	recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	var out []measurement
	for i, r := range recs[1:] {
		if len(r) != 5 {
			return nil, fmt.Errorf("%s: row %d has %d fields, want 5", path, i+2, len(r))
		}
		tg, err1 := strconv.ParseFloat(r[3], 64)
		pp, err2 := strconv.ParseFloat(r[4], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: row %d: bad speeds %q, %q", path, i+2, r[3], r[4])
		}
		out = append(out,
			measurement{device: r[0], catalog: r[0], model: r[1], quant: r[2], decode: true, context: 256, tps: tg},
			measurement{device: r[0], catalog: r[0], model: r[1], quant: r[2], tps: pp})
	}
	return out, nil
}

func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("%s: no measurements", path)
	}
	return recs, nil
}

// signed is an error as a signed percentage, "-" for none.
func signed(e float64) string {
	if e == 0 {
		return "-"
	}
	return fmt.Sprintf("%+.0f%%", 100*e)
}
