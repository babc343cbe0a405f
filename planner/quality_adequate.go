package planner

import (
	"fmt"
	"math"

	"github.com/plan-cli/plan/simulate"
)

// DefaultTolerance is how far, in LMArena points, a local model may score
// below the cloud model whose traffic it takes: 50 points, at which the
// local model's answer is preferred 43% of the time (PreferenceRate). The
// gap is small next to the differences that matter (gpt-4o-mini is 18
// below gpt-4o, llama3.1:8b 124) and a few times the leaderboard's own 95%
// intervals (3 to 10 points), so it does not hinge on noise; and the
// classes it applies to (summarize, classify, extract, ...) are the ones
// where a near-parity model does the job.
const DefaultTolerance = 50.0

// PreferenceRate is how often a model d points below another on the
// LMArena (Elo) scale is preferred to it: 1 / (1 + 10^(d/400)). A gap of 0
// is 50%, 50 points 43%, 100 points 36%, 400 points 9%.
func PreferenceRate(d float64) float64 { return 1 / (1 + math.Pow(10, d/400)) }

// Candidate is a local model that might take cloud traffic: an Ollama tag
// and its quantization type. Quant may be empty when the tag names it
// (qwen2.5:7b-instruct-q8_0), and wins when both name one; with neither,
// the type the plain tag pulls in the open-model catalog is assumed and the
// reason says so.
type Candidate struct {
	Tag   string
	Quant string
}

// QualityRule is what Adequate decides by.
type QualityRule struct {
	// Tolerance is how many LMArena points the local model may score below
	// the cloud model (negative: how many it must score above it).
	Tolerance float64
	// Frontier lists the classes that stay in the cloud (TaskMap.Frontier);
	// nil means DefaultFrontier, an empty list none.
	Frontier []TaskClass
	// UnknownLocal moves traffic local when a score is unknown; by default
	// it stays in the cloud.
	UnknownLocal bool
}

// DefaultQualityRule is DefaultTolerance and DefaultFrontier, with unknown
// quality staying in the cloud.
func DefaultQualityRule() QualityRule { return QualityRule{Tolerance: DefaultTolerance} }

// The reasons a verdict keeps traffic in the cloud (Verdict.Stay).
const (
	StayTaskClass      = "task class"
	StayQuality        = "quality"
	StayUnknownQuality = "unknown quality"
)

// Verdict says whether a local candidate can take a cloud model's traffic
// of one task class, and why. Scores are on the LMArena scale; they are set
// when both models are rated.
type Verdict struct {
	Cloud     string
	Local     Candidate // Quant filled in with the type used
	Class     TaskClass
	Adequate  bool
	Stay      string // "" when adequate, else one of the Stay* reasons
	Reason    string // one sentence for a report
	Known     bool   // both scores known
	CloudElo  float64
	LocalElo  float64 // after the quantization penalty
	Penalty   QuantPenalty
	Gap       float64 // CloudElo - LocalElo
	Tolerance float64
	// PreferLocal is how often the local model's answer is preferred to the
	// cloud model's, from the gap (PreferenceRate).
	PreferLocal float64
}

// Adequate decides with the embedded catalogs; see QualityCatalog.Adequate.
func Adequate(cloud string, local Candidate, class TaskClass, rule QualityRule) Verdict {
	c, err := Qualities()
	if err != nil {
		v := Verdict{Cloud: cloud, Local: local, Class: class, Tolerance: rule.Tolerance}
		return v.unknown(rule, err.Error())
	}
	return c.Adequate(cloud, local, class, rule)
}

// Adequate decides whether a local candidate can take a cloud model's
// traffic of one task class. Frontier classes stay in the cloud. Otherwise
// the local model's LMArena score, less its quantization penalty
// (QualityCatalog.Penalty), must be at least the cloud model's score less
// the tolerance. When either score is unknown (a model not in the catalog,
// or not on the leaderboard, or a quantization type with no measured cost)
// the verdict is "unknown quality" with the reason, and the traffic stays
// in the cloud unless rule.UnknownLocal.
func (c *QualityCatalog) Adequate(cloud string, local Candidate, class TaskClass, rule QualityRule) Verdict {
	v := Verdict{Cloud: cloud, Local: local, Class: class, Tolerance: rule.Tolerance}
	if math.IsNaN(rule.Tolerance) || math.IsInf(rule.Tolerance, 0) {
		return v.unknown(rule, fmt.Sprintf("the tolerance %v is not a number of points", rule.Tolerance))
	}
	if (TaskMap{Frontier: rule.Frontier}).IsFrontier(class) {
		v.Stay = StayTaskClass
		v.Reason = fmt.Sprintf("task class: %s is a frontier class and stays in the cloud", class)
		return v
	}
	cloudRow, err := c.Cloud(cloud)
	if err != nil {
		return v.unknown(rule, err.Error())
	}
	if !cloudRow.Rated() {
		return v.unknown(rule, unrated(cloudRow))
	}
	localRow, quant, note, err := c.candidate(local)
	if err != nil {
		return v.unknown(rule, err.Error())
	}
	v.Local.Quant = quant
	if !localRow.Rated() {
		return v.unknown(rule, unrated(localRow))
	}
	v.Penalty, err = c.openPenalty(localRow, quant)
	if err != nil {
		return v.unknown(rule, err.Error())
	}
	v.Known = true
	v.CloudElo, v.LocalElo = cloudRow.Arena, localRow.Arena-v.Penalty.Elo
	v.Gap = v.CloudElo - v.LocalElo
	v.PreferLocal = PreferenceRate(v.Gap)
	v.Adequate = v.LocalElo >= v.CloudElo-rule.Tolerance
	if !v.Adequate {
		v.Stay = StayQuality
	}
	v.Reason = v.qualitySentence(localRow.ID+" "+quant+note, cloudRow.ID)
	return v
}

