// Package planner makes the decisions, as functions over plain structs: memory
// fit, recommendations, the routing split between local and cloud, and
// break-even. Only ReadTraffic reads files (the usage exports).
//
// Memory fit: an Arch describes a model's shape and weights, from the
// embedded catalog (ArchFromCatalog) or an installed model's /api/show
// (ArchFromShow). EstimateMemory sizes the loaded model the way Ollama v0.6.5
// does: the weights, a KV cache holding context x parallel tokens (with
// sliding-window layers counted at their window), the compute graph and a
// one-layer margin. FitMemory places the model on free VRAM and RAM: gpu,
// partial (how many layers on each side and the GPU share), cpu or none,
// with the reasons.
//
// Quality: every cloud and open model has a score on one scale, the LMArena
// text score (QualityCatalog); a quantization costs a model points in
// proportion to its measured KL divergence (Penalty). Task classes come from
// a mapping file (TaskMap), and Adequate decides whether a local model can
// take a cloud model's traffic of a class.
//
// Plans: Options places every catalog model and quantization on a Target
// and predicts its speeds; Build reads the cloud traffic (ReadTraffic), picks
// the option that moves the most spend after replaying the whole period on
// the local server at the latency targets, routes each cloud model with the
// reasons the rest stays, and computes the break-even (ComputeBreakEven).
package planner
