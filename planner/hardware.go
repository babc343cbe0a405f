package planner

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/simulate"
)

// HardwareSpec is the hardware a plan is for, as the user gave it: a GPU
// of the catalog (GPU, Count), an accelerator described by its figures
// (VRAMGB, BandwidthGBs, TFLOPS), or a profile taken on another machine
// (Profile). With none of them, the hardware is this machine.
type HardwareSpec struct {
	GPU          string
	Count        int
	VRAMGB       float64
	BandwidthGBs float64
	TFLOPS       float64
	Profile      string
}

// Validate checks the spec for values out of range and flags that exclude each other.
func (h HardwareSpec) Validate() error {
	switch {
	case h.Count < 1:
		return flagErrorf("invalid --count %d: must be at least 1", h.Count)
	case h.Count > 1 && h.GPU == "":
		return flagErrorf("--count gives the number of --gpu cards; name the card with --gpu")
	case h.GPU != "" && h.Profile != "":
		return flagErrorf("give either --gpu or --profile, not both")
	}
	if choices := simulate.GPUChoices(h.GPU); len(choices) > 1 {
		return flagErrorf("--gpu %q could be any of %s: name one", h.GPU, quoteAll(choices))
	}
	for _, v := range []struct {
		name string
		v    float64
		most float64
	}{{"--vram", h.VRAMGB, 100_000}, {"--bandwidth", h.BandwidthGBs, 1_000_000}, {"--tflops", h.TFLOPS, 1_000_000}} {
		if !(v.v >= 0 && v.v <= v.most) {
			return flagErrorf("invalid %s %v: must be a positive number up to %.0f", v.name, v.v, v.most)
		}
	}
	return nil
}

// WhatIf reports whether the flags describe hardware other than this machine.
func (h HardwareSpec) WhatIf() bool {
	return h.GPU != "" || h.Profile != "" || h.VRAMGB > 0 || h.BandwidthGBs > 0 || h.TFLOPS > 0
}

// Target is the hardware a plan is for, resolved from a HardwareSpec: what
// the throughput model predicts speeds on (Hardware), what to tell the
// user, and, once the plan fills them in, the memory models are placed
// into, its power, its price and the models installed on its server. Its
// JSON is the resolved figures, for plan simulate.
type Target struct {
	Description string            `json:"description"`
	ThisMachine bool              `json:"this_machine"`
	Hardware    simulate.Hardware `json:"-"`
	// The figures of Hardware, for the JSON output (Export).
	BandwidthGBs    float64 `json:"bandwidth_gb_per_s"`
	TFLOPS          float64 `json:"tflops"`
	VRAMBytes       int64   `json:"vram_bytes"`
	CPUBandwidthGBs float64 `json:"cpu_bandwidth_gb_per_s"`
	CPUTFLOPS       float64 `json:"cpu_tflops"`
	// Watts is the catalog TDP of the accelerators (0 when unknown).
	Watts float64  `json:"tdp_watts,omitempty"`
	Notes []string `json:"notes,omitempty"`

	// Memory is what models are placed into (free VRAM per GPU and free RAM).
	Memory Machine `json:"-"`
	// FlashAttention says the accelerator runs flash attention, so the KV
	// cache may be quantized (Metal, CUDA, ROCm; not the CPU).
	FlashAttention bool    `json:"-"`
	ActiveWatts    float64 `json:"-"`
	IdleWatts      float64 `json:"-"`
	PriceUSD       float64 `json:"-"` // 0 for hardware already owned
	RAMBytes       int64   `json:"-"` // system memory in all
	// OllamaVersion is the server's release, whose memory rules apply (see
	// LegacyRules); "" means the current release (CurrentOllama).
	OllamaVersion string `json:"-"`
	// Installed are the models installed on the user's server, read from
	// /api/show (ArchFromShow): their real shape and size replace the
	// catalog's, and models the catalog lacks are considered too.
	Installed []Arch `json:"-"`

	// measureLater says the CPU's bandwidth is to be measured on this
	// machine if a model turns out not to fit in VRAM.
	measureLater bool
	// representative says the GPU was assumed from --vram alone.
	representative bool
}

// Export copies the figures of Hardware into the JSON fields.
func (m *Target) Export() {
	h := m.Hardware
	m.BandwidthGBs, m.TFLOPS, m.VRAMBytes = h.BandwidthGBs, h.TFLOPS, h.VRAMBytes
	m.CPUBandwidthGBs, m.CPUTFLOPS = h.CPUBandwidthGBs, h.CPUTFLOPS
}

