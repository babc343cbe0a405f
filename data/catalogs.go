package data

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// Quantization types: quant/quants.csv gives each GGUF type's whole-file
// bits per weight and its quality cost measured by llama.cpp (perplexity
// increase, KL divergence against F16); quant/provenance.json says where
// from.
//
// Quality: quality/quality.csv rates cloud and open models on one scale,
// the LMArena text score, with Artificial Analysis's figures beside it;
// quality/provenance.json says where from.

//go:embed quant/quants.csv
var quantsCSV string

//go:embed quant/provenance.json
var quantsProvenance string

//go:embed quality/quality.csv
var qualityCSV string

//go:embed quality/provenance.json
var qualityProvenance string

// QuantsCSV returns the embedded quantization catalog: comment lines
// starting with #, then a header (quant, bits_per_weight, delta_ppl, kld,
// rms_delta_p_pct, imatrix). Each call returns a new copy.
func QuantsCSV() []byte { return []byte(quantsCSV) }

// QuantsProvenance returns the source and date of the quantization catalog.
func QuantsProvenance() (Provenance, error) { return provenance(quantsProvenance, "quantization") }

// QualityCSV returns the embedded quality catalog: comment lines starting
// with #, then a header (id, kind, provider, ollama_tag, params_total_b,
// params_active_b, lmarena_score, lmarena_ci95, lmarena_mapping,
// lmarena_snapshot, aa_intelligence_index, aa_mmlu_pro, aa_mapping,
// aa_snapshot). Blank cells are not rated. Each call returns a new copy.
func QualityCSV() []byte { return []byte(qualityCSV) }

// QualityProvenance returns the source and date of the quality catalog.
func QualityProvenance() (Provenance, error) { return provenance(qualityProvenance, "quality") }

func provenance(raw, what string) (Provenance, error) {
	var p Provenance
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return Provenance{}, fmt.Errorf("reading the embedded %s provenance: %w", what, err)
	}
	return p, nil
}
