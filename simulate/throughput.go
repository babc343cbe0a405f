package simulate

import (
	"math"
	"sort"
)

// ModelShape is what the throughput model needs to know about a model.
type ModelShape struct {
	Name   string
	Params int64 // all weights
	// ActiveParams is the weights used per token (mixture of experts); 0
	// means Params. Concurrent requests are taken to share the same active
	// weights, which understates the reads of a mixture of experts whose
	// requests route to different experts.
	ActiveParams  int64
	Layers        int     // transformer blocks; 0 if unknown (offload is then split by bytes)
	KVHeads       int     // key/value heads per layer
	HeadDim       int     // dimension of a head
	BitsPerWeight float64 // whole-file average, see BitsPerWeight
	Quant         string  // GGUF quantization type, for DequantFactor; "" means F16
	KVBytes       float64 // bytes per cached element; 0 means 2 (f16 cache)
	// Bytes and TokenBytes, when set, are the weights as stored and the
	// weights read for one token, counted tensor by tensor (see Weights);
	// otherwise Params and the active weights at BitsPerWeight.
	Bytes, TokenBytes float64
}

func (m ModelShape) active() float64 {
	if m.ActiveParams > 0 {
		return float64(m.ActiveParams)
	}
	return float64(m.Params)
}

// WeightBytes is the size of all weights.
func (m ModelShape) WeightBytes() float64 {
	if m.Bytes > 0 {
		return m.Bytes
	}
	return float64(m.Params) * m.BitsPerWeight / 8
}

// ActiveWeightBytes is the size of the weights read for one token.
func (m ModelShape) ActiveWeightBytes() float64 {
	if m.TokenBytes > 0 {
		return m.TokenBytes
	}
	return m.active() * m.BitsPerWeight / 8
}

// KVBytesPerToken is the size of the key/value cache of one token.
func (m ModelShape) KVBytesPerToken() float64 {
	b := m.KVBytes
	if b <= 0 {
		b = 2
	}
	return 2 * float64(m.Layers) * float64(m.KVHeads) * float64(m.HeadDim) * b
}

// Hardware is the machine the model runs on. The accelerator (GPU, or the
// CPU itself when there is none) has BandwidthGBs, TFLOPS and VRAMBytes;
// what does not fit in VRAMBytes runs from system memory at CPUBandwidthGBs
// and CPUTFLOPS.
type Hardware struct {
	Name string
	// Class is the accelerator's DeviceClass, which picks the fitted
	// constants of a prediction from the catalog; "" for a CPU or an
	// accelerator known only by its figures.
	Class         string
	BandwidthGBs  float64 // accelerator memory bandwidth, GB/s
	TFLOPS        float64 // accelerator FP16 rate; 0 if unknown (no compute ceiling, no prefill estimate)
	VRAMBytes     int64   // accelerator memory; 0 means everything fits
	UnifiedMemory bool    // accelerator memory is system memory
	// ComputeEstimated says TFLOPS is an estimate, not a published figure:
	// prefill predictions get a band EstimatedComputeBand times wider.
	ComputeEstimated bool
	// CPUBandwidthGBs and CPUTFLOPS are the system memory bandwidth and the
	// CPU's compute rate, for the layers that do not fit in VRAMBytes.
	CPUBandwidthGBs float64
	CPUTFLOPS       float64
}

// Basis says where a prediction's efficiency factors come from.
type Basis string

// The bases of a prediction.
const (
	BasisCatalog    Basis = "estimated from catalog"
	BasisCalibrated Basis = "calibrated"
)

// Efficiency is the share of the peak bandwidth and compute that inference
// reaches, and how far off a prediction made with it can be.
type Efficiency struct {
	// FixedSeconds is the time of a decode step beyond streaming the
	// weights and cache (kernel launches, synchronisation, sampling).
	FixedSeconds float64
	Bandwidth    float64 // share of memory bandwidth reached in decode
	Compute      float64 // share of the FP16 rate reached
	// DecodeBand and PrefillBand give a prediction's low and high bounds.
	DecodeBand, PrefillBand Band
	Calibrated              bool
	// Quants gives the quantization types' factors; nil means
	// DequantFactor for both decode and prefill.
	Quants *ThroughputConstants
}

