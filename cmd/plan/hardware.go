package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/plan-cli/plan/hwprofile"
	"github.com/plan-cli/plan/simulate"
)

// hardwareOptions are the what-if hardware flags: a GPU from the catalog, an
// accelerator described by its figures, or a profile taken on another
// machine. With none of them, the hardware is this machine.
type hardwareOptions struct {
	gpu       string
	count     int
	vramGB    float64
	bandwidth float64
	tflops    float64
	profile   string
}

const hardwareHelp = `Hardware, for predicted speeds: this machine (detected) unless one of
  --gpu NAME [--count N]  a GPU or Apple chip of the embedded catalog (plan simulate
                          --list-gpus); N cards split the layers between them, so they hold N
                          times the memory but decode at one card's speed (llama.cpp and Ollama
                          run the layers of a token one card after the other).
  --profile FILE          a profile.json taken with plan profile on another machine; its first
                          GPU is looked up in the catalog for bandwidth and compute.
  --vram GB, --bandwidth GB/s, --tflops T
                          override those figures, or describe an accelerator the catalog lacks
                          (--bandwidth is then required). With --bandwidth alone and no GPU, the
                          figures describe the CPU.
What does not fit in VRAM runs on the CPU of this machine (or of --profile): its memory
bandwidth is the measured STREAM-copy figure (measured now, about 1 s, when the profile has
none) and its compute is estimated as physical cores x 3 GHz x FP32 FLOPs per cycle of its
widest vector unit (64 with AVX-512, 32 with AVX2 and FMA, 16 otherwise): a rough ceiling.`

func addHardwareFlags(f *pflag.FlagSet, h *hardwareOptions) {
	f.StringVar(&h.gpu, "gpu", "", "what-if hardware: a GPU or Apple chip of the catalog, e.g. \"RTX 4090\" or \"M2 Ultra\"")
	f.IntVar(&h.count, "count", 1, "what-if hardware: number of --gpu cards")
	f.Float64Var(&h.vramGB, "vram", 0, "what-if hardware: accelerator memory in `GB` (GiB), overriding the catalog's")
	f.Float64Var(&h.bandwidth, "bandwidth", 0, "what-if hardware: memory bandwidth in `GB/s`, overriding the catalog's")
	f.Float64Var(&h.tflops, "tflops", 0, "what-if hardware: FP16 compute in `TFLOPS`, overriding the catalog's")
	f.StringVar(&h.profile, "profile", "", "what-if hardware: a profile.json `file` taken with plan profile on another machine")
}

func (h hardwareOptions) validate() error {
	switch {
	case h.count < 1:
		return usagef("invalid --count %d: must be at least 1", h.count)
	case h.count > 1 && h.gpu == "":
		return usagef("--count gives the number of --gpu cards; name the card with --gpu")
	case h.gpu != "" && h.profile != "":
		return usagef("give either --gpu or --profile, not both")
	}
	for _, v := range []struct {
		name string
		v    float64
		most float64
	}{{"--vram", h.vramGB, 100_000}, {"--bandwidth", h.bandwidth, 1_000_000}, {"--tflops", h.tflops, 1_000_000}} {
		if !(v.v >= 0 && v.v <= v.most) {
			return usagef("invalid %s %v: must be a positive number up to %.0f", v.name, v.v, v.most)
		}
	}
	return nil
}

// whatIf reports whether the flags describe hardware other than this machine.
func (h hardwareOptions) whatIf() bool {
	return h.gpu != "" || h.profile != "" || h.vramGB > 0 || h.bandwidth > 0 || h.tflops > 0
}

// machine is resolved hardware: what Predict needs, and what to tell the user.
type machine struct {
	Hardware    simulate.Hardware `json:"-"`
	Description string            `json:"description"`
	ThisMachine bool              `json:"this_machine"`
	// The figures of Hardware, for the JSON output.
	BandwidthGBs    float64 `json:"bandwidth_gb_per_s"`
	TFLOPS          float64 `json:"tflops"`
	VRAMBytes       int64   `json:"vram_bytes"`
	CPUBandwidthGBs float64 `json:"cpu_bandwidth_gb_per_s"`
	CPUTFLOPS       float64 `json:"cpu_tflops"`
	// Watts is the catalog TDP of the accelerators (0 when unknown).
	Watts float64  `json:"tdp_watts,omitempty"`
	Notes []string `json:"notes,omitempty"`
	// measureLater says the CPU's bandwidth is to be measured on this
	// machine if a model turns out not to fit in VRAM.
	measureLater bool
	// representative says the GPU was assumed from --vram alone.
	representative bool
}

// export copies the figures of Hardware into the JSON fields.
func (m *machine) export() {
	h := m.Hardware
	m.BandwidthGBs, m.TFLOPS, m.VRAMBytes = h.BandwidthGBs, h.TFLOPS, h.VRAMBytes
	m.CPUBandwidthGBs, m.CPUTFLOPS = h.CPUBandwidthGBs, h.CPUTFLOPS
}

// needCPU measures this machine's memory bandwidth for the layers that do
// not fit in VRAM, once.
func (m *machine) needCPU(ctx context.Context) error {
	if !m.measureLater {
		return nil
	}
	m.measureLater = false
	bw, err := measureCPUBandwidth(ctx)
	if err != nil {
		return err
	}
	m.Hardware.CPUBandwidthGBs = bw
	m.Notes = append(m.Notes, fmt.Sprintf("memory bandwidth of this machine's CPU, for the layers off the GPU, measured now: %.1f GB/s", bw))
	return nil
}

