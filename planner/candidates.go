package planner

import (
	"fmt"
	"math"
	"sort"

	"github.com/plan-cli/plan/simulate"
)

// Speeds predicts a model's speeds on the target: the throughput model
// with the catalog efficiency, or calibrated on this machine, or measured.
type Speeds func(shape simulate.ModelShape, hw simulate.Hardware, contextTokens, concurrency int) simulate.Prediction

// Option is one model at one quantization, placed on the target.
type Option struct {
	Tag, Quant string
	// PullTag is the Ollama tag that serves it: the installed model's, or
	// the library's tag of this quantization ("" when the library has none).
	PullTag  string
	Arch     Arch
	Settings MemoryOptions
	Fit      Fit
	Shape    simulate.ModelShape
	Hardware simulate.Hardware // the target with VRAM set to what the fit placed
	One      simulate.Prediction
	Curve    []simulate.CurvePoint
	Users    int // concurrent requests each decoding at least the minimum speed

	Rated   bool
	Quality float64 // LMArena score after the quantization penalty
	Penalty float64
}

// candidateQuants are the types the Ollama library offers for most models.
var candidateQuants = []string{"Q4_K_M", "Q8_0", "F16"}

// Options places every catalog model at each quantization it comes in on
// the target, with contextTokens of context per request and up to
// maxParallel requests at once, and predicts its speeds. Models that do
// not fit are left out.
func Options(t Target, contextTokens, maxParallel int, minTPS float64, speeds Speeds) ([]Option, error) {
	qc, err := Qualities()
	if err != nil {
		return nil, err
	}
	return options(qc, t, contextTokens, maxParallel, minTPS, speeds)
}

