package data

import (
	_ "embed"
)

// GPUs: gpus/gpus.csv is a compiled table of GPUs and Apple chips (memory,
// memory bandwidth, FP32 and dense FP16 tensor TFLOPS, TDP, launch price,
// launch date) with a confidence column per row, and gpus/provenance.json says
// what it was compiled from. Lines starting with # are comments that explain
// the columns.

//go:embed gpus/gpus.csv
var gpusCSV string

//go:embed gpus/provenance.json
var gpusProvenance string

// GPUsCSV returns the embedded GPU catalog: a CSV file whose leading lines
// starting with # are comments, then a header row (name, vendor, class,
// memory_gb, mem_bw_gbs, fp32_tflops, fp16_tensor_tflops_dense, tdp_w,
// price_usd, price_kind, launch, confidence, notes). Blank cells are unknown.
// Each call returns a new copy.
func GPUsCSV() []byte { return []byte(gpusCSV) }

// GPUsProvenance returns the source and date of the embedded GPU catalog.
func GPUsProvenance() (Provenance, error) { return provenance(gpusProvenance, "GPU") }
