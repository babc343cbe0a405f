package planner

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/plan-cli/plan/simulate"
)

// QuantType is one GGUF quantization type of the quantization catalog
// (data.QuantsCSV), with its quality cost as llama.cpp measured it on
// Llama-3-8B against F16 on wikitext-2.
type QuantType struct {
	Name          string  // llama.cpp's name, e.g. Q4_K_M
	BitsPerWeight float64 // whole-file average
	DeltaPPL      float64 // perplexity increase
	KLD           float64 // mean KL divergence of the token distribution, in nats
	RMSDeltaP     float64 // RMS change of the token probability, percent
	Imatrix       string  // importance matrix used, "None" for plain types
}

// The quantization penalty converts llama.cpp's measured KL divergence of a
// quantization type into points of the LMArena scale, in three steps:
//
//	points  = PenaltyPointsPerKLD × KLD           (benchmark points lost at 8B)
//	size    = clamp((8 / active params in billions)^0.25, 0.5, 2.5)
//	penalty = min(PenaltyEloPerPoint × points × size, PenaltyMaxElo)
//
// PenaltyPointsPerKLD puts Q4_K_M (KLD 0.0320) at 3 MMLU points for an 8B
// model, the top of the published 1-3 points for 7-70B models (Qwen2-7B
// 4-bit GPTQ/AWQ -2.7/-3.1, Llama-3.1-8B 4-bit about -1.5). The KLD figures
// are Llama-3's, which loses more to quantization than Llama-2 (Q4_K_M KLD
// 0.032 against 0.013), so other families are not flattered. Being linear,
// it likely overstates types below 4 bits (Q2_K costs 43 points at 8B before
// the cap); that errs toward keeping traffic in the cloud.
//
// PenaltyEloPerPoint is above the median slope between models of one
// provider in the quality catalog, 4.9 LMArena points per Artificial
// Analysis MMLU-Pro point (see TestPenaltyEloPerPointSlope); MMLU spreads
// models less than MMLU-Pro does, so one MMLU point is worth somewhat more.
//
// The size factor makes small models lose more and large ones less,
// matching Qwen2 at 4 bits: 72B -1.5 points, 7B -2.7, 0.5B -4.9 (the
// formula gives 1.7, 3.0 and 6.0). It uses active parameters, so a mixture
// of experts is treated like its smaller active size (conservative).
//
// PenaltyMaxElo caps the penalty: 400 points means the quantized model is
// preferred to its original 9% of the time, that is, broken; past that the
// linear formula measures nothing.
const (
	PenaltyPointsPerKLD = 94.0
	PenaltyEloPerPoint  = 6.0
	PenaltyRefParamsB   = 8.0
	PenaltySizeExponent = 0.25
	PenaltyMaxElo       = 400.0
	penaltyMinSize      = 0.5
	penaltyMaxSize      = 2.5
)

// QuantPenalty is the quality a quantization type costs a model, on the
// LMArena scale, with the figures it came from.
type QuantPenalty struct {
	Quant      string
	KLD        float64 // from the quantization catalog
	SizeFactor float64
	Points     float64 // benchmark points lost, size factor applied
	Elo        float64 // the penalty on the LMArena scale
	Native     bool    // the type the model was released in: no penalty
	Capped     bool    // the formula gave more than PenaltyMaxElo
}

// Quant finds a quantization type by llama.cpp's name, case aside (q4_K_M
// and Q4_K_M are the same; fp16 is F16).
func (c *QualityCatalog) Quant(name string) (QuantType, bool) {
	n := normalQuant(name)
	for _, q := range c.Quants {
		if q.Name == n {
			return q, true
		}
	}
	return QuantType{}, false
}

// Penalty is the quality cost of a quantization type for a model with
// activeParamsB billion weights used per token. Full-precision types (F16,
// BF16, F32) cost nothing. An unknown type or a model size that is not
// positive is an error: the cost is then unknown, not zero.
func (c *QualityCatalog) Penalty(quant string, activeParamsB float64) (QuantPenalty, error) {
	q := normalQuant(quant)
	if q == "F16" || q == "BF16" || q == "F32" {
		return QuantPenalty{Quant: q, SizeFactor: 1}, nil
	}
	t, ok := c.Quant(q)
	if !ok {
		return QuantPenalty{}, fmt.Errorf("quality: unknown quantization type %q (known: %s)", quant, c.quantNames())
	}
	if !(activeParamsB > 0) {
		return QuantPenalty{}, fmt.Errorf("quality: the penalty of %s needs the model's size, and it is unknown", t.Name)
	}
	p := QuantPenalty{Quant: t.Name, KLD: t.KLD, SizeFactor: sizeFactor(activeParamsB)}
	p.Points = PenaltyPointsPerKLD * t.KLD * p.SizeFactor
	p.Elo = PenaltyEloPerPoint * p.Points
	if p.Elo > PenaltyMaxElo {
		p.Elo, p.Capped = PenaltyMaxElo, true
	}
	return p, nil
}

// sizeFactor is (8 / active billions)^0.25, clamped to [0.5, 2.5].
func sizeFactor(activeParamsB float64) float64 {
	f := math.Pow(PenaltyRefParamsB/activeParamsB, PenaltySizeExponent)
	return math.Min(math.Max(f, penaltyMinSize), penaltyMaxSize)
}

// openPenalty is the penalty of an open model at a quantization type. A
// type the catalog does not measure costs nothing when it is the only one
// the model is published in (gpt-oss's MXFP4): the model's score is for
// those weights.
func (c *QualityCatalog) openPenalty(row QualityRow, quant string) (QuantPenalty, error) {
	q := normalQuant(quant)
	if _, known := c.Quant(q); !known {
		if m, _, ok := simulate.LookupModel(row.ID); ok && len(m.Quants) == 1 && normalQuant(m.Quants[0]) == q {
			return QuantPenalty{Quant: q, SizeFactor: 1, Native: true}, nil
		}
	}
	size := row.ActiveParamsB
	if size <= 0 {
		size = row.ParamsB
	}
	return c.Penalty(q, size)
}

func (c *QualityCatalog) quantNames() string {
	names := []string{"F16", "BF16", "F32"}
	for _, q := range c.Quants {
		if q.Name != "F16" {
			names = append(names, q.Name)
		}
	}
	return strings.Join(names, ", ")
}

// normalQuant writes a type the way llama.cpp names it: Q4_K_M, F16.
func normalQuant(q string) string { return simulate.NormalizeQuant(q) }

// ParseQuants reads a quantization catalog in the format of
// data.QuantsCSV.
func ParseQuants(r io.Reader) ([]QuantType, error) {
	rows, err := readCatalogCSV(r, "quantization catalog", []string{"quant", "bits_per_weight", "kld"})
	if err != nil {
		return nil, err
	}
	out := make([]QuantType, 0, len(rows))
	for _, row := range rows {
		q := QuantType{
			Name: normalQuant(row.str("quant")), BitsPerWeight: row.num("bits_per_weight"),
			DeltaPPL: row.num("delta_ppl"), KLD: row.num("kld"), RMSDeltaP: row.num("rms_delta_p_pct"),
			Imatrix: row.str("imatrix"),
		}
		if row.err == nil && (q.Name == "" || q.BitsPerWeight <= 0 || q.KLD < 0) {
			row.err = fmt.Errorf("quantization catalog line %d: needs a name, positive bits per weight and a KLD of 0 or more", row.line)
		}
		if row.err != nil {
			return nil, row.err
		}
		out = append(out, q)
	}
	return out, nil
}
