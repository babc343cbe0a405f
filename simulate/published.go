package simulate

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// Published is one published llama.cpp speed of a model on a device: what
// the throughput model's constants are fitted to and checked against.
type Published struct {
	Source  string // where it was published
	Device  string // the device as the source names it
	GPU     GPU    // its catalog entry
	Model   ModelShape
	Decode  bool    // a decode (tg) speed; otherwise a prompt (pp512) speed
	Context int     // mean context while decoding
	TPS     float64 // tokens/s
}

// PublishedSet is what ReadPublished found: the measurements it can use
// and how many it left out because the catalog lacks their device.
type PublishedSet struct {
	Measurements []Published
	NoDevice     int
}

// The files of published measurements under a directory, and the shapes of
// the models they measure (meta-llama/llama-models sku_list.py).
const (
	ScoreboardsFile = "llamacpp_scoreboards_llama2_7b.csv"
	XiongjieDaiFile = "llamacpp_bench_llama3.csv"
)

var publishedModels = map[string]OpenModel{
	"LLaMA-2-7B":  {Tag: "LLaMA-2-7B", Params: 6_738_415_616, Layers: 32, KVHeads: 32, HeadDim: 128, Hidden: 4096, Vocab: 32000},
	"Llama-3-8B":  {Tag: "Llama-3-8B", Params: 8_030_261_248, Layers: 32, KVHeads: 8, HeadDim: 128, Hidden: 4096, Vocab: 128256},
	"Llama-3-70B": {Tag: "Llama-3-70B", Params: 70_553_706_496, Layers: 80, KVHeads: 8, HeadDim: 128, Hidden: 8192, Vocab: 128256},
}

// ReadPublished reads llama.cpp's community scoreboards of LLaMA-2-7B
// (ScoreboardsFile: source, device, catalog, model, quant, test,
// tokens_per_second) and XiongjieDai's Llama-3 tables (XiongjieDaiFile:
// device, model, quant, tg512_tps, pp512_tps) from dir.
func ReadPublished(dir string) (PublishedSet, error) {
	var set PublishedSet
	recs, err := readPublishedCSV(filepath.Join(dir, ScoreboardsFile), 7)
	if err != nil {
		return set, err
	}
	for _, r := range recs {
		p := Published{Source: r.cells[0], Device: r.cells[1], Decode: r.cells[5] == "tg128", Context: 64}
		if r.cells[5] != "tg128" && r.cells[5] != "pp512" {
			return set, fmt.Errorf("%s line %d: test %q, want tg128 or pp512", r.path, r.line, r.cells[5])
		}
		if err := set.add(p, r, r.cells[2], r.cells[3], r.cells[4], r.cells[6]); err != nil {
			return set, err
		}
	}
	recs, err = readPublishedCSV(filepath.Join(dir, XiongjieDaiFile), 5)
	if err != nil {
		return set, err
	}
	for _, r := range recs {
		src := "XiongjieDai/GPU-Benchmarks-on-LLM-Inference"
		tg := Published{Source: src, Device: r.cells[0], Decode: true, Context: 256}
		pp := Published{Source: src, Device: r.cells[0]}
		for _, x := range []struct {
			p   Published
			tps string
		}{{tg, r.cells[3]}, {pp, r.cells[4]}} {
			if err := set.add(x.p, r, r.cells[0], r.cells[1], r.cells[2], x.tps); err != nil {
				return set, err
			}
		}
	}
	return set, nil
}

// add completes p with its catalog device, model and speed and keeps it;
// a device the catalog lacks is counted, not kept.
func (set *PublishedSet) add(p Published, r publishedRow, device, model, quant, tps string) error {
	om, ok := publishedModels[model]
	if !ok {
		return fmt.Errorf("%s line %d: unknown model %q", r.path, r.line, model)
	}
	shape, err := om.Shape(quant)
	if err != nil {
		return fmt.Errorf("%s line %d: %v", r.path, r.line, err)
	}
	v, err := strconv.ParseFloat(tps, 64)
	if err != nil || v <= 0 {
		return fmt.Errorf("%s line %d: speed %q is not a positive number", r.path, r.line, tps)
	}
	p.Model, p.TPS = shape, v
	g, ok := LookupGPU(device)
	if device == "" || !ok {
		set.NoDevice++
		return nil
	}
	p.GPU = g
	set.Measurements = append(set.Measurements, p)
	return nil
}

type publishedRow struct {
	path  string
	line  int
	cells []string
}

// readPublishedCSV reads the data rows (after the header) of a CSV file
// with # comments, each of n fields.
func readPublishedCSV(path string, n int) ([]publishedRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = n
	var rows []publishedRow
	for header := true; ; header = false {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if header {
			continue
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, publishedRow{path, line, rec})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no measurements", path)
	}
	return rows, nil
}
