package simulate

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/plan-cli/plan/data"
)

// GPU is one row of the embedded GPU catalog (data.GPUsCSV). Unknown figures
// are zero.
type GPU struct {
	Name          string
	Vendor        string
	Class         string // consumer, workstation, datacenter, unified, ...
	MemoryBytes   int64  // memory_gb read as GiB
	BandwidthGBs  float64
	FP32TFLOPS    float64
	FP16TFLOPS    float64 // dense FP16 tensor peak as listed; zero when the catalog has none
	TDPWatts      float64
	PriceUSD      float64
	PriceKind     string
	UnifiedMemory bool   // memory shared with the CPU (Apple, APUs, DGX Spark)
	Confidence    string // high, med or low, as the catalog says
	Launch        string // YYYY-MM, as the catalog says
	// ComputeBasis says where the compute figure comes from: "spec" (a
	// published figure), "derived" (from published cores and clocks) or
	// "estimate" (no published figure; see ComputeEstimated).
	ComputeBasis string
}

// ComputeEstimated reports whether the compute figure is an estimate, so
// that prefill predictions from it need a wider band.
func (g GPU) ComputeEstimated() bool { return g.ComputeBasis == "estimate" }

// ComputeTFLOPS returns the FP16 rate the throughput model uses: the FP16
// tensor figure when the catalog has one; otherwise, for NVIDIA GeForce and
// workstation cards, twice the FP32 figure (their listed FP16 tensor rates are
// 2x FP32 where both are known); otherwise the FP32 figure (Apple GPUs run
// FP16 at the FP32 rate). Zero when nothing is known.
func (g GPU) ComputeTFLOPS() float64 {
	switch {
	case g.FP16TFLOPS > 0:
		return g.FP16TFLOPS
	case g.FP32TFLOPS > 0 && g.Vendor == "NVIDIA" && (g.Class == "consumer" || g.Class == "workstation"):
		return 2 * g.FP32TFLOPS
	default:
		return g.FP32TFLOPS
	}
}

// Hardware returns the GPU as a Hardware for Predict. The CPU side
// (CPUBandwidthGBs, CPUTFLOPS) is left for the caller to fill in.
func (g GPU) Hardware() Hardware {
	return Hardware{
		Name:          g.Name,
		Class:         DeviceClass(g),
		BandwidthGBs:  g.BandwidthGBs,
		TFLOPS:        g.ComputeTFLOPS(),
		VRAMBytes:     g.MemoryBytes,
		UnifiedMemory: g.UnifiedMemory,
		// ComputeEstimated widens the prefill band of predictions.
		ComputeEstimated: g.ComputeEstimated(),
	}
}

var (
	gpuOnce    sync.Once
	gpuCatalog []GPU
	gpuErr     error
)

// GPUs returns the embedded GPU catalog in its file order.
func GPUs() ([]GPU, error) {
	gpuOnce.Do(func() {
		gpuCatalog, gpuErr = ParseGPUs(bytes.NewReader(data.GPUsCSV()))
		estimateCompute(gpuCatalog)
	})
	if gpuErr != nil {
		return nil, gpuErr
	}
	return append([]GPU(nil), gpuCatalog...), nil
}

// ParseGPUs reads a catalog in the format of data.GPUsCSV: comment lines
// starting with #, a header row, then one row per part. Columns are found by
// name; blank numeric cells read as zero.
func ParseGPUs(r io.Reader) ([]GPU, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true // the notes column has bare inch marks
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("GPU catalog: reading the header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, need := range []string{"name", "memory_gb", "mem_bw_gbs"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("GPU catalog: no %q column", need)
		}
	}
	var out []GPU
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("GPU catalog: %w", err)
		}
		line, _ := cr.FieldPos(0)
		cell := func(name string) string {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		num := func(name string) (float64, error) {
			s := cell(name)
			if s == "" {
				return 0, nil
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("GPU catalog line %d: %s %q is not a non-negative number", line, name, s)
			}
			return v, nil
		}
		g := GPU{
			Name:         cell("name"),
			Vendor:       cell("vendor"),
			Class:        cell("class"),
			PriceKind:    cell("price_kind"),
			Confidence:   cell("confidence"),
			Launch:       cell("launch"),
			ComputeBasis: cmp.Or(cell("compute_basis"), "spec"),
		}
		if g.Name == "" {
			return nil, fmt.Errorf("GPU catalog line %d: no name", line)
		}
		var mem float64
		for _, f := range []struct {
			name string
			dst  *float64
		}{
			{"memory_gb", &mem},
			{"mem_bw_gbs", &g.BandwidthGBs},
			{"fp32_tflops", &g.FP32TFLOPS},
			{"fp16_tensor_tflops_dense", &g.FP16TFLOPS},
			{"tdp_w", &g.TDPWatts},
			{"price_usd", &g.PriceUSD},
		} {
			v, err := num(f.name)
			if err != nil {
				return nil, err
			}
			*f.dst = v
		}
		g.MemoryBytes = int64(mem * (1 << 30))
		g.UnifiedMemory = strings.Contains(g.Class, "unified") || g.Vendor == "Apple"
		out = append(out, g)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("GPU catalog: no rows")
	}
	return out, nil
}

