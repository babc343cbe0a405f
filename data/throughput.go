package data

import (
	_ "embed"
)

// Throughput: throughput/constants.json holds the throughput model's
// constants (fixed time per decode step by vendor, bandwidth and compute
// efficiency and bands by device class, decode and prefill factors by
// quantization type), fitted to published llama.cpp measurements by
// scripts/throughput-fit; its "source" field names them.

//go:embed throughput/constants.json
var throughputConstants string

// ThroughputConstantsJSON returns the embedded throughput constants. Each
// call returns a new copy.
func ThroughputConstantsJSON() []byte { return []byte(throughputConstants) }
