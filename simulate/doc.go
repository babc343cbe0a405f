// Package simulate predicts what would happen: a throughput model calibrated by
// measurements, what-if hardware, and a replay of a workload with queueing and
// spillover.
package simulate
