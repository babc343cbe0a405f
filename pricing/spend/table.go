package spend

import (
	"strings"

	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/pricing/usage"
)

// TablePricer prices records from a price table. Not safe for concurrent use.
type TablePricer struct {
	pricer *pricing.Pricer
	notes  map[pricing.Assumptions]string
}

// NewTablePricer prices with table t.
func NewTablePricer(t *pricing.Table) *TablePricer {
	return &TablePricer{pricer: pricing.NewPricer(t), notes: map[pricing.Assumptions]string{}}
}

// Price implements Pricer: the record's tokens at its model's prices, under
// its service tier (or batch flag) and long-context mark. A record of one
// request is priced by its own prompt size, which picks the long-context tier.
func (tp *TablePricer) Price(r *usage.Record) (Priced, bool) {
	tier, known := pricing.ParseTier(r.ServiceTier, r.Batch)
	terms := pricing.Terms{Tier: tier, LongContext: r.LongContext}
	t := pricing.Tokens{InputUncached: r.InputUncached, CacheRead: r.CacheRead, CacheWrite5m: r.CacheWrite5m,
		CacheWrite1h: r.CacheWrite1h, Output: r.Output, Reasoning: r.Reasoning}
	if r.RequestsKnown && r.Requests == 1 {
		terms.PromptTokens = t.Input()
	}
	c, canonical, ok := tp.pricer.Cost(r.Model, t, terms)
	p := Priced{Model: canonical, CostUSD: c.TotalUSD}
	if !ok {
		return p, false
	}
	if c.Assumed.Any() {
		p.Note = tp.note(c.Assumed)
	}
	if !known {
		p.Note = joinNotes(p.Note, "service tier "+r.ServiceTier+" has no price of its own: priced at the standard rate")
	}
	return p, true
}

func (tp *TablePricer) note(a pricing.Assumptions) string {
	n, ok := tp.notes[a]
	if !ok {
		n = strings.Join(a.Notes(), "; ")
		tp.notes[a] = n
	}
	return n
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