func measureCPUBandwidth(ctx context.Context) (float64, error) {
	b, err := hwprofile.MeasureBandwidth(ctx, hwprofile.BandwidthOptions{})
	if err != nil {
		return 0, fmt.Errorf("measuring memory bandwidth: %w", err)
	}
	return b.GBPerS, nil
}

// resolve turns the flags into a machine. It detects this machine (and
// measures its memory bandwidth) only when the CPU is part of the answer.
func (h hardwareOptions) resolve(ctx context.Context, e *env) (machine, error) {
	var m machine
	var host hwprofile.Profile
	var err error
	if h.profile != "" {
		host, err = hwprofile.Load(h.profile)
		if err != nil {
			return machine{}, fmt.Errorf("--profile %s: %w", h.profile, err)
		}
	} else {
		host, err = hwprofile.Detect(ctx, hwprofile.Options{Getenv: e.getenv})
		if err != nil {
			return machine{}, err
		}
		m.ThisMachine = !h.whatIf()
	}
	switch {
	case h.gpu != "":
		g, ok := simulate.LookupGPU(h.gpu)
		if !ok {
			return machine{}, usagef("unknown --gpu %q: see plan simulate --list-gpus, or describe it with --vram, --bandwidth and --tflops", h.gpu)
		}
		m.fromGPU(g, h.count)
	case h.vramOnly():
		if err := m.fromVRAM(h.vramGB); err != nil {
			return machine{}, err
		}
	case len(host.GPUs) > 0 && !h.cpuOnly():
		if err := m.fromProfileGPUs(host.GPUs, h.bandwidth > 0); err != nil {
			return machine{}, err
		}
	default:
		m.Description = "CPU " + host.CPU.Model
	}
	if err := m.fillCPU(ctx, host, h); err != nil {
		return machine{}, err
	}
	m.override(h)
	return m, nil
}

// vramOnly reports whether the flags describe a GPU by its memory alone:
// --vram with no GPU, profile or bandwidth.
func (h hardwareOptions) vramOnly() bool {
	return h.vramGB > 0 && h.gpu == "" && h.profile == "" && h.bandwidth == 0
}

// fromVRAM assumes the catalog's representative GPU of that memory and
// says which.
func (m *machine) fromVRAM(gb float64) error {
	g, ok := simulate.RepresentativeGPU(gb)
	if !ok {
		return usagef("--vram %v: the GPU catalog has no GPU to stand for it; give --bandwidth too", gb)
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
func (h hardwareOptions) cpuOnly() bool {
	return h.gpu == "" && h.bandwidth > 0 && h.vramGB == 0
}

func (m *machine) fromGPU(g simulate.GPU, count int) {
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
func (m *machine) fromProfileGPUs(gpus []hwprofile.GPU, figuresGiven bool) error {
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
		return usagef("GPU %q is not in the catalog: give its --bandwidth (and --tflops, --vram)", first.Name)
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
func (m *machine) fillCPU(ctx context.Context, host hwprofile.Profile, h hardwareOptions) error {
	bw := host.BandwidthGBPerS
	cpuOnly := m.Hardware.BandwidthGBs == 0
	switch {
	case bw > 0:
	case cpuOnly && h.bandwidth > 0:
		bw = h.bandwidth
	case h.profile != "" && cpuOnly:
		return fmt.Errorf("--profile %s has no memory bandwidth: take it with plan profile --bandwidth -o FILE, or give --bandwidth", h.profile)
	case h.profile != "":
		m.Notes = append(m.Notes, "the profile has no memory bandwidth, so layers that do not fit in VRAM cannot be timed; take it with plan profile --bandwidth")
	case cpuOnly:
		var err error
		if bw, err = measureCPUBandwidth(ctx); err != nil {
			return err
		}
		m.Notes = append(m.Notes, fmt.Sprintf("memory bandwidth measured now: %.1f GB/s", bw))
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
func (m *machine) override(h hardwareOptions) {
	if h.vramGB > 0 {
		m.Hardware.VRAMBytes = int64(h.vramGB * (1 << 30))
	}
	if h.bandwidth > 0 {
		m.Hardware.BandwidthGBs = h.bandwidth
	}
	if h.tflops > 0 {
		m.Hardware.TFLOPS = h.tflops
	}
	if h.gpu == "" && h.profile == "" && (h.vramGB > 0 || h.tflops > 0) && !h.cpuOnly() && !m.representative {
		m.Description = fmt.Sprintf("accelerator with %.0f GB/s", m.Hardware.BandwidthGBs)
		if h.vramGB > 0 {
			m.Description += fmt.Sprintf(", %.0f GB", h.vramGB)
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

// gpuList is the catalog as a table for --list-gpus.
func gpuList() ([]string, [][]string, error) {
	gpus, err := simulate.GPUs()
	if err != nil {
		return nil, nil, err
	}
	rows := make([][]string, 0, len(gpus))
	for _, g := range gpus {
		rows = append(rows, []string{
			g.Name, g.Vendor, fmt.Sprintf("%.0f", float64(g.MemoryBytes)/(1<<30)),
			fmt.Sprintf("%.0f", g.BandwidthGBs), fmt.Sprintf("%.1f", g.ComputeTFLOPS()),
			fmt.Sprintf("%.0f", g.TDPWatts), g.Confidence,
		})
	}
	return []string{"name", "vendor", "memory_gb", "bandwidth_gb_s", "fp16_tflops", "tdp_w", "confidence"}, rows, nil
}