// NeedCPU measures this machine's memory bandwidth for the layers that do
// not fit in VRAM, once.
func (m *Target) NeedCPU(ctx context.Context, p Probes) error {
	if !m.measureLater {
		return nil
	}
	m.measureLater = false
	bw, err := p.MeasureBandwidth(ctx)
	if err != nil {
		return err
	}
	m.Hardware.CPUBandwidthGBs = bw.GBPerS
	m.Notes = append(m.Notes, "memory bandwidth of this machine's CPU, for the layers off the GPU, "+bw.note())
	return nil
}

// Resolve turns the spec into hardware. It detects this machine (and
// measures its memory bandwidth) only when the CPU is part of the answer.
func (h HardwareSpec) Resolve(ctx context.Context, p Probes) (Target, error) {
	var m Target
	var host hwprofile.Profile
	var err error
	if h.Profile != "" {
		host, err = hwprofile.Load(h.Profile)
		if err != nil {
			return Target{}, fmt.Errorf("--profile %s: %w", h.Profile, err)
		}
	} else {
		host, err = p.Detect(ctx)
		if err != nil {
			return Target{}, err
		}
		m.ThisMachine = !h.WhatIf()
	}
	switch {
	case h.GPU != "":
		g, ok := simulate.LookupGPU(h.GPU)
		if !ok {
			return Target{}, flagErrorf("unknown --gpu %q: see plan simulate --list-gpus, or describe it with --vram, --bandwidth and --tflops", h.GPU)
		}
		m.fromGPU(g, h.Count)
	case h.vramOnly():
		if err := m.fromVRAM(h.VRAMGB); err != nil {
			return Target{}, err
		}
	case len(host.GPUs) > 0 && !h.cpuOnly():
		if err := m.fromProfileGPUs(host.GPUs, h.BandwidthGBs > 0); err != nil {
			return Target{}, err
		}
	default:
		m.Description = "CPU " + host.CPU.Model
	}
	if err := m.fillCPU(ctx, host, h, p); err != nil {
		return Target{}, err
	}
	m.override(h)
	return m, nil
}

// vramOnly reports whether the flags describe a GPU by its memory alone:
// --vram with no GPU, profile or bandwidth.
func (h HardwareSpec) vramOnly() bool {
	return h.VRAMGB > 0 && h.GPU == "" && h.Profile == "" && h.BandwidthGBs == 0
}

// fromVRAM assumes the catalog's representative GPU of that memory and
// says which.
func (m *Target) fromVRAM(gb float64) error {
	g, ok := simulate.RepresentativeGPU(gb)
	if !ok {
		return flagErrorf("--vram %v: the GPU catalog has no GPU to stand for it; give --bandwidth too", gb)
	}
	m.fromGPU(g, 1)
	m.Description = fmt.Sprintf("a GPU with %s GB, assumed to be like the %s (%.0f GB/s)", strconv.FormatFloat(gb, 'f', -1, 64), g.Name, g.BandwidthGBs)
	m.Notes = append(m.Notes, fmt.Sprintf("--vram %s alone: speeds are those of the %s, the catalog's GPU of median bandwidth among those with %.0f GB; name the card with --gpu or give --bandwidth",
		strconv.FormatFloat(gb, 'f', -1, 64), g.Name, float64(g.MemoryBytes)/(1<<30)))
	m.representative = true
	return nil
}

// cpuOnly reports whether the flags describe a CPU: --bandwidth alone with
// no GPU named.
func (h HardwareSpec) cpuOnly() bool {
	return h.GPU == "" && h.BandwidthGBs > 0 && h.VRAMGB == 0
}

func (m *Target) fromGPU(g simulate.GPU, count int) {
	m.Hardware = g.Hardware()
	m.Hardware.VRAMBytes *= int64(count)
	m.Watts = g.TDPWatts * float64(count)
	m.Description = g.Name + " (catalog)"
	if count > 1 {
		m.Description = fmt.Sprintf("%d x %s (catalog)", count, g.Name)
	}
	if g.ComputeEstimated() {
		m.Notes = append(m.Notes, fmt.Sprintf("%s has no published compute figure; %.1f TFLOPS is an estimate (see plan simulate --list-gpus), so its prefill speeds carry a band %.1fx wider",
			g.Name, g.ComputeTFLOPS(), simulate.EstimatedComputeBand))
	}
}

