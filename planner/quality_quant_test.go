package planner

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/plan-cli/plan/data"
)

func TestQuantCatalogEmbedded(t *testing.T) {
	c := catalog(t)
	prov, err := data.QuantsProvenance()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Quants) != prov.Entries {
		t.Errorf("%d quantization types, provenance says %d", len(c.Quants), prov.Entries)
	}
	q, ok := c.Quant("q4_k_m")
	if !ok || q.Name != "Q4_K_M" || q.KLD != 0.032032 || q.BitsPerWeight != 4.8944 || q.Imatrix != "None" {
		t.Errorf("Q4_K_M = %+v, %v", q, ok)
	}
	if _, ok := c.Quant("fp16"); !ok {
		t.Error("fp16 should find F16")
	}
}

func penalty(t *testing.T, quant string, sizeB float64) QuantPenalty {
	t.Helper()
	p, err := catalog(t).Penalty(quant, sizeB)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPenaltyByType(t *testing.T) {
	for _, c := range []struct {
		quant    string
		lo, hi   float64 // Elo at 8B
		maxPoint float64
	}{
		{"F16", 0, 0, 0},
		{"BF16", 0, 0, 0},
		{"Q8_0", 0.1, 1, 0.2},
		{"Q6_K", 1, 5, 1},
		{"Q5_K_M", 3, 10, 2},
		{"Q4_K_M", 10, 25, 3.05},
		{"Q3_K_M", 40, 80, 10},
		{"Q2_K", 200, 300, 45},
	} {
		p := penalty(t, c.quant, 8)
		if p.Elo < c.lo || p.Elo > c.hi || p.Points > c.maxPoint {
			t.Errorf("%s at 8B: %.1f Elo (%.2f points); want %v to %v, at most %v points", c.quant, p.Elo, p.Points, c.lo, c.hi, c.maxPoint)
		}
	}
}

// TestPenaltyFollowsKLD checks that a type with a larger measured KL
// divergence never costs less, at every size.
func TestPenaltyFollowsKLD(t *testing.T) {
	c := catalog(t)
	types := append([]QuantType(nil), c.Quants...)
	sort.Slice(types, func(i, j int) bool { return types[i].KLD < types[j].KLD })
	for _, size := range []float64{0.5, 3, 8, 32, 70, 235} {
		last := -1.0
		for _, q := range types {
			p := penalty(t, q.Name, size)
			if p.Elo < last {
				t.Errorf("%gB: %s (KLD %v) costs %.1f, less than a type of smaller KLD (%.1f)", size, q.Name, q.KLD, p.Elo, last)
			}
			last = p.Elo
		}
	}
}

// TestPenaltyMatchesEvidence checks the size factor against the published
// 4-bit MMLU losses of Qwen2 (GPTQ-Int4 / AWQ, Qwen's documentation;
// /work/shared/reference/quality/quantization_evidence.csv): 72B -1.5 /
// -1.8, 7B -2.7 / -3.1, 0.5B -4.9 / -3.5. The penalty must be near them and
// never far below (it is meant to be conservative).
func TestPenaltyMatchesEvidence(t *testing.T) {
	for _, c := range []struct {
		name      string
		sizeB     float64
		published float64 // the larger published loss
		lo, hi    float64 // accepted range of the modelled points
	}{
		{"Qwen2-72B", 72.7, 1.8, 1.5, 2.2},
		{"Qwen2-7B", 7.6, 3.1, 2.7, 3.5},
		{"Llama-3.1-8B", 8.03, 1.7, 1.4, 3.1},
		{"Qwen2-0.5B", 0.49, 4.9, 4.9, 7},
	} {
		p := penalty(t, "Q4_K_M", c.sizeB)
		if p.Points < c.lo || p.Points > c.hi {
			t.Errorf("%s Q4_K_M: %.2f points lost; published %.1f, want %v to %v", c.name, p.Points, c.published, c.lo, c.hi)
		}
	}
	small, large := penalty(t, "Q4_K_M", 0.5), penalty(t, "Q4_K_M", 70)
	if small.Elo <= 2*large.Elo {
		t.Errorf("0.5B loses %.1f and 70B %.1f: small models should lose much more", small.Elo, large.Elo)
	}
}

func TestPenaltyClamps(t *testing.T) {
	if f := penalty(t, "Q4_K_M", 0.01).SizeFactor; f != penaltyMaxSize {
		t.Errorf("size factor of a tiny model = %v, want the %v clamp", f, penaltyMaxSize)
	}
	if f := penalty(t, "Q4_K_M", 1000).SizeFactor; f != penaltyMinSize {
		t.Errorf("size factor of a huge model = %v, want the %v clamp", f, penaltyMinSize)
	}
	p := penalty(t, "IQ1_S", 8)
	if p.Elo != PenaltyMaxElo || !p.Capped {
		t.Errorf("IQ1_S = %+v, want the %v cap", p, PenaltyMaxElo)
	}
	if p := penalty(t, "Q2_K", 70); p.Capped || p.Elo >= PenaltyMaxElo {
		t.Errorf("Q2_K at 70B = %+v, should be under the cap", p)
	}
}

func TestPenaltyUnknown(t *testing.T) {
	c := catalog(t)
	if _, err := c.Penalty("Q9_K", 8); err == nil || !strings.Contains(err.Error(), `"Q9_K"`) || !strings.Contains(err.Error(), "Q4_K_M") {
		t.Errorf("unknown type: %v; want an error naming it and the known ones", err)
	}
	for _, size := range []float64{0, -1, math.NaN()} {
		if _, err := c.Penalty("Q4_K_M", size); err == nil {
			t.Errorf("size %v: want an error, the cost is unknown", size)
		}
	}
	if p, err := c.Penalty("F16", 0); err != nil || p.Elo != 0 {
		t.Errorf("F16 of unknown size = %+v, %v; want 0", p, err)
	}
}

func TestOpenPenaltyNative(t *testing.T) {
	c := catalog(t)
	oss, _, err := c.Open("gpt-oss:20b")
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.openPenalty(oss, "mxfp4")
	if err != nil || !p.Native || p.Elo != 0 {
		t.Errorf("gpt-oss:20b MXFP4 = %+v, %v; want native, no penalty", p, err)
	}
	llama, _, err := c.Open("llama3.1:8b")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.openPenalty(llama, "MXFP4"); err == nil {
		t.Errorf("llama3.1:8b MXFP4 = %+v; want unknown (not its native format, not measured)", p)
	}
	moe, _, err := c.Open("qwen3:30b-a3b")
	if err != nil {
		t.Fatal(err)
	}
	p, err = c.openPenalty(moe, "Q4_K_M")
	if want := penalty(t, "Q4_K_M", 3.3); err != nil || p.Elo != want.Elo {
		t.Errorf("qwen3:30b-a3b Q4_K_M = %+v, %v; want the penalty of its 3.3B active weights, %.2f", p, err, want.Elo)
	}
}

// TestPenaltyEloPerPointSlope checks the documented basis of
// PenaltyEloPerPoint: it is at least the median slope, LMArena points per
// Artificial Analysis MMLU-Pro point, between models of one provider in the
// catalog (pairs at least 5 MMLU-Pro points apart), and that median is in a
// plausible range.
func TestPenaltyEloPerPointSlope(t *testing.T) {
	var slopes []float64
	rows := catalog(t).Rows
	for i, a := range rows {
		for _, b := range rows[i+1:] {
			if a.Provider != b.Provider || !a.Rated() || !b.Rated() || a.AAMMLUPro == 0 || b.AAMMLUPro == 0 {
				continue
			}
			if d := b.AAMMLUPro - a.AAMMLUPro; math.Abs(d) >= 5 {
				slopes = append(slopes, (b.Arena-a.Arena)/d)
			}
		}
	}
	if len(slopes) < 20 {
		t.Fatalf("only %d pairs", len(slopes))
	}
	sort.Float64s(slopes)
	median := slopes[len(slopes)/2]
	if len(slopes)%2 == 0 {
		median = (slopes[len(slopes)/2-1] + slopes[len(slopes)/2]) / 2
	}
	t.Logf("%d pairs, median %.2f LMArena points per MMLU-Pro point", len(slopes), median)
	if median > PenaltyEloPerPoint || median < 3 {
		t.Errorf("median slope %.2f: PenaltyEloPerPoint (%v) should be at least it, and it at least 3", median, PenaltyEloPerPoint)
	}
}

func TestParseQuantsErrors(t *testing.T) {
	header := "quant,bits_per_weight,delta_ppl,kld\n"
	for in, says := range map[string]string{
		"quant,kld\n":                 `no "bits_per_weight" column`,
		header + "Q4_K_M,4.9,0.2,x\n": `line 2: kld "x" is not a number`,
		header + "Q4_K_M,0,0.2,0.1\n": "line 2: needs a name, positive bits per weight",
		header + "Q4_K_M,4,0.2,-1\n":  "line 2: needs",
	} {
		_, err := ParseQuants(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseQuants(%q) error = %v; want %q", in, err, says)
		}
	}
}

// TestPenaltyReadmeTable checks rows of the penalty table in the README.
func TestPenaltyReadmeTable(t *testing.T) {
	sizes := []float64{0.5, 1.24, 3.21, 8, 14.77, 32.76, 70.55}
	for quant, want := range map[string][]float64{
		"Q8_0":   {2, 1, 1, 1, 1, 1, 0},
		"Q4_K_M": {36, 29, 23, 18, 15, 13, 10},
		"Q2_K":   {400, 400, 324, 258, 221, 181, 150},
	} {
		for i, size := range sizes {
			if got := math.Round(penalty(t, quant, size).Elo); got != want[i] {
				t.Errorf("%s at %gB: %v points, the README says %v", quant, size, got, want[i])
			}
		}
	}
}
