package simulate

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// BasisCalibratedHere marks a prediction from a Calibration of this machine.
const BasisCalibratedHere Basis = "calibrated here"

// CalibrationPoint is one measured model of a calibration run.
type CalibrationPoint struct {
	Model        string  `json:"model"`
	Quant        string  `json:"quant"`  // GGUF type, such as "Q4_K_M"
	Params       int64   `json:"params"` // weights read per token
	PromptTokens int     `json:"prompt_tokens"`
	DecodeTPS    float64 `json:"decode_tokens_per_second"`
	PrefillTPS   float64 `json:"prefill_tokens_per_second"`
}

// Line is a per-token time that grows linearly with the weights:
// seconds per token = Overhead + PerWeight x weights.
type Line struct {
	OverheadSeconds  float64 `json:"overhead_seconds"`
	PerWeightSeconds float64 `json:"seconds_per_weight"`
}

// At returns the seconds per token of a model of n weights.
func (l Line) At(n float64) float64 { return l.OverheadSeconds + l.PerWeightSeconds*n }

// QuantCost is the fitted cost of one quantization type.
type QuantCost struct {
	Quant         string  `json:"quant"`
	BitsPerWeight float64 `json:"bits_per_weight"`
	Decode        Line    `json:"decode"`
	Prefill       Line    `json:"prefill"`
	// DecodeBand and PrefillBand are the range of this type's held-out
	// ratios, at least MinCalibrationBand; predictions take the wider band
	// of all types.
	DecodeBand  Band `json:"decode_band"`
	PrefillBand Band `json:"prefill_band"`
}

// Residual is how a measured speed compares with the fit: Fitted is the
// speed of the fit to all points, HeldOut the speed of the fit to all other
// points of the same phase (leave-one-out), both in tokens/s.
type Residual struct {
	Model        string  `json:"model"`
	Quant        string  `json:"quant"`
	Phase        string  `json:"phase"` // "decode" or "prefill"
	Measured     float64 `json:"measured"`
	Fitted       float64 `json:"fitted"`
	HeldOut      float64 `json:"held_out"`
	FittedRatio  float64 `json:"fitted_ratio"`   // Measured / Fitted
	HeldOutRatio float64 `json:"held_out_ratio"` // Measured / HeldOut
	// HeldOutMissing is set when the other points cannot predict this one
	// (too few left, or a degenerate fit; see maxHeldOutRatio).
	HeldOutMissing bool `json:"held_out_missing,omitempty"`
}

// Calibration is the measured cost of decoding and prefilling on one
// machine, per quantization type; see FitCalibration.
type Calibration struct {
	Quants    []QuantCost        `json:"quants"`
	Points    []CalibrationPoint `json:"points"`
	Residuals []Residual         `json:"residuals"`
	// DecodeBand and PrefillBand bound measured / predicted speed: the
	// range of the held-out ratios of all types.
	DecodeBand  Band `json:"decode_band"`
	PrefillBand Band `json:"prefill_band"`
	// BandwidthGBs is the machine's measured memory bandwidth, for the
	// key/value cache reads of long contexts; 0 leaves them out.
	BandwidthGBs  float64   `json:"bandwidth_gb_per_s,omitempty"`
	Hardware      string    `json:"hardware,omitempty"`
	ServerVersion string    `json:"server_version,omitempty"`
	Time          time.Time `json:"time"`
}

// MinCalibrationBand is the narrowest band of a calibrated prediction. On a
// machine shared with other work a benchmark's median speed moves between
// runs: on the 2-core test machine, with other test packages running, the
// same generated 10M-weight Q8_0 model measured 242, 371 and 402 decode
// tokens/s in three runs of the test. And the cost per weight is not quite
// linear in the model's size: a model whose weights fit in the CPU's
// last-level cache runs faster per weight than one that does not. Held-out
// models there came out from 38% below to 48% above their calibrated
// prediction, so a fit to a few points is not trusted closer than this.
var MinCalibrationBand = Band{Low: 0.6, High: 1 / 0.6}

// maxHeldOutRatio marks a degenerate held-out fit: when the point left out
// was its type's only other size, the remaining point and the overhead of
// the other types may leave that type a cost per weight near 0. Such a ratio
// says nothing about the fit's error and is not counted in the bands.
const maxHeldOutRatio = 5.0