// quantFactors returns how much slower than F16 the model's type decodes
// (per byte) and reads prompts (per weight).
func (e Efficiency) quantFactors(quant string) (decode, prefill float64) {
	if e.Quants == nil {
		dq := DequantFactor(quant)
		return dq, dq
	}
	f := e.Quants.factor(quant)
	return f.Decode, f.Prefill
}

// Band is the range of measured / predicted speed seen where the model was
// checked: a prediction v has the bounds v x Low and v x High.
type Band struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// widen returns the band stretched to hold the ratio r.
func (b Band) widen(r float64) Band {
	return Band{math.Min(b.Low, r), math.Max(b.High, r)}
}

// The efficiency of a prediction for hardware of no device class (a CPU,
// or an accelerator known only by its figures), and of a calibration with
// nothing usable: the first throughput model's single efficiency, fitted to
// XiongjieDai's Llama-3 rows before the per-class constants
// (data/throughput/constants.json) replaced it for catalog devices, with
// bands that held every one of those rows.
const (
	DefaultBandwidthEfficiency = 0.8
	DefaultComputeEfficiency   = 0.9
)

// The bands of a prediction with the default efficiency.
var (
	DefaultDecodeBand  = Band{Low: 0.6, High: 1.4}
	DefaultPrefillBand = Band{Low: 0.65, High: 1.5}
)

// DefaultEfficiency returns the efficiency used when nothing is measured.
func DefaultEfficiency() Efficiency {
	return Efficiency{
		Bandwidth:   DefaultBandwidthEfficiency,
		Compute:     DefaultComputeEfficiency,
		DecodeBand:  DefaultDecodeBand,
		PrefillBand: DefaultPrefillBand,
	}
}

// Bound names what limits a speed.
type Bound string

// What limits a speed.
const (
	BoundBandwidth Bound = "bandwidth"
	BoundCompute   Bound = "compute"
	BoundUnknown   Bound = "unknown"
)

// Prediction is the modeled speed of a model on a machine.
type Prediction struct {
	// DecodeTPS is the aggregate decode speed of all concurrent requests,
	// tokens/s; DecodeLow and DecodeHigh bound it.
	DecodeTPS, DecodeLow, DecodeHigh float64
	// PerRequestTPS is the decode speed each request sees.
	PerRequestTPS float64
	// PrefillTPS is the prompt speed, tokens/s (0 if the compute rate is
	// unknown); PrefillLow and PrefillHigh bound it.
	PrefillTPS, PrefillLow, PrefillHigh float64
	DecodeBound, PrefillBound           Bound
	// GPUShare is the share of the layers held in accelerator memory.
	GPUShare float64
	Basis    Basis
}

