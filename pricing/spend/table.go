package spend

import (
	"strings"

	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/pricing/usage"
)

// TablePricer prices records from a price table. Not safe for concurrent use.
type TablePricer struct {
	table *pricing.Table
	notes map[pricing.Assumptions]string
	seen  map[string]entry // by the model name as exported
	last  string           // the previous record's model name, and its entry
	lastE entry
	tiers map[tierKey]tierValue // service tiers as exported, parsed once
	// lastTier is the previous record's tier: rows of one tier follow each other.
	lastTier struct {
		k   tierKey
		v   tierValue
		set bool
	}
}

type tierKey struct {
	name  string
	batch bool
}

type tierValue struct {
	tier  pricing.Tier
	known bool
}

func (tp *TablePricer) tier(name string, batch bool) (pricing.Tier, bool) {
	k := tierKey{name, batch}
	if tp.lastTier.set && tp.lastTier.k == k {
		return tp.lastTier.v.tier, tp.lastTier.v.known
	}
	v, ok := tp.tiers[k]
	if !ok {
		v.tier, v.known = pricing.ParseTier(name, batch)
		tp.tiers[k] = v
	}
	tp.lastTier.k, tp.lastTier.v, tp.lastTier.set = k, v, true
	return v.tier, v.known
}

// entry is a model name's price table entry, looked up once.
type entry struct {
	price     *pricing.Price
	canonical string
	ok        bool
}

// NewTablePricer prices with table t.
func NewTablePricer(t *pricing.Table) *TablePricer {
	return &TablePricer{table: t, notes: map[pricing.Assumptions]string{}, seen: map[string]entry{}, tiers: map[tierKey]tierValue{}}
}

// lookup resolves a model name, remembering the answer; rows of one model
// often follow each other, so the previous answer is tried first.
func (tp *TablePricer) lookup(name string) entry {
	if name == tp.last && tp.lastE.canonical != "" {
		return tp.lastE
	}
	e, ok := tp.seen[name]
	if !ok {
		e.price, e.canonical, e.ok = tp.table.Lookup(name)
		tp.seen[name] = e
	}
	tp.last, tp.lastE = name, e
	return e
}

// Price implements Pricer: the record's tokens at its model's prices, under
// its service tier (or batch flag) and long-context mark. A record of one
// request is priced by its own prompt size, which picks the long-context tier.
func (tp *TablePricer) Price(r *usage.Record) (Priced, bool) {
	tier, known := tp.tier(r.ServiceTier, r.Batch)
	terms := pricing.Terms{Tier: tier, LongContext: r.LongContext}
	t := pricing.Tokens{InputUncached: r.InputUncached, CacheRead: r.CacheRead, CacheWrite5m: r.CacheWrite5m,
		CacheWrite1h: r.CacheWrite1h, Output: r.Output, Reasoning: r.Reasoning}
	if r.RequestsKnown && r.Requests == 1 {
		terms.PromptTokens = t.Input()
	}
	if r.Model == "" {
		return Priced{Model: NoModel}, false
	}
	e := tp.lookup(r.Model)
	if !e.ok {
		return Priced{Model: e.canonical}, false
	}
	c := e.price.Cost(t, terms)
	p := Priced{Model: e.canonical, CostUSD: c.TotalUSD}
	if tier == pricing.Batch && !hasBatchPrices(e.price) {
		// OpenAI, Anthropic and Google bill their batch APIs at half the
		// standard price; the table lacks this entry's batch prices.
		c = e.price.Cost(t, pricing.Terms{LongContext: terms.LongContext, PromptTokens: terms.PromptTokens})
		p.CostUSD = c.TotalUSD / 2
		p.Note = "no batch prices in the table: priced at half the standard prices, the providers' batch discount"
		c.Assumed = pricing.Assumptions{}
	}
	if c.Assumed.Any() {
		p.Note = joinNotes(p.Note, tp.note(c.Assumed))
	}
	if !known {
		p.Note = joinNotes(p.Note, "service tier "+r.ServiceTier+" has no price of its own: priced at the standard rate")
	}
	return p, true
}

// NoModel names the rows of an export that carries no model name.
const NoModel = "(model not in export)"

// hasBatchPrices tells whether an entry has any batch price of its own.
func hasBatchPrices(p *pricing.Price) bool {
	_, in := p.Rate(pricing.Input, 0, pricing.Batch)
	_, out := p.Rate(pricing.Output, 0, pricing.Batch)
	return in || out
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