// fromProfileGPUs uses the first GPU of a profile, with every GPU of the
// same name as its peers, and takes the memory the profile measured.
func (m *Target) fromProfileGPUs(gpus []hwprofile.GPU, figuresGiven bool) error {
	first := gpus[0]
	n := 0
	var vram uint64
	for _, g := range gpus {
		if g.Name == first.Name {
			n++
			vram += g.VRAMTotalBytes
		}
	}
	g, ok := simulate.LookupGPU(first.Name)
	if !ok && !figuresGiven {
		return flagErrorf("GPU %q is not in the catalog: give its --bandwidth (and --tflops, --vram)", first.Name)
	}
	if ok {
		m.fromGPU(g, n)
	} else {
		m.Description = fmt.Sprintf("%d x %s", n, first.Name)
	}
	if vram > 0 {
		m.Hardware.VRAMBytes = int64(vram)
	}
	m.Hardware.UnifiedMemory = m.Hardware.UnifiedMemory || first.UnifiedMemory
	if len(gpus) > n {
		m.Notes = append(m.Notes, fmt.Sprintf("only the %d %s GPUs are counted; the others differ", n, first.Name))
	}
	return nil
}

// fillCPU sets the CPU side: measured bandwidth and estimated compute. A
// machine with no accelerator is its CPU.
func (m *Target) fillCPU(ctx context.Context, host hwprofile.Profile, h HardwareSpec, p Probes) error {
	bw := host.BandwidthGBPerS
	cpuOnly := m.Hardware.BandwidthGBs == 0
	switch {
	case bw > 0:
	case cpuOnly && h.BandwidthGBs > 0:
		bw = h.BandwidthGBs
	case h.Profile != "" && cpuOnly:
		return fmt.Errorf("--profile %s has no memory bandwidth: take it with plan profile --bandwidth -o FILE, or give --bandwidth", h.Profile)
	case h.Profile != "":
		m.Notes = append(m.Notes, "the profile has no memory bandwidth, so layers that do not fit in VRAM cannot be timed; take it with plan profile --bandwidth")
	case cpuOnly:
		got, err := p.MeasureBandwidth(ctx)
		if err != nil {
			return err
		}
		bw = got.GBPerS
		m.Notes = append(m.Notes, "memory bandwidth "+got.note())
	default:
		m.measureLater = true
	}
	m.Hardware.CPUBandwidthGBs = bw
	m.Hardware.CPUTFLOPS = cpuTFLOPS(host.CPU)
	if cpuOnly {
		m.Hardware.Name = host.CPU.Model
		m.Hardware.BandwidthGBs = bw
		m.Hardware.TFLOPS = m.Hardware.CPUTFLOPS
		m.Hardware.VRAMBytes = 0
	}
	return nil
}

// override applies --vram, --bandwidth and --tflops.
func (m *Target) override(h HardwareSpec) {
	if h.VRAMGB > 0 {
		m.Hardware.VRAMBytes = int64(h.VRAMGB * (1 << 30))
	}
	if h.BandwidthGBs > 0 {
		m.Hardware.BandwidthGBs = h.BandwidthGBs
	}
	if h.TFLOPS > 0 {
		m.Hardware.TFLOPS = h.TFLOPS
	}
	if h.GPU == "" && h.Profile == "" && (h.VRAMGB > 0 || h.TFLOPS > 0) && !h.cpuOnly() && !m.representative {
		m.Description = fmt.Sprintf("accelerator with %.0f GB/s", m.Hardware.BandwidthGBs)
		if h.VRAMGB > 0 {
			m.Description += fmt.Sprintf(", %.0f GB", h.VRAMGB)
		}
	}
	if m.Hardware.Name == "" {
		m.Hardware.Name = m.Description
	}
}

// cpuTFLOPS estimates a CPU's peak FP32 rate: physical cores x 3 GHz x the
// FLOPs per cycle of its widest vector unit (two fused multiply-adds per
// cycle: 64 with AVX-512, 32 with AVX2 and FMA, 16 otherwise).
func cpuTFLOPS(c hwprofile.CPU) float64 {
	perCycle := 16.0
	switch {
	case slices.Contains(c.Features, "avx512f"):
		perCycle = 64
	case slices.Contains(c.Features, "avx2") && slices.Contains(c.Features, "fma"):
		perCycle = 32
	}
	cores := c.PhysicalCores
	if cores <= 0 {
		cores = max(c.LogicalCores, 1)
	}
	return float64(cores) * 3e9 * perCycle / 1e12
}

// quoteAll writes names quoted and comma-separated.
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