// RepresentativeGPU is the catalog GPU that stands for "a GPU with memGB
// GB" when nothing else is said: among the discrete desktop GPUs with that much
// memory (the nearest size when none has it exactly, the smaller on a tie),
// the GeForce cards when there are any, else the consumer cards, else all;
// of those the one of median bandwidth (the lower of the two middle ones;
// the newer of two of the same bandwidth).
func RepresentativeGPU(memGB float64) (GPU, bool) {
	gpus, err := GPUs()
	if err != nil {
		return GPU{}, false
	}
	var discrete []GPU
	for _, g := range gpus {
		if !g.UnifiedMemory && g.BandwidthGBs > 0 && !strings.Contains(g.Name, "Laptop") {
			discrete = append(discrete, g)
		}
	}
	if len(discrete) == 0 {
		return GPU{}, false
	}
	gb := func(g GPU) float64 { return math.Round(float64(g.MemoryBytes) / (1 << 30)) }
	best := gb(discrete[0])
	for _, g := range discrete {
		d, bd := math.Abs(gb(g)-memGB), math.Abs(best-memGB)
		if d < bd || (d == bd && gb(g) < best) {
			best = gb(g)
		}
	}
	var sized []GPU
	for _, g := range discrete {
		if gb(g) == best {
			sized = append(sized, g)
		}
	}
	pool := sized
	for _, keep := range []func(GPU) bool{
		func(g GPU) bool { return g.Vendor == "NVIDIA" && g.Class == "consumer" },
		func(g GPU) bool { return g.Class == "consumer" },
	} {
		var p []GPU
		for _, g := range sized {
			if keep(g) {
				p = append(p, g)
			}
		}
		if len(p) > 0 {
			pool = p
			break
		}
	}
	slices.SortStableFunc(pool, func(a, b GPU) int {
		return cmp.Or(cmp.Compare(a.BandwidthGBs, b.BandwidthGBs), strings.Compare(b.Launch, a.Launch), strings.Compare(a.Name, b.Name))
	})
	return pool[(len(pool)-1)/2], true
}

// estimateCompute gives a part with no compute figure one estimated from
// its bandwidth: the median ratio of FP16 rate to bandwidth of the parts
// with both of its vendor (of all parts when its vendor has none), marked
// as an estimate.
func estimateCompute(gpus []GPU) {
	ratios := func(vendor string) []float64 {
		var r []float64
		for _, g := range gpus {
			if c := g.ComputeTFLOPS(); c > 0 && g.BandwidthGBs > 0 && (vendor == "" || g.Vendor == vendor) {
				r = append(r, c/g.BandwidthGBs)
			}
		}
		slices.Sort(r)
		return r
	}
	for i := range gpus {
		g := &gpus[i]
		if g.ComputeTFLOPS() > 0 || g.BandwidthGBs <= 0 {
			continue
		}
		r := ratios(g.Vendor)
		if len(r) == 0 {
			r = ratios("")
		}
		if len(r) == 0 {
			continue
		}
		g.FP16TFLOPS = r[len(r)/2] * g.BandwidthGBs
		g.ComputeBasis = "estimate"
	}
}

var (
	tokenRE  = regexp.MustCompile(`[a-z0-9]+`)
	memoryRE = regexp.MustCompile(`^[0-9]+gb$`)
)

// gpuTokens splits a name into lower-case words and numbers, and sets apart
// memory sizes such as "24gb".
func gpuTokens(s string) (words []string, memory []string) {
	for _, t := range tokenRE.FindAllString(strings.ToLower(s), -1) {
		if memoryRE.MatchString(t) {
			memory = append(memory, t)
		} else {
			words = append(words, t)
		}
	}
	return words, memory
}

func subset(a, b []string) bool {
	set := map[string]bool{}
	for _, t := range b {
		set[t] = true
	}
	for _, t := range a {
		if !set[t] {
			return false
		}
	}
	return true
}