// options is Options with the quality scores of qc.
func options(qc *QualityCatalog, t Target, contextTokens, maxParallel int, minTPS float64, speeds Speeds) ([]Option, error) {
	models, err := simulate.Models()
	if err != nil {
		return nil, err
	}
	installed := installedByTag(t.Installed)
	var out []Option
	add := func(tag, quant, pull string, a Arch) error {
		o, ok, err := place(t, tag, quant, a, contextTokens, maxParallel, minTPS, speeds)
		if err == nil && ok {
			o.PullTag = pull
			o.rate(qc)
			out = append(out, o)
		}
		return err
	}
	for _, m := range models {
		for _, q := range quantsOf(m) {
			a, ok := installed[m.Tag+" "+q]
			pull := m.PullTag(q)
			if ok {
				delete(installed, m.Tag+" "+q)
				pull = a.Name
			} else if a, err = ArchFromCatalog(m.Tag, q); err != nil {
				return nil, err
			}
			if err := add(m.Tag, q, pull, a); err != nil {
				return nil, err
			}
		}
	}
	for _, a := range t.Installed {
		if _, left := installed[installedKey(a)]; left {
			if err := add(a.Name, a.Quant, a.Name, a); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// installedByTag indexes installed models by catalog tag and quantization
// ("qwen2.5:7b Q4_K_M"); a model the catalog does not know keeps its name.
func installedByTag(as []Arch) map[string]Arch {
	out := map[string]Arch{}
	for _, a := range as {
		out[installedKey(a)] = a
	}
	return out
}

func installedKey(a Arch) string {
	if m, q, ok := simulate.LookupModel(a.Name); ok {
		if q == "" {
			q = a.Quant
		}
		return m.Tag + " " + simulate.NormalizeQuant(q)
	}
	return a.Name + " " + simulate.NormalizeQuant(a.Quant)
}

func quantsOf(m simulate.OpenModel) []string {
	var qs []string
	for _, q := range candidateQuants {
		for _, have := range m.Quants {
			if have == q {
				qs = append(qs, q)
			}
		}
	}
	if len(qs) == 0 && m.DefaultQuant != "" {
		qs = append(qs, m.DefaultQuant)
	}
	return qs
}

// place fits a model with the most parallel requests (down to 1) that
// keep it where it fits best, trying an f16 cache and then, with flash
// attention, a q8_0 one.
func place(t Target, tag, quant string, a Arch, ctx, maxParallel int, minTPS float64, speeds Speeds) (Option, bool, error) {
	c := min(ctx, max(a.ContextLength, 2048))
	var best Option
	found := false
	for _, kv := range kvChoices(t) {
		for p := maxParallel; p >= 1; p /= 2 {
			mo := MemoryOptions{ContextTokens: c, Parallel: p, KVCacheType: kv, FlashAttention: kv != "f16", OllamaVersion: t.OllamaVersion}
			f, err := FitMemory(a, mo, t.Memory)
			if err != nil {
				return Option{}, false, err
			}
			if f.Placement == PlaceNone {
				continue
			}
			o := Option{Tag: tag, Quant: quant, Arch: a, Settings: mo, Fit: f}
			if !found || better(o, best) {
				best, found = o, true
			}
			if f.Placement == PlaceGPU || len(t.Memory.GPUs) == 0 {
				break
			}
		}
		if found && best.Fit.Placement == PlaceGPU {
			break
		}
	}
	if !found {
		return Option{}, false, nil
	}
	best.predict(t, minTPS, speeds)
	return best, true, nil
}

func kvChoices(t Target) []string {
	if t.FlashAttention {
		return []string{"f16", "q8_0"}
	}
	return []string{"f16"}
}

// better prefers all-on-GPU placements, then more layers on the GPU, then
// more parallel requests.
func better(a, b Option) bool {
	if ra, rb := placementRank(a.Fit.Placement), placementRank(b.Fit.Placement); ra != rb {
		return ra > rb
	}
	if a.Fit.GPULayers != b.Fit.GPULayers {
		return a.Fit.GPULayers > b.Fit.GPULayers
	}
	return a.Settings.Parallel > b.Settings.Parallel
}

func placementRank(p Placement) int {
	switch p {
	case PlaceGPU:
		return 3
	case PlacePartial:
		return 2
	case PlaceCPU:
		return 1
	}
	return 0
}

// predict sets the option's speeds: the hardware's VRAM is set so that the
// throughput model splits the layers as the memory fit placed them.
func (o *Option) predict(t Target, minTPS float64, speeds Speeds) {
	o.Shape = ShapeOf(o.Arch)
	o.Shape.Name, o.Shape.Quant = o.Tag, o.Quant
	hw := t.Hardware
	ctx, p := o.Settings.ContextTokens, o.Settings.Parallel
	switch o.Fit.Placement {
	case PlaceGPU:
		hw.VRAMBytes = 0
	case PlaceCPU:
		hw.BandwidthGBs, hw.TFLOPS, hw.VRAMBytes = hw.CPUBandwidthGBs, hw.CPUTFLOPS, 0
	default:
		total := o.Shape.WeightBytes() + o.Shape.KVBytesPerToken()*float64(ctx)*float64(p)
		hw.VRAMBytes = int64(math.Ceil(total*o.Fit.GPUShare)) + 1
	}
	o.Hardware = hw
	// Requests use half their context on average while decoding.
	avg := ctx / 2
	o.One = speeds(o.Shape, hw, avg, 1)
	o.Curve = o.Curve[:0]
	o.Users = 0
	for k := 1; k <= p; k++ {
		pk := speeds(o.Shape, hw, avg, k)
		o.Curve = append(o.Curve, simulate.CurvePoint{Active: k, DecodeTokensPerSecond: pk.DecodeTPS, PrefillTokensPerSecond: pk.PrefillTPS})
		if pk.PerRequestTPS >= minTPS {
			o.Users = k
		}
	}
}

// rate sets the option's quality: its catalog score less the penalty of
// its quantization.
func (o *Option) rate(qc *QualityCatalog) {
	row, _, err := qc.Open(o.Tag)
	if err != nil || !row.Rated() {
		return
	}
	pen, err := qc.Penalty(o.Quant, float64(o.Arch.ActiveParams)/1e9)
	if err != nil {
		return
	}
	o.Rated, o.Quality, o.Penalty = true, row.Arena-pen.Elo, pen.Elo
}

// Rank orders options for recommendation: those that decode at least
// minTPS for one request first, then by quality (rated before unrated),
// then by decode speed.
func Rank(opts []Option, minTPS float64) []Option {
	out := append([]Option(nil), opts...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		fa, fb := a.One.PerRequestTPS >= minTPS, b.One.PerRequestTPS >= minTPS
		switch {
		case fa != fb:
			return fa
		case a.Rated != b.Rated:
			return a.Rated
		case a.Rated && a.Quality != b.Quality:
			return a.Quality > b.Quality
		}
		return a.One.DecodeTPS > b.One.DecodeTPS
	})
	return out
}

// Tier names a quality band of the LMArena scale (snapshot 2026-03-29).
func Tier(o Option) string {
	switch {
	case !o.Rated:
		return "unrated"
	case o.Quality >= 1400:
		return "frontier-class (1400+)"
	case o.Quality >= 1330:
		return "gpt-4o-class (1330-1399)"
	case o.Quality >= 1250:
		return "gpt-4o-mini-class (1250-1329)"
	case o.Quality >= 1150:
		return "small (1150-1249)"
	}
	return fmt.Sprintf("basic (%.0f)", o.Quality)
}