// uncalibratedFactor widens the band of a quant type that was not
// calibrated. Bits per weight are a weak guide to a CPU's cost per weight:
// on the test machine Q6_K decoded slower per weight than both Q4_K_M and
// Q8_0, and Q8_0 faster than Q4_K_M, because dequantizing the K-quants'
// blocks costs more than reading their bytes.
const uncalibratedFactor = 2.0

// FitCalibration fits the per-token times of the points. Decode seconds per
// token (1 / decode tokens/s) is modeled as a fixed overhead shared by all
// quant types (sampling, scheduling, graph setup) plus a per-weight cost of
// each type: t = a + b_q x N. Prefill seconds per prompt token is fitted the
// same way. The fit is least squares on the relative error (each point
// weighted by 1 / t squared), so small and large models count alike; a
// negative overhead is refitted as 0. The overhead separates from the costs
// per weight when at least one type is measured at two sizes; every type
// needs at least one point. The bands are the range of the held-out ratios
// (each point predicted by the fit to all the other points), at least
// MinCalibrationBand: per type (for reference) and over all types (what
// predictions use).
func FitCalibration(points []CalibrationPoint) (Calibration, error) {
	c := Calibration{Points: append([]CalibrationPoint(nil), points...)}
	quants := quantsOf(points)
	if len(quants) == 0 {
		return c, errors.New("calibration: no measured points")
	}
	dec, err := fitPhase(points, quants, decodeTime)
	if err != nil {
		return c, fmt.Errorf("calibration, decode: %w", err)
	}
	pre, err := fitPhase(points, quants, prefillTime)
	if err != nil {
		return c, fmt.Errorf("calibration, prefill: %w", err)
	}
	for _, q := range quants {
		bits, _ := BitsPerWeight(q)
		c.Quants = append(c.Quants, QuantCost{Quant: q, BitsPerWeight: bits, Decode: dec[q], Prefill: pre[q]})
	}
	sort.Slice(c.Quants, func(i, j int) bool { return c.Quants[i].BitsPerWeight < c.Quants[j].BitsPerWeight })
	c.Residuals = append(residuals(points, quants, dec, "decode", decodeTime),
		residuals(points, quants, pre, "prefill", prefillTime)...)
	c.DecodeBand, c.PrefillBand = MinCalibrationBand, MinCalibrationBand
	for i := range c.Quants {
		c.Quants[i].DecodeBand, c.Quants[i].PrefillBand = MinCalibrationBand, MinCalibrationBand
	}
	for _, r := range c.Residuals {
		c.widen(r)
	}
	return c, nil
}

// widen stretches the bands of the residual's phase, of its type and of
// all types, to hold its held-out ratio r (its fitted ratio if it has none)
// and, symmetrically, 1 / r: with a few points, an error seen in one
// direction is as likely in the other.
func (c *Calibration) widen(r Residual) {
	ratio := r.HeldOutRatio
	if r.HeldOutMissing {
		ratio = r.FittedRatio
	}
	for i := range c.Quants {
		q := &c.Quants[i]
		if q.Quant != r.Quant {
			continue
		}
		if r.Phase == "decode" {
			q.DecodeBand = q.DecodeBand.widen(ratio).widen(1 / ratio)
		} else {
			q.PrefillBand = q.PrefillBand.widen(ratio).widen(1 / ratio)
		}
	}
	if r.Phase == "decode" {
		c.DecodeBand = c.DecodeBand.widen(ratio).widen(1 / ratio)
	} else {
		c.PrefillBand = c.PrefillBand.widen(ratio).widen(1 / ratio)
	}
}

// decodeTime and prefillTime return a point's seconds per token, 0 if unmeasured.
func decodeTime(p CalibrationPoint) float64  { return inverse(p.DecodeTPS) }
func prefillTime(p CalibrationPoint) float64 { return inverse(p.PrefillTPS) }

func inverse(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return 1 / v
}

// quantsOf returns the distinct quant types of the points, upper case.
func quantsOf(points []CalibrationPoint) []string {
	var qs []string
	seen := map[string]bool{}
	for _, p := range points {
		q := normQuant(p.Quant)
		if !seen[q] {
			seen[q] = true
			qs = append(qs, q)
		}
	}
	return qs
}

func normQuant(q string) string {
	q = strings.ToUpper(strings.TrimSpace(q))
	if q == "" {
		return "F16"
	}
	return q
}

