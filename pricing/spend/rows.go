package spend

import (
	"fmt"
	"sort"
	"time"

	"github.com/plan-cli/plan/pricing/usage"
)

// ModelRow is the usage and cost of one canonical model.
type ModelRow struct {
	Model    string   `json:"model"`
	Provider string   `json:"provider,omitempty"`
	Exported []string `json:"exported_names"`
	Tokens
	RequestsKnown   bool     `json:"requests_known"`
	Priced          bool     `json:"priced"`
	CostUSD         float64  `json:"cost_usd"`
	ReportedCostUSD float64  `json:"reported_cost_usd,omitempty"`
	ReportedKnown   bool     `json:"reported_cost_known"`
	CacheHit        float64  `json:"cache_hit_share"`
	IORatio         float64  `json:"input_output_ratio"`
	MeanInput       float64  `json:"mean_input_tokens_per_request,omitempty"`
	MeanOutput      float64  `json:"mean_output_tokens_per_request,omitempty"`
	Notes           []string `json:"notes,omitempty"`
}

func (a *Aggregator) model(r *usage.Record, p Priced, ok bool) *ModelRow {
	name := p.Model
	if name == "" {
		name = r.Model
	}
	if a.lastModel != nil && a.lastModel.Model == name {
		return a.lastModel
	}
	m := a.models[name]
	if m == nil {
		m = &ModelRow{Model: name, Provider: r.Provider, RequestsKnown: true, Priced: ok}
		a.models[name] = m
	}
	a.lastModel = m
	return m
}

func (m *ModelRow) add(r *usage.Record, p Priced, ok bool) {
	m.Tokens.add(r)
	m.RequestsKnown = m.RequestsKnown && r.RequestsKnown
	m.Priced = m.Priced && ok
	if ok {
		m.CostUSD += p.CostUSD
	}
	if r.CostKnown {
		m.ReportedCostUSD += r.ReportedCostUSD
		m.ReportedKnown = true
	}
	m.Exported = addOnce(m.Exported, r.Model)
	if p.Note != "" {
		m.Notes = addOnce(m.Notes, p.Note)
	}
}

// addOnce appends s unless present; lists stay short (names of one model).
func addOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func (m *ModelRow) finish() {
	m.CacheHit, m.IORatio = m.CacheHitShare(), m.InputOutputRatio()
	if m.RequestsKnown && m.Requests > 0 {
		m.MeanInput = float64(m.Input) / float64(m.Requests)
		m.MeanOutput = float64(m.Output) / float64(m.Requests)
	}
	sort.Strings(m.Exported)
}

// GroupRow is the usage and cost of one period, model, provider or project.
type GroupRow struct {
	Key string `json:"key"`
	Tokens
	CostUSD    float64 `json:"cost_usd"`
	Unpriced   int64   `json:"unpriced_rows,omitempty"`
	CacheHit   float64 `json:"cache_hit_share"`
	IORatio    float64 `json:"input_output_ratio"`
	ReportedUS float64 `json:"reported_cost_usd,omitempty"`
}

func (a *Aggregator) group(r *usage.Record, model string) *GroupRow {
	period := a.by == "day" || a.by == "hour" || a.by == "month"
	hour := floorDiv(r.Start.Unix(), 3600)
	if period && a.lastGroup != nil && hour == a.lastGroupHour {
		return a.lastGroup
	}
	key := a.groupKey(r, model)
	g := a.groups[key]
	if g == nil {
		g = &GroupRow{Key: key}
		a.groups[key] = g
	}
	if period {
		a.lastGroupHour, a.lastGroup = hour, g
	}
	return g
}

func (a *Aggregator) groupKey(r *usage.Record, model string) string {
	switch a.by {
	case "day", "hour", "month":
		return a.periodKey(r.Start)
	case "model":
		if model == "" {
			return r.Model
		}
		return model
	case "provider":
		return orUnknown(r.Provider)
	default: // project
		return a.label(orUnknown(firstNonEmpty(r.Project, r.APIKey)))
	}
}

// periodKey formats the month, day or hour of t, remembering each hour's key.
func (a *Aggregator) periodKey(t time.Time) string {
	h := floorDiv(t.Unix(), 3600)
	if k, ok := a.keys[h]; ok {
		return k
	}
	layout := map[string]string{"day": "2006-01-02", "hour": "2006-01-02 15:00", "month": "2006-01"}[a.by]
	k := t.UTC().Format(layout)
	a.keys[h] = k
	return k
}

func (g *GroupRow) add(r *usage.Record, p Priced, ok bool) {
	g.Tokens.add(r)
	if ok {
		g.CostUSD += p.CostUSD
	} else {
		g.Unpriced++
	}
	if r.CostKnown {
		g.ReportedUS += r.ReportedCostUSD
	}
}

// label hides a project or key name behind a stable label when redacting.
func (a *Aggregator) label(name string) string {
	if !a.redact || name == "(unknown)" {
		return name
	}
	if l, ok := a.names[name]; ok {
		return l
	}
	l := fmt.Sprintf("project-%d", len(a.names)+1)
	a.names[name] = l
	return l
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// UnpricedRow is a model the price table does not know.
type UnpricedRow struct {
	Model       string  `json:"model"`
	Exported    string  `json:"exported_name"`
	Rows        int64   `json:"rows"`
	Tokens      Tokens  `json:"tokens"`
	ReportedUSD float64 `json:"reported_cost_usd,omitempty"`
}

// DayCost compares, for one UTC day, the cost the provider reported in a cost
// export with the cost computed from the usage export.
type DayCost struct {
	Day           string  `json:"day"`
	ReportedUSD   float64 `json:"reported_cost_usd"`
	ComputedUSD   float64 `json:"computed_cost_usd"`
	DifferenceUSD float64 `json:"difference_usd"`
	ReportedKnown bool    `json:"reported_known"`
	UsageKnown    bool    `json:"usage_known"`
}
