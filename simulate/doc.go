// Package simulate predicts what would happen: a throughput model calibrated by
// measurements, what-if hardware, and a replay of a workload with queueing and
// spillover.
//
// # Queue replay
//
// Run replays a stream of requests (a Source: recorded traffic in a
// SliceSource, or synthetic traffic from a Generator with Poisson or
// gamma-shaped arrivals) against a local server with Config.Slots parallel
// slots and a first-in, first-out queue of at most Config.QueueLimit waiting
// requests. A Policy decides at arrival whether a request goes to the cloud
// instead: AllLocal never sends one (a request finding the queue full is
// rejected), Spill sends one when the queue is full or its expected wait for a
// slot exceeds an SLO.
//
// With Config.Replicas above 1, that many servers, each with its own slots,
// queue and concurrency, stand behind a balancer that sends each request to
// the replica with the fewest requests in service or queued (the
// lowest-numbered on a tie); the Policy sees that replica's State. The
// Result's BusySeconds and IdleSeconds give the time each replica had work
// or none, for Result.EnergyKWh.
//
// A Service says how long a request holds its slot, split into prefill (up to
// the first token) and decode. FixedService and ExponentialService are for
// checks against queueing theory; CurveService uses a concurrency curve
// measured by a benchmark.
//
// A Service that gives only times (FixedService, ExponentialService) has a
// request's time fixed when it starts, from the number of requests in
// service then. A RateService (CurveService) gives per-request speeds
// instead, and the requests in service on a replica share it: processor
// sharing, as a continuous-batching server does. While any request on a
// replica reads its prompt, the m reading share the prefill speed of m and
// the decoding ones wait (a prompt step gives them one token, left out);
// otherwise all k in service decode at the decode speed of k. Speeds are
// re-timed at every event on the replica (a start, a prefill giving way to
// decode, a completion): a request that starts alone and is joined later is
// slowed down from then on, and sped up again when the others leave.
//
// With times, the engine keeps the finishing times of requests in service in
// a heap; with rates, each replica's requests in service, with the time the
// current phase of each would end at the current speed, and a heap over the
// replicas of their next events. Waiting requests are in ring buffers, so
// memory grows with the slots and queues, not with the length of the run;
// percentiles come from logarithmic histograms accurate to 0.5%, and means
// are exact. Runs are deterministic for given seeds. The tests check mean
// waits against Erlang C (M/M/1, M/M/4) and Pollaczek–Khinchine (M/D/1) at
// 50% and 90% load to within 2%, and processor sharing against M/M/1-PS,
// whose mean time in the system is 1/(μ − λ), at 50% and 90% load to within
// 2%.
//
// # Throughput model
//
// Predict estimates prefill and decode speed of a ModelShape on Hardware as a
// roofline of memory traffic against bandwidth and arithmetic against
// compute, with layers that do not fit in VRAM run on the CPU. The GPU
// catalog (GPUs, LookupGPU) and the open-model catalog (Models, LookupModel)
// describe what-if hardware and models; Calibrate and the calibration of
// this machine replace the default efficiency with measured figures.
package simulate