// fitPhase fits t = a + b_q x N to the points with a measured time.
func fitPhase(points []CalibrationPoint, quants []string, cost func(CalibrationPoint) float64) (map[string]Line, error) {
	idx := map[string]int{}
	for i, q := range quants {
		idx[q] = i
	}
	var rows [][]float64
	var ys, ws []float64
	for _, p := range points {
		t := cost(p)
		if t <= 0 || p.Params <= 0 {
			continue
		}
		row := make([]float64, len(quants)+1)
		row[0] = 1
		row[1+idx[normQuant(p.Quant)]] = float64(p.Params)
		rows, ys, ws = append(rows, row), append(ys, t), append(ws, 1/(t*t))
	}
	coef, err := leastSquares(rows, ys, ws, true)
	if err != nil {
		return nil, err
	}
	if coef[0] < 0 { // no overhead can be negative: fit the slopes alone
		if coef, err = leastSquares(rows, ys, ws, false); err != nil {
			return nil, err
		}
	}
	lines := map[string]Line{}
	for i, q := range quants {
		if coef[1+i] <= 0 {
			return nil, fmt.Errorf("%s: the fitted cost per weight is %.3g s, not positive (measure it at two sizes)", q, coef[1+i])
		}
		lines[q] = Line{OverheadSeconds: coef[0], PerWeightSeconds: coef[1+i]}
	}
	return lines, nil
}

// leastSquares solves the weighted normal equations of rows x coef = ys; with
// intercept false the first coefficient is held at 0. A column without data
// makes the system singular and gives an error.
func leastSquares(rows [][]float64, ys, ws []float64, intercept bool) ([]float64, error) {
	if len(rows) == 0 {
		return nil, errors.New("no measured points")
	}
	n := len(rows[0])
	first := 0
	if !intercept {
		first = 1
	}
	k := n - first
	a := make([][]float64, k)
	for i := range a {
		a[i] = make([]float64, k+1)
	}
	for r, row := range rows {
		for i := range k {
			for j := range k {
				a[i][j] += ws[r] * row[first+i] * row[first+j]
			}
			a[i][k] += ws[r] * row[first+i] * ys[r]
		}
	}
	x, err := solve(a)
	if err != nil {
		return nil, fmt.Errorf("too few points of distinct sizes to separate overhead and cost per weight (%w)", err)
	}
	return append(make([]float64, first), x...), nil
}

// solve solves the augmented system a by Gaussian elimination with partial
// pivoting; each row is scaled first, as the columns differ by 10^8.
func solve(a [][]float64) ([]float64, error) {
	k := len(a)
	for i := range k {
		scale := 0.0
		for j := range k {
			scale = math.Max(scale, math.Abs(a[i][j]))
		}
		if scale == 0 {
			return nil, errors.New("singular system")
		}
		for j := range a[i] {
			a[i][j] /= scale
		}
	}
	for col := range k {
		p := col
		for r := col + 1; r < k; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-12 {
			return nil, errors.New("singular system")
		}
		a[col], a[p] = a[p], a[col]
		for r := col + 1; r < k; r++ {
			f := a[r][col] / a[col][col]
			for j := col; j <= k; j++ {
				a[r][j] -= f * a[col][j]
			}
		}
	}
	x := make([]float64, k)
	for i := k - 1; i >= 0; i-- {
		s := a[i][k]
		for j := i + 1; j < k; j++ {
			s -= a[i][j] * x[j]
		}
		x[i] = s / a[i][i]
	}
	return x, nil
}

// residuals compares each measured point with the fit and with the fit to
// the other points.
func residuals(points []CalibrationPoint, quants []string, fit map[string]Line, phase string, cost func(CalibrationPoint) float64) []Residual {
	var out []Residual
	for i, p := range points {
		t := cost(p)
		if t <= 0 || p.Params <= 0 {
			continue
		}
		q := normQuant(p.Quant)
		r := Residual{Model: p.Model, Quant: q, Phase: phase, Measured: 1 / t, Fitted: 1 / fit[q].At(float64(p.Params))}
		r.FittedRatio = r.Measured / r.Fitted
		others := append(append([]CalibrationPoint(nil), points[:i]...), points[i+1:]...)
		r.HeldOutMissing = true
		if loo, err := fitPhase(others, quantsOf(others), cost); err == nil && loo[q].PerWeightSeconds > 0 {
			r.HeldOut = 1 / loo[q].At(float64(p.Params))
			r.HeldOutRatio = r.Measured / r.HeldOut
			r.HeldOutMissing = r.HeldOutRatio < 1/maxHeldOutRatio || r.HeldOutRatio > maxHeldOutRatio
		}
		out = append(out, r)
	}
	return out
}
