package scenario

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/plan-cli/plan/hwprofile/gguf"
	"github.com/plan-cli/plan/planner"
	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/simulate"
)

// Prediction is the throughput model's answer for --model on the hardware:
// the single-stream speeds with their bounds, and the concurrency curve the
// replay uses.
type Prediction struct {
	Model        string `json:"model"`
	Quantization string `json:"quantization"`
	// ModelSource says where the model's shape comes from: the catalog,
	// a GGUF file's header, or a server's /api/show.
	ModelSource   string                `json:"model_source"`
	Hardware      planner.Target        `json:"hardware"`
	ContextTokens int                   `json:"context_tokens"`
	Basis         string                `json:"basis"`
	WeightsBytes  int64                 `json:"weights_bytes"`
	GPUShare      float64               `json:"gpu_layer_share"`
	DecodeTPS     float64               `json:"decode_tokens_per_second"`
	DecodeLow     float64               `json:"decode_tokens_per_second_low"`
	DecodeHigh    float64               `json:"decode_tokens_per_second_high"`
	DecodeBound   string                `json:"decode_bound"`
	PrefillTPS    float64               `json:"prefill_tokens_per_second"`
	PrefillLow    float64               `json:"prefill_tokens_per_second_low"`
	PrefillHigh   float64               `json:"prefill_tokens_per_second_high"`
	PrefillBound  string                `json:"prefill_bound"`
	Curve         []simulate.CurvePoint `json:"curve"`
	Notes         []string              `json:"notes,omitempty"`
}

// Band is the replay at the low and high bounds of the predicted
// speeds: how far the answer can move within the prediction's uncertainty.
type Band struct {
	Slow bandResult `json:"slow"`
	Fast bandResult `json:"fast"`
}

// bandResult is the part of a replay the band reports.
type bandResult struct {
	Latency      simulate.Percentiles `json:"latency_seconds"`
	Wait         simulate.WaitStats   `json:"wait_seconds"`
	ServedLocal  int                  `json:"served_local"`
	Spilled      int                  `json:"spilled"`
	Rejected     int                  `json:"rejected"`
	Utilization  float64              `json:"utilization"`
	SpillCostUSD float64              `json:"spill_cost_usd"`
}

// predict models the speeds of --model on the hardware for requests of the
// workload's mean size.
func (o *Options) predict(ctx context.Context, sizes requestSizes) (*Prediction, error) {
	src, err := o.modelShape(ctx)
	if err != nil {
		return nil, err
	}
	name, quant, shape := src.name, src.quant, src.shape
	m, err := o.Hardware.Resolve(ctx, o.Probes)
	if err != nil {
		return nil, err
	}
	ctxTokens := o.Context
	if ctxTokens == 0 {
		ctxTokens = int(math.Round(sizes.prompt + sizes.output/2))
	}
	predict, err := o.predictor(&m)
	if err != nil {
		return nil, err
	}
	one := predict(shape, m.Hardware, ctxTokens, 1)
	if one.GPUShare < 1 {
		if err := m.NeedCPU(ctx, o.Probes); err != nil {
			return nil, err
		}
		one = predict(shape, m.Hardware, ctxTokens, 1)
	}
	m.Export()
	p := &Prediction{
		Model: name, Quantization: quant, ModelSource: src.source, Hardware: m, ContextTokens: ctxTokens,
		Basis: string(one.Basis), WeightsBytes: int64(shape.WeightBytes()), GPUShare: one.GPUShare,
		DecodeTPS: one.DecodeTPS, DecodeLow: one.DecodeLow, DecodeHigh: one.DecodeHigh, DecodeBound: string(one.DecodeBound),
		PrefillTPS: one.PrefillTPS, PrefillLow: one.PrefillLow, PrefillHigh: one.PrefillHigh, PrefillBound: string(one.PrefillBound),
	}
	if !(one.DecodeTPS > 0) || !(one.PrefillTPS > 0) {
		return nil, fmt.Errorf("cannot predict %s on %s: its bandwidth or compute is unknown; give --bandwidth and --tflops", name, m.Description)
	}
	for k := 1; k <= o.Slots; k++ {
		pk := predict(shape, m.Hardware, ctxTokens, k)
		p.Curve = append(p.Curve, simulate.CurvePoint{Active: k, DecodeTokensPerSecond: pk.DecodeTPS, PrefillTokensPerSecond: pk.PrefillTPS})
	}
	if one.GPUShare < 1 && m.Hardware.VRAMBytes > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("%s does not fit in %.1f GiB: %.0f%% of its layers run on the CPU", name, float64(m.Hardware.VRAMBytes)/(1<<30), 100*(1-one.GPUShare)))
	}
	if src.note != "" {
		p.Notes = append(p.Notes, src.note)
	}
	return p, nil
}