// Predict models decode and prefill speed as a roofline. One decode step
// makes one token for each of the concurrency requests: it takes
// eff.FixedSeconds plus the larger of bytes / (bandwidth x eff.Bandwidth)
// and FLOPs / (compute x eff.Compute), where the bytes are the weights a
// token reads times the type's decode factor plus each request's
// key/value cache for contextTokens tokens, and the FLOPs 2 x active
// parameters x concurrency x the type's prefill factor (the factors come
// from eff.Quants, else DequantFactor). Aggregate decode speed is
// concurrency / step time. Prefill is compute-bound at compute x
// eff.Compute / (2 x active parameters x the prefill factor), but not
// faster than reading the weights once per 512-token batch allows. Layers
// that do not fit in VRAMBytes run from system memory at the CPU's
// bandwidth and compute, and the times of the two parts add up.
func Predict(model ModelShape, hw Hardware, contextTokens, concurrency int, eff Efficiency) Prediction {
	if concurrency < 1 {
		concurrency = 1
	}
	if contextTokens < 0 {
		contextTokens = 0
	}
	if eff.Bandwidth <= 0 {
		eff.Bandwidth = DefaultBandwidthEfficiency
	}
	if eff.Compute <= 0 {
		eff.Compute = DefaultComputeEfficiency
	}
	p := Prediction{Basis: BasisCatalog, GPUShare: gpuShare(model, hw, contextTokens, concurrency)}
	if eff.Calibrated {
		p.Basis = BasisCalibrated
	}
	parts := []struct {
		share, bw, tflops float64
	}{
		{p.GPUShare, hw.BandwidthGBs, hw.TFLOPS},
		{1 - p.GPUShare, hw.CPUBandwidthGBs, hw.CPUTFLOPS},
	}
	dq, pq := eff.quantFactors(model.Quant)
	c := float64(concurrency)
	stepBytes := model.ActiveWeightBytes()*dq + model.KVBytesPerToken()*float64(contextTokens)*c
	stepFLOPs := 2 * model.active() * c * pq

	step := eff.FixedSeconds
	var memTime, cmpTime float64
	ok := true
	for _, part := range parts {
		if part.share <= 0 {
			continue
		}
		if part.bw <= 0 {
			ok = false
			break
		}
		m := part.share * stepBytes / (part.bw * 1e9 * eff.Bandwidth)
		var k float64
		if part.tflops > 0 {
			k = part.share * stepFLOPs / (part.tflops * 1e12 * eff.Compute)
		}
		memTime += m
		cmpTime += k
		step += math.Max(m, k)
	}
	if ok && step > 0 {
		p.DecodeTPS = c / step
		p.PerRequestTPS = 1 / step
		p.DecodeBound = BoundBandwidth
		if cmpTime > memTime {
			p.DecodeBound = BoundCompute
		}
	} else {
		p.DecodeBound = BoundUnknown
	}

	// Prefill of one 512-token batch.
	const batch = 512
	var pre float64
	ok = true
	for _, part := range parts {
		if part.share <= 0 {
			continue
		}
		if part.tflops <= 0 || part.bw <= 0 {
			ok = false
			break
		}
		k := part.share * batch * 2 * model.active() * pq / (part.tflops * 1e12 * eff.Compute)
		m := part.share * model.ActiveWeightBytes() / (part.bw * 1e9 * eff.Bandwidth)
		pre += math.Max(k, m)
		if m > k {
			p.PrefillBound = BoundBandwidth
		} else if p.PrefillBound == "" {
			p.PrefillBound = BoundCompute
		}
	}
	if ok && pre > 0 {
		p.PrefillTPS = batch / pre
	} else {
		p.PrefillBound = BoundUnknown
	}
	p.DecodeLow, p.DecodeHigh = band(p.DecodeTPS, eff.DecodeBand)
	pb := eff.PrefillBand
	if hw.ComputeEstimated {
		pb = Band{Low: pb.Low / EstimatedComputeBand, High: pb.High * EstimatedComputeBand}
	}
	p.PrefillLow, p.PrefillHigh = band(p.PrefillTPS, pb)
	return p
}

// EstimatedComputeBand is how much wider a prefill band is when the
// hardware's compute figure is an estimate: its bounds move out by this
// factor each way.
const EstimatedComputeBand = 1.5

// band returns the bounds of v; an unset band is v itself.
func band(v float64, b Band) (lo, hi float64) {
	if b.Low <= 0 || b.High <= 0 {
		return v, v
	}
	return v * b.Low, v * b.High
}