// LookupGPU finds a part in the embedded catalog by a name as a user or a
// tool writes it. Case and punctuation do not matter, and the match is
// tolerant both ways: a longer name that contains a catalog name ("NVIDIA
// GeForce RTX 4090", "Apple M3 Max 40-core GPU 64GB") finds the most specific
// catalog entry it contains, and a shorter one ("4090", "m2 ultra") finds the
// entry with the fewest words beyond it (earliest in the catalog on a tie).
// Memory sizes such as "12GB" only decide between variants: they never need
// to match, but a size that contradicts an entry's size rules it out.
func LookupGPU(name string) (GPU, bool) {
	gpus, err := GPUs()
	if err != nil {
		return GPU{}, false
	}
	return lookupGPU(gpus, name)
}

// GPUChoices returns the catalog entries a short name could mean equally
// well ("M4 Max": the 32-core and the 40-core GPU; "A100": its memory
// sizes and forms), for asking which; nil when the name finds one entry,
// or none.
func GPUChoices(name string) []string {
	gpus, err := GPUs()
	if err != nil {
		return nil
	}
	best := bestGPUs(gpus, name)
	if len(best) < 2 {
		return nil
	}
	names := make([]string, len(best))
	for i, g := range best {
		names[i] = g.Name
	}
	return names
}

func lookupGPU(gpus []GPU, name string) (GPU, bool) {
	if best := bestGPUs(gpus, name); len(best) > 0 {
		return best[0], true
	}
	qw, qm := gpuTokens(name)
	if len(qw) == 0 {
		return GPU{}, false
	}
	return byModelNumber(gpus, qw, qm)
}

// bestGPUs are the catalog entries that match name best, in catalog order.
// An entry matches when its words all stand in the name ("NVIDIA GeForce
// RTX 4090" holds "RTX 4090") or the name's words all stand in it ("m2
// ultra" in "Apple M2 Ultra"), and its memory size does not contradict
// one the name gives. The best share the most words with the name, then
// have the fewest words beyond it, then agree on the memory size.
func bestGPUs(gpus []GPU, name string) []GPU {
	qw, qm := gpuTokens(name)
	if len(qw) == 0 {
		return nil
	}
	var best []GPU
	var bestRank [3]int
	for _, g := range gpus {
		cw, cm := gpuTokens(g.Name)
		if len(cw) == 0 || !subset(cw, qw) && !subset(qw, cw) {
			continue
		}
		if len(cm) > 0 && len(qm) > 0 && !subset(cm, qm) {
			continue
		}
		shared := 0
		for _, w := range cw {
			if slices.Contains(qw, w) {
				shared++
			}
		}
		memory := 0
		if len(cm) > 0 && len(qm) > 0 {
			memory = 1 // the memory size agrees
		}
		rank := [3]int{shared, -(len(cw) - shared), memory}
		switch c := compareRank(rank, bestRank); {
		case best == nil || c > 0:
			best, bestRank = []GPU{g}, rank
		case c == 0:
			best = append(best, g)
		}
	}
	return best
}

// compareRank orders ranks field by field, larger first.
func compareRank(a, b [3]int) int {
	for i := range a {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return 0
}

// byModelNumber finds the part whose model number (its first word with a
// digit: "h200", "4090", "mi300x") is a word of the query, the one sharing
// the most words with it, then the one with the fewest words beyond it: a
// tool's name with the vendor and memory type in it ("NVIDIA H200", "NVIDIA
// H100 80GB HBM3") still finds its part.
func byModelNumber(gpus []GPU, qw, qm []string) (GPU, bool) {
	best, bestShared, bestExtra := -1, 0, 0
	for i, g := range gpus {
		cw, cm := gpuTokens(g.Name)
		number := slices.IndexFunc(cw, func(w string) bool { return strings.ContainsAny(w, "0123456789") })
		if number < 0 || !slices.Contains(qw, cw[number]) {
			continue
		}
		if len(cm) > 0 && len(qm) > 0 && !subset(cm, qm) {
			continue
		}
		shared := 0
		for _, w := range cw {
			// "sxm" is in "sxm4": a word may carry a generation number.
			if slices.ContainsFunc(qw, func(q string) bool { return q == w || len(w) >= 3 && strings.HasPrefix(q, w) }) {
				shared++
			}
		}
		extra := len(cw) - shared
		if best < 0 || shared > bestShared || shared == bestShared && extra < bestExtra {
			best, bestShared, bestExtra = i, shared, extra
		}
	}
	if best < 0 {
		return GPU{}, false
	}
	return gpus[best], true
}