// predictor is this machine's calibration (plan benchmark --calibrate)
// when the hardware is this machine and a calibration file is there, else
// the throughput model with the catalog efficiency.
func (o *Options) predictor(m *planner.Target) (planner.Speeds, error) {
	src := planner.SpeedSources{Calibration: o.Calibration, CalibrationGiven: o.Calibration != "", WhatIf: o.Hardware.WhatIf()}
	if src.Calibration == "" && m.ThisMachine {
		src.Calibration = o.DefaultCalibration
	}
	speeds, notes, err := src.Speeds()
	if err != nil {
		return nil, err
	}
	if len(notes) == 0 && m.ThisMachine && m.Hardware.VRAMBytes == 0 {
		notes = append(notes, "CPU speeds from the catalog formula are rough: run plan benchmark --calibrate to measure this machine")
	}
	m.Notes = append(m.Notes, notes...)
	return speeds, nil
}

// service returns the predicted curve with its speeds scaled by factor
// (1 for the prediction, its band's bounds for the band).
func (p *Prediction) service(factor float64) (simulate.Service, error) {
	pts := make([]simulate.CurvePoint, len(p.Curve))
	for i, c := range p.Curve {
		pts[i] = simulate.CurvePoint{Active: c.Active, DecodeTokensPerSecond: c.DecodeTokensPerSecond * factor, PrefillTokensPerSecond: c.PrefillTokensPerSecond * factor}
	}
	return simulate.NewCurveService(pts)
}

// decodeFactors are the prediction's low and high bounds as factors of it.
func (p *Prediction) decodeFactors() (slow, fast float64) {
	return p.DecodeLow / p.DecodeTPS, p.DecodeHigh / p.DecodeTPS
}

// replayBand replays the workload at the low and high bounds of the
// prediction (both decode and prefill scaled by the decode band's factors).
func (o *Options) replayBand(rep *Report, p *Prediction, src func() simulate.Source, pricer *pricing.Pricer) error {
	slow, fast := p.decodeFactors()
	if slow == 1 && fast == 1 {
		return nil
	}
	var band Band
	for _, b := range []struct {
		factor float64
		dst    *bandResult
	}{{slow, &band.Slow}, {fast, &band.Fast}} {
		svc, err := p.service(b.factor)
		if err != nil {
			return err
		}
		r, err := o.replay(src, svc, pricer)
		if err != nil {
			return err
		}
		*b.dst = bandResult{
			Latency: r.Latency, Wait: r.Wait, ServedLocal: r.ServedLocal, Spilled: r.Spilled,
			Rejected: r.Rejected, Utilization: r.Utilization, SpillCostUSD: r.SpillCostUSD,
		}
	}
	rep.Band = &band
	return nil
}

// modelSource is the model to predict: its name, type and shape, where
// they come from, and a note on how far to trust them.
type modelSource struct {
	name, quant, source, note string
	shape                     simulate.ModelShape
}

// modelShape is the model to predict: from the header of --model-file,
// from --host's /api/show of --model when the server has it installed,
// else from the catalog.
func (o *Options) modelShape(ctx context.Context) (modelSource, error) {
	if o.ModelFile != "" {
		d, size, err := gguf.ReadDetails(o.ModelFile)
		if err != nil {
			return modelSource{}, fmt.Errorf("--model-file: %w", err)
		}
		a, err := planner.ArchFromShow(filepath.Base(o.ModelFile), d, size)
		if err != nil {
			return modelSource{}, fmt.Errorf("--model-file %s: %w", o.ModelFile, err)
		}
		return modelSource{name: a.Name, quant: a.Quant, source: "GGUF header of " + o.ModelFile, shape: planner.ShapeOf(a)}, nil
	}
	if o.Host != "" && o.Quant == "" {
		a, ok, err := o.installedArch(ctx)
		if err != nil {
			return modelSource{}, err
		}
		if ok {
			return modelSource{name: a.Name, quant: a.Quant, source: "/api/show of " + o.Host, shape: planner.ShapeOf(a)}, nil
		}
	}
	om, tagQuant, ok := simulate.LookupModel(o.Model)
	if !ok {
		hint := "give --bench results of it, --decode-tps, or --model-file with its GGUF file"
		if o.Host == "" {
			hint += ", or --host with a server that has it installed"
		}
		return modelSource{}, flagErrorf("unknown --model %q: not in the model catalog (%s)", o.Model, hint)
	}
	quant := cmp.Or(simulate.NormalizeQuant(o.Quant), tagQuant, om.DefaultQuant)
	shape, err := om.Shape(quant)
	if err != nil {
		return modelSource{}, flagErrorf("invalid --quant %q: %v", o.Quant, err)
	}
	src := modelSource{name: om.Tag, quant: quant, source: "catalog", shape: shape}
	if om.Confidence != "high" {
		src.note = fmt.Sprintf("the catalog's architecture of %s is %s confidence", om.Tag, om.Confidence)
	}
	return src, nil
}

// installedArch is --model as installed on --host, read from /api/show;
// false when the server does not have it.
func (o *Options) installedArch(ctx context.Context) (planner.Arch, bool, error) {
	if o.Probes.Installed == nil {
		return planner.Arch{}, false, nil
	}
	srv, err := o.Probes.Installed(ctx, o.Host)
	if err != nil {
		return planner.Arch{}, false, err
	}
	for _, m := range srv.Models {
		if m.Name == o.Model || strings.TrimSuffix(m.Name, ":latest") == o.Model {
			a, err := planner.ArchFromShow(m.Name, m.Details, m.SizeBytes)
			return a, err == nil, err
		}
	}
	return planner.Arch{}, false, nil
}
