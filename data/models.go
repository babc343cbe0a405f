package data

import (
	_ "embed"
)

// Models: models/models.csv lists open models as Ollama library tags with
// their parameter counts and the architecture figures that size the
// key/value cache, and models/provenance.json says where they come from.

//go:embed models/models.csv
var modelsCSV string

//go:embed models/provenance.json
var modelsProvenance string

// ModelsCSV returns the embedded open-model catalog: a CSV file whose
// leading lines starting with # are comments, then a header row (tag, arch,
// params_total_b, params_active_b, layers, heads, kv_heads, head_dim, hidden,
// max_ctx, sliding_window, global_every, default_quant, quants, confidence,
// notes). Blank cells are unknown or do not apply. Each call returns a new
// copy.
func ModelsCSV() []byte { return []byte(modelsCSV) }

// ModelsProvenance returns the source and date of the embedded model catalog.
func ModelsProvenance() (Provenance, error) { return provenance(modelsProvenance, "model") }
