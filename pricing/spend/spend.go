// Package spend summarises usage records into priced totals: by model, by
// period, provider or project, the load shape the simulator replays, the
// models that could not be priced, and the provider's reported cost next to
// the computed one.
package spend

import (
	"sort"
	"time"

	"github.com/plan-cli/plan/pricing/usage"
)

// Priced is the price of one record.
type Priced struct {
	Model   string  // canonical model name
	CostUSD float64 // computed cost
	Note    string  // an assumption the price made, e.g. a missing cache price
}

// Pricer prices one record; ok is false when the model has no price.
type Pricer interface {
	Price(r *usage.Record) (p Priced, ok bool)
}

// Tokens are token counts; Input is every input token (uncached, cache
// reads and cache writes), Cached the cache reads among them.
type Tokens struct {
	Requests   int64 `json:"requests"`
	Input      int64 `json:"input_tokens"`
	Cached     int64 `json:"cached_input_tokens"`
	CacheWrite int64 `json:"cache_write_tokens"`
	Output     int64 `json:"output_tokens"`
	Reasoning  int64 `json:"reasoning_tokens"`
}

func (t *Tokens) add(r *usage.Record) {
	t.Requests += r.Requests
	t.Input += r.InputTokens()
	t.Cached += r.CacheRead
	t.CacheWrite += r.CacheWrite5m + r.CacheWrite1h
	t.Output += r.Output
	t.Reasoning += r.Reasoning
}

// CacheHitShare is cache reads / all input tokens.
func (t Tokens) CacheHitShare() float64 { return ratio(t.Cached, t.Input) }

// InputOutputRatio is input tokens per output token.
func (t Tokens) InputOutputRatio() float64 { return ratio(t.Input, t.Output) }

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Aggregator adds records one at a time; memory grows with the number of
// models, groups and hours covered, never with the number of rows.
type Aggregator struct {
	by       string
	redact   bool
	pricer   Pricer
	total    Tokens
	reqKnown bool
	cost     float64
	reported float64
	exported float64 // cost-export amounts
	models   map[string]*ModelRow
	groups   map[string]*GroupRow
	unpriced map[string]*UnpricedRow
	load     *loadShape
	days     map[int64]*DayCost // by unix day
	keys     map[int64]string   // period group keys by unix hour
	names    map[string]string  // project or key names to redacted labels
	records  int
	// The previous record's rows, tried first: exports come in time order
	// and often one model after another.
	lastModel     *ModelRow
	lastDayKey    int64
	lastDay       *DayCost
	lastGroupHour int64
	lastGroup     *GroupRow
}

// New returns an aggregator grouping by one of Groupings and pricing with p.
func New(by string, redact bool, p Pricer) *Aggregator {
	return &Aggregator{
		by: by, redact: redact, pricer: p, reqKnown: true,
		models: map[string]*ModelRow{}, groups: map[string]*GroupRow{}, unpriced: map[string]*UnpricedRow{},
		load: newLoadShape(), days: map[int64]*DayCost{}, keys: map[int64]string{}, names: map[string]string{},
	}
}

// Groupings are the values --by takes.
var Groupings = []string{"month", "day", "hour", "model", "provider", "project"}

// Add counts one record. It does not keep r.
func (a *Aggregator) Add(r *usage.Record) {
	a.records++
	if r.Kind == usage.KindCost {
		a.exported += r.ReportedCostUSD
		a.day(r.Start).ReportedUSD += r.ReportedCostUSD
		a.day(r.Start).ReportedKnown = true
		return
	}
	p, ok := a.pricer.Price(r)
	if !ok {
		a.addUnpriced(r, p.Model)
	}
	a.total.add(r)
	a.reqKnown = a.reqKnown && r.RequestsKnown
	if ok {
		a.cost += p.CostUSD
	}
	if r.CostKnown {
		a.reported += r.ReportedCostUSD
	}
	a.model(r, p, ok).add(r, p, ok)
	a.group(r, p.Model).add(r, p, ok)
	a.load.add(r)
	d := a.day(r.Start)
	d.ComputedUSD += p.CostUSD
	d.UsageKnown = true
}

func (a *Aggregator) addUnpriced(r *usage.Record, model string) {
	u := a.unpriced[model]
	if u == nil {
		u = &UnpricedRow{Model: model, Exported: r.Model}
		a.unpriced[model] = u
	}
	u.Rows++
	u.Tokens.add(r)
	if r.CostKnown {
		u.ReportedUSD += r.ReportedCostUSD
	}
}

func (a *Aggregator) day(t time.Time) *DayCost {
	key := floorDiv(t.Unix(), 86400)
	if a.lastDay != nil && key == a.lastDayKey {
		return a.lastDay
	}
	defer func() { a.lastDayKey, a.lastDay = key, a.days[key] }()
	d := a.days[key]
	if d == nil {
		d = &DayCost{Day: t.UTC().Format("2006-01-02")}
		a.days[key] = d
	}
	return d
}

// floorDiv divides rounding down, so times before 1970 fall in the right period.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
