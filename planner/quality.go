package planner

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/plan-cli/plan/data"
	"github.com/plan-cli/plan/pricing"
)

// QualityRow is one model of the quality catalog (data.QualityCSV): its
// LMArena text score, the common scale for cloud and open models, and
// Artificial Analysis's figures beside it. A zero score means not rated.
type QualityRow struct {
	ID        string // catalog id: an API name (gpt-4o) or an Ollama tag (qwen2.5:7b)
	Kind      string // cloud or open
	Provider  string
	OllamaTag string // open models: the tag to pull

	ParamsB       float64 // billions of weights, 0 when undisclosed
	ActiveParamsB float64 // billions used per token (fewer for a mixture of experts)

	Arena         float64 // LMArena text score (Elo-style); 0 = not on the leaderboard
	ArenaCI95     float64 // half-width of its 95% interval
	ArenaMapping  string  // exact, exact-snapshot, or the proxy version used
	ArenaSnapshot string  // date of the leaderboard snapshot

	AAIndex    float64 // Artificial Analysis Intelligence Index v4; 0 = not rated
	AAMMLUPro  float64 // Artificial Analysis MMLU-Pro, percent; 0 = not rated
	AAMapping  string
	AASnapshot string
}

// Rated reports whether the row has an LMArena score.
func (r QualityRow) Rated() bool { return r.Arena > 0 }

// ErrUnknownModel is wrapped by the lookup errors of models the quality
// catalog does not have.
var ErrUnknownModel = errors.New("not in the quality catalog")

// QualityCatalog holds the quality and quantization catalogs and answers
// lookups in them.
type QualityCatalog struct {
	Rows   []QualityRow
	Quants []QuantType
}

var (
	qualityOnce sync.Once
	qualityCat  *QualityCatalog
	qualityErr  error
)

// Qualities returns the catalogs embedded in plan (data.QualityCSV and
// data.QuantsCSV), parsed once.
func Qualities() (*QualityCatalog, error) {
	qualityOnce.Do(func() {
		rows, err := ParseQuality(bytes.NewReader(data.QualityCSV()))
		if err != nil {
			qualityErr = err
			return
		}
		quants, err := ParseQuants(bytes.NewReader(data.QuantsCSV()))
		if err != nil {
			qualityErr = err
			return
		}
		qualityCat = &QualityCatalog{Rows: rows, Quants: quants}
	})
	return qualityCat, qualityErr
}

// CloudQuality finds a cloud model of the embedded catalog by any name a
// usage export gives it; see QualityCatalog.Cloud.
func CloudQuality(name string) (QualityRow, error) {
	c, err := Qualities()
	if err != nil {
		return QualityRow{}, err
	}
	return c.Cloud(name)
}

// OpenQuality finds an Ollama tag in the embedded catalog; see
// QualityCatalog.Open.
func OpenQuality(tag string) (QualityRow, string, error) {
	c, err := Qualities()
	if err != nil {
		return QualityRow{}, "", err
	}
	return c.Open(tag)
}

// Cloud finds a cloud model by the name a usage export gives it. Both the
// name and the catalog ids are brought to one form with pricing.Canonical,
// so dated snapshots (gpt-4o-2024-08-06, claude-3-5-sonnet-20241022),
// provider prefixes and OpenRouter slugs (openai/gpt-4o-mini), Vertex and
// Bedrock spellings, display names (Claude Haiku 4.5) and Gemini's -001
// all find their row. Every snapshot of a model finds the same row, scored
// for the snapshot its ArenaMapping names. An open model served by a cloud
// API (meta-llama/llama-3.3-70b-instruct) finds its open row. An unknown
// name is an error wrapping ErrUnknownModel, never a guess.
func (c *QualityCatalog) Cloud(name string) (QualityRow, error) {
	want := pricing.Canonical(name)
	if want == "" {
		return QualityRow{}, fmt.Errorf("quality: empty model name: %w", ErrUnknownModel)
	}
	for _, r := range c.Rows {
		if r.Kind == "cloud" && pricing.Canonical(r.ID) == want {
			return r, nil
		}
	}
	if r, ok := c.openBySlug(want); ok {
		return r, nil
	}
	return QualityRow{}, fmt.Errorf("quality: cloud model %q (read as %q): %w, which rates %s and the open models",
		name, want, ErrUnknownModel, c.ids("cloud"))
}