// candidate resolves a local candidate to its catalog row and quantization
// type; note says when the type was assumed.
func (c *QualityCatalog) candidate(local Candidate) (QualityRow, string, string, error) {
	row, quant, err := c.Open(local.Tag)
	if err != nil {
		return QualityRow{}, "", "", err
	}
	if local.Quant != "" {
		return row, normalQuant(local.Quant), "", nil
	}
	if quant != "" {
		return row, quant, "", nil
	}
	if m, _, ok := simulate.LookupModel(row.ID); ok && m.DefaultQuant != "" {
		q := normalQuant(m.DefaultQuant)
		return row, q, " (the plain tag's default)", nil
	}
	return QualityRow{}, "", "", fmt.Errorf("quality: the quantization of %q is not known; name it (for example %s:...-q4_K_M)", local.Tag, row.ID)
}

// unknown marks the verdict unknown quality with the reason.
func (v Verdict) unknown(rule QualityRule, why string) Verdict {
	v.Known = false
	if rule.UnknownLocal {
		v.Adequate, v.Stay = true, ""
		v.Reason = "unknown quality: " + why + "; moved local because unknown quality is allowed"
		return v
	}
	v.Adequate, v.Stay = false, StayUnknownQuality
	v.Reason = "unknown quality: " + why + "; stays in the cloud"
	return v
}

// unrated says why a catalog row has no score, naming Artificial
// Analysis's figure when there is one (it is on another scale).
func unrated(r QualityRow) string {
	s := fmt.Sprintf("%s has no LMArena score in the quality catalog", r.ID)
	if r.AAIndex > 0 {
		s += fmt.Sprintf(" (Artificial Analysis Intelligence Index %.1f, %s, is on another scale)", r.AAIndex, r.AASnapshot)
	}
	return s
}

// qualitySentence is the reason of a known verdict, with local the model
// and its quantization type as shown, e.g. "quality:
// qwen2.5:14b Q4_K_M scores 1296 after a 9-point quantization penalty, 39
// below gpt-4o's 1335 (preferred 44% of the time); tolerance 50".
func (v Verdict) qualitySentence(local, cloudID string) string {
	where := fmt.Sprintf("%.0f below", v.Gap)
	if math.Round(v.Gap) < 0 {
		where = fmt.Sprintf("%.0f above", -v.Gap)
	} else if math.Round(v.Gap) == 0 {
		where = "level with"
	}
	return fmt.Sprintf("quality: %s scores %.0f %s, %s %s's %.0f (preferred %.0f%% of the time); tolerance %.0f",
		local, v.LocalElo, penaltyWords(v.Penalty), where, cloudID, v.CloudElo,
		100*v.PreferLocal, v.Tolerance)
}

func penaltyWords(p QuantPenalty) string {
	switch {
	case p.Native:
		return fmt.Sprintf("with no quantization penalty (%s is its native format)", p.Quant)
	case p.Elo == 0:
		return "with no quantization penalty"
	case p.Capped:
		return fmt.Sprintf("after the maximum %.0f-point quantization penalty", p.Elo)
	case p.Elo < 0.5:
		return "after a quantization penalty under 1 point"
	}
	n := math.Round(p.Elo)
	return fmt.Sprintf("after %s %.0f-point quantization penalty", article(n), n)
}

// article is "an" before numbers said with a leading vowel (8, 11, 18,
// 80-89, 800-899), else "a".
func article(n float64) string {
	s := fmt.Sprintf("%.0f", n)
	if s[0] == '8' || s == "11" || s == "18" {
		return "an"
	}
	return "a"
}