// gpuShare is the share of the layers (of the bytes, if the layer count is
// unknown) that fit in accelerator memory, with the key/value cache of the
// context held next to its layer.
func gpuShare(model ModelShape, hw Hardware, contextTokens, concurrency int) float64 {
	if hw.VRAMBytes <= 0 {
		return 1
	}
	total := model.WeightBytes() + model.KVBytesPerToken()*float64(contextTokens)*float64(concurrency)
	if total <= float64(hw.VRAMBytes) {
		return 1
	}
	if model.Layers <= 0 {
		return float64(hw.VRAMBytes) / total
	}
	perLayer := total / float64(model.Layers)
	return math.Floor(float64(hw.VRAMBytes)/perLayer) / float64(model.Layers)
}

// Measurement is a measured speed of a model on a machine.
type Measurement struct {
	Model         ModelShape
	Hardware      Hardware
	ContextTokens int
	Concurrency   int
	DecodeTPS     float64 // aggregate decode tokens/s; 0 if not measured
	PrefillTPS    float64 // prompt tokens/s; 0 if not measured
}

// Calibrate sets the efficiency factors from measured speeds, so that other
// models on the same machine are predicted from them. Each measured speed is
// divided by the speed predicted at full efficiency; a bandwidth-bound decode
// speed gives a bandwidth efficiency, a compute-bound one or a prefill speed a
// compute efficiency, and each factor is the median of its ratios (the
// default where there is none; with no usable measurement at all the result
// is DefaultEfficiency, not marked calibrated). The bands become the range of measured /
// predicted of the calibrated model on the measurements, but at least
// minCalibratedDecodeBand and minCalibratedPrefillBand: efficiency differs
// between quantization types and model sizes on one machine, so a factor
// measured on one model carries over to another only that well.
func Calibrate(measured []Measurement) Efficiency {
	full := Efficiency{Bandwidth: 1, Compute: 1}
	var bw, cmp []float64
	for _, m := range measured {
		p := Predict(m.Model, m.Hardware, m.ContextTokens, m.Concurrency, full)
		if m.DecodeTPS > 0 && p.DecodeTPS > 0 {
			r := m.DecodeTPS / p.DecodeTPS
			if p.DecodeBound == BoundCompute {
				cmp = append(cmp, r)
			} else {
				bw = append(bw, r)
			}
		}
		if m.PrefillTPS > 0 && p.PrefillTPS > 0 && p.PrefillBound == BoundCompute {
			cmp = append(cmp, m.PrefillTPS/p.PrefillTPS)
		}
	}
	if len(bw) == 0 && len(cmp) == 0 {
		return DefaultEfficiency() // nothing usable: still an estimate from the catalog
	}
	eff := DefaultEfficiency()
	eff.Calibrated = true
	if len(bw) > 0 {
		eff.Bandwidth = median(bw)
	}
	if len(cmp) > 0 {
		eff.Compute = median(cmp)
	}
	eff.DecodeBand, eff.PrefillBand = minCalibratedDecodeBand, minCalibratedPrefillBand
	for _, m := range measured {
		p := Predict(m.Model, m.Hardware, m.ContextTokens, m.Concurrency, eff)
		if m.DecodeTPS > 0 && p.DecodeTPS > 0 {
			eff.DecodeBand = eff.DecodeBand.widen(m.DecodeTPS / p.DecodeTPS)
		}
		if m.PrefillTPS > 0 && p.PrefillTPS > 0 {
			eff.PrefillBand = eff.PrefillBand.widen(m.PrefillTPS / p.PrefillTPS)
		}
	}
	return eff
}

// The narrowest bands of a calibrated prediction. On an Apple M2 Ultra,
// calibrating on Llama-3-8B Q4_K_M (llama-bench) and predicting 8B F16, 70B
// Q4_K_M and 70B F16 gives measured / predicted decode of 1.17 to 1.39 (the
// larger model streams weights more efficiently) and prefill of 0.91 to 1.05;
// see TestThroughputCalibrate.
var (
	minCalibratedDecodeBand  = Band{Low: 0.75, High: 1.4}
	minCalibratedPrefillBand = Band{Low: 0.8, High: 1.25}
)

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