// openBySlug finds an open model served by a cloud API under a slug such as
// OpenRouter's meta-llama/llama-3.3-70b-instruct or qwen/qwen-2.5-72b-instruct
// (given here in canonical form): without a trailing -instruct, -it or
// -chat, and with only letters and digits kept, the slug must equal an
// Ollama tag of the catalog with only letters and digits kept (llama3370b
// for llama3.3:70b). The weights are the same, and so is the score.
func (c *QualityCatalog) openBySlug(canonical string) (QualityRow, bool) {
	s := canonical
	for _, suffix := range []string{"-instruct", "-it", "-chat"} {
		s = strings.TrimSuffix(s, suffix)
	}
	want := alnum(s)
	for _, r := range c.Rows {
		if r.Kind == "open" && want != "" && alnum(r.ID) == want {
			return r, true
		}
	}
	return QualityRow{}, false
}

// alnum keeps the ASCII letters and digits of s, lower-cased.
func alnum(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Open finds an open model by its Ollama tag, case aside, and returns the
// quantization type the tag names, if any ("" when it names none). A tag
// with a variant suffix finds its base tag: qwen2.5:7b-instruct-q4_K_M is
// qwen2.5:7b at Q4_K_M; the longest matching catalog tag wins. A tag
// without a size (or :latest) matches only when the catalog has one size of
// the model. An unknown tag is an error wrapping ErrUnknownModel.
func (c *QualityCatalog) Open(tag string) (QualityRow, string, error) {
	t := strings.ToLower(strings.TrimSpace(tag))
	name, variant, _ := strings.Cut(t, ":")
	if variant == "" || variant == "latest" {
		return c.openBySize(tag, name)
	}
	best, bestLen := -1, 0
	for i, r := range c.Rows {
		if r.Kind != "open" {
			continue
		}
		for _, id := range []string{r.ID, r.OllamaTag} {
			rn, rv, _ := strings.Cut(strings.ToLower(id), ":")
			if rn == name && rv != "" && (variant == rv || strings.HasPrefix(variant, rv+"-")) && len(rv) > bestLen {
				best, bestLen = i, len(rv)
			}
		}
	}
	if best < 0 {
		return QualityRow{}, "", fmt.Errorf("quality: Ollama tag %q: %w, which rates %s", tag, ErrUnknownModel, c.ids("open"))
	}
	quant, err := c.quantInSuffix(variant)
	if err != nil {
		return QualityRow{}, "", fmt.Errorf("quality: Ollama tag %q: %w", tag, err)
	}
	return c.Rows[best], quant, nil
}

// openBySize resolves a tag without a size when the catalog has only one.
func (c *QualityCatalog) openBySize(tag, name string) (QualityRow, string, error) {
	var found []QualityRow
	for _, r := range c.Rows {
		if rn, _, _ := strings.Cut(strings.ToLower(r.ID), ":"); r.Kind == "open" && rn == name {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 1:
		return found[0], "", nil
	case 0:
		return QualityRow{}, "", fmt.Errorf("quality: Ollama tag %q: %w, which rates %s", tag, ErrUnknownModel, c.ids("open"))
	}
	sizes := make([]string, len(found))
	for i, r := range found {
		sizes[i] = r.ID
	}
	return QualityRow{}, "", fmt.Errorf("quality: Ollama tag %q names no size and the catalog has %s; name one: %w",
		tag, strings.Join(sizes, ", "), ErrUnknownModel)
}

// quantInSuffix finds a quantization type among the hyphen-separated parts
// of a tag's variant such as "7b-instruct-q4_K_M". A part that looks like a
// quantization type (q or iq and a digit, or f16/fp16/bf16) but is not in
// the catalog is an error, so that it is not silently read as F16.
func (c *QualityCatalog) quantInSuffix(suffix string) (string, error) {
	for _, part := range strings.Split(suffix, "-") {
		q := normalQuant(part)
		if _, ok := c.Quant(q); ok || unmeasuredQuants[q] {
			return q, nil
		}
		if looksLikeQuant(q) {
			return "", fmt.Errorf("unknown quantization type %q (known: %s)", q, c.quantNames())
		}
	}
	return "", nil
}

// unmeasuredQuants are types a tag may name that the quantization catalog
// has no row for: full precision, and gpt-oss's native MXFP4.
var unmeasuredQuants = map[string]bool{"F16": true, "BF16": true, "F32": true, "MXFP4": true}

func looksLikeQuant(q string) bool {
	for _, p := range []string{"Q", "IQ"} {
		if rest, ok := strings.CutPrefix(q, p); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
			return true
		}
	}
	return false
}

// ids lists the catalog ids of one kind, for error messages.
func (c *QualityCatalog) ids(kind string) string {
	var out []string
	for _, r := range c.Rows {
		if r.Kind == kind {
			out = append(out, r.ID)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// ParseQuality reads a quality catalog in the format of data.QualityCSV:
// comment lines starting with #, a header, then one row per model.
func ParseQuality(r io.Reader) ([]QualityRow, error) {
	rows, err := readCatalogCSV(r, "quality catalog", []string{"id", "kind", "lmarena_score"})
	if err != nil {
		return nil, err
	}
	out := make([]QualityRow, 0, len(rows))
	for _, row := range rows {
		q := QualityRow{
			ID: row.str("id"), Kind: row.str("kind"), Provider: row.str("provider"), OllamaTag: row.str("ollama_tag"),
			ParamsB: row.num("params_total_b"), ActiveParamsB: row.num("params_active_b"),
			Arena: row.num("lmarena_score"), ArenaCI95: row.num("lmarena_ci95"),
			ArenaMapping: row.str("lmarena_mapping"), ArenaSnapshot: row.str("lmarena_snapshot"),
			AAIndex: row.num("aa_intelligence_index"), AAMMLUPro: row.num("aa_mmlu_pro"),
			AAMapping: row.str("aa_mapping"), AASnapshot: row.str("aa_snapshot"),
		}
		if row.err == nil && q.ID == "" {
			row.err = fmt.Errorf("quality catalog line %d: empty id", row.line)
		}
		if row.err == nil && q.Kind != "cloud" && q.Kind != "open" {
			row.err = fmt.Errorf("quality catalog line %d: kind %q is neither cloud nor open", row.line, q.Kind)
		}
		if row.err != nil {
			return nil, row.err
		}
		out = append(out, q)
	}
	return out, nil
}

// csvRow reads the cells of one catalog row by column name; the first
// error sticks.
type csvRow struct {
	rec  []string
	col  map[string]int
	line int
	what string
	err  error
}

func (r *csvRow) str(name string) string {
	i, ok := r.col[name]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

// num parses a number cell; blank is 0.
func (r *csvRow) num(name string) float64 {
	s := r.str(name)
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("%s line %d: %s %q is not a number", r.what, r.line, name, s)
	}
	return v
}

// readCatalogCSV reads a CSV with # comments and a header holding at least
// the needed columns.
func readCatalogCSV(r io.Reader, what string, need []string) ([]*csvRow, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading the header: %w", what, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, n := range need {
		if _, ok := col[n]; !ok {
			return nil, fmt.Errorf("%s: no %q column in the header", what, n)
		}
	}
	var rows []*csvRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, &csvRow{rec: rec, col: col, line: line, what: what})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows", what)
	}
	return rows, nil
}

// With returns the catalog with the user's own rows put before its own, so
// that they are found first. A user row for a model the catalog has keeps
// the catalog row's other facts (sizes, Ollama tag) and takes the user's
// score.
func (c *QualityCatalog) With(user []QualityRow) *QualityCatalog {
	if len(user) == 0 {
		return c
	}
	out := &QualityCatalog{Quants: c.Quants, Rows: make([]QualityRow, 0, len(user)+len(c.Rows))}
	for _, u := range user {
		if base, ok := c.find(u); ok {
			base.Arena, base.ArenaCI95, base.ArenaMapping, base.ArenaSnapshot = u.Arena, u.ArenaCI95, u.ArenaMapping, u.ArenaSnapshot
			u = base
		}
		out.Rows = append(out.Rows, u)
	}
	out.Rows = append(out.Rows, c.Rows...)
	return out
}

// find is the catalog's row for the model a user row names.
func (c *QualityCatalog) find(u QualityRow) (QualityRow, bool) {
	if u.Kind == "open" {
		r, _, err := c.Open(u.ID)
		return r, err == nil
	}
	r, err := c.Cloud(u.ID)
	return r, err == nil && r.Kind == "cloud"
}

// UserScoreSource is the snapshot and mapping of a score the user gave.
const UserScoreSource = "given by the user"

// ParseQualityScore reads a score given on the command line as
// MODEL=SCORE, on the LMArena scale. MODEL is a cloud model as an export
// names it, or an Ollama tag (name:size).
func ParseQualityScore(s string) (QualityRow, error) {
	model, score, ok := strings.Cut(s, "=")
	model = strings.TrimSpace(model)
	v, err := strconv.ParseFloat(strings.TrimSpace(score), 64)
	if !ok || model == "" || err != nil || !(v >= 500 && v <= 2500) {
		return QualityRow{}, fmt.Errorf("%q: want MODEL=SCORE with a score on the LMArena scale (about 1000 to 1600), e.g. gpt-4=1277", s)
	}
	kind := "cloud"
	if strings.Contains(model, ":") && !strings.HasPrefix(model, "ft:") {
		kind = "open"
	}
	return QualityRow{ID: model, Kind: kind, Arena: v, ArenaMapping: UserScoreSource, ArenaSnapshot: UserScoreSource}, nil
}
