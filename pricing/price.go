package pricing

import (
	"fmt"
	"slices"
	"strings"
)

// Tokens is what one usage record (or a sum of them) consumed, in disjoint
// counts: InputUncached + CacheRead + CacheWrite5m + CacheWrite1h is every
// input token; Output includes Reasoning.
type Tokens struct {
	InputUncached int64
	CacheRead     int64
	CacheWrite5m  int64
	CacheWrite1h  int64
	Output        int64
	Reasoning     int64
}

// Input returns every input token: uncached, cache reads and cache writes.
// For one request it is the prompt size that long-context prices depend on.
func (t Tokens) Input() int64 {
	return t.InputUncached + t.CacheRead + t.CacheWrite5m + t.CacheWrite1h
}

// Add returns the sum of t and u. Cost is linear in the tokens, so the cost
// of a sum is the sum of the costs (at the same entry and terms).
func (t Tokens) Add(u Tokens) Tokens {
	return Tokens{
		InputUncached: t.InputUncached + u.InputUncached,
		CacheRead:     t.CacheRead + u.CacheRead,
		CacheWrite5m:  t.CacheWrite5m + u.CacheWrite5m,
		CacheWrite1h:  t.CacheWrite1h + u.CacheWrite1h,
		Output:        t.Output + u.Output,
		Reasoning:     t.Reasoning + u.Reasoning,
	}
}

// Component is a kind of token with a price of its own.
type Component uint8

// The components, each with the LiteLLM field that prices it.
const (
	Input        Component = iota // uncached input: input_cost_per_token
	CacheRead                     // cache hits: cache_read_input_token_cost
	CacheWrite5m                  // 5-minute cache writes: cache_creation_input_token_cost
	CacheWrite1h                  // 1-hour cache writes: cache_creation_input_token_cost_above_1hr
	Output                        // output: output_cost_per_token
	Reasoning                     // reasoning, where billed apart from output: output_cost_per_reasoning_token
	numComponents
)

var componentNames = [numComponents]string{"input", "cache read", "cache write 5m", "cache write 1h", "output", "reasoning"}

func (c Component) String() string {
	if c < numComponents {
		return componentNames[c]
	}
	return "unknown component"
}

// ComponentSet is a set of components.
type ComponentSet uint8

// Has reports whether c is in s.
func (s ComponentSet) Has(c Component) bool { return s&(1<<c) != 0 }

func (s ComponentSet) with(c Component) ComponentSet { return s | 1<<c }

// String lists the components of s, comma-separated.
func (s ComponentSet) String() string {
	var names []string
	for c := range numComponents {
		if s.Has(c) {
			names = append(names, c.String())
		}
	}
	return strings.Join(names, ", ")
}

// Tier is a service tier, which has prices of its own.
type Tier uint8

// The service tiers and the LiteLLM field suffixes of their prices.
const (
	Standard Tier = iota // no suffix
	Batch                // _batches: the batch APIs
	Flex                 // _flex: OpenAI's flex processing
	Priority             // _priority: OpenAI's priority processing, Gemini's priority
	numTiers
)

var tierNames = [numTiers]string{"standard", "batch", "flex", "priority"}

func (t Tier) String() string {
	if t < numTiers {
		return tierNames[t]
	}
	return "unknown tier"
}

// ParseTier reads a service tier as exports write it ("default", "flex",
// "priority", "batch", ...); batch is an export's separate batch flag, which
// wins. Names that mean the standard price ("", "default", "standard",
// "auto", "on_demand") give Standard; ok is false for anything else (such as
// OpenAI's "scale", prepaid capacity), which is Standard too.
func ParseTier(serviceTier string, batch bool) (tier Tier, ok bool) {
	if batch {
		return Batch, true
	}
	switch strings.ToLower(strings.TrimSpace(serviceTier)) {
	case "", "default", "standard", "auto", "on_demand", "on-demand":
		return Standard, true
	case "batch", "batches":
		return Batch, true
	case "flex":
		return Flex, true
	case "priority":
		return Priority, true
	}
	return Standard, false
}

// Price is one model's entry in a price table. The rates are read with Rate
// and Thresholds, and used by Cost.
type Price struct {
	Model           string // the table key, as written in the table
	Provider        string // litellm_provider: "openai", "anthropic", "gemini", "vertex_ai-language-models", ...
	Mode            string // "chat", "responses", ...
	MaxInputTokens  int64  // context window for the prompt; 0 when unknown
	MaxOutputTokens int64  // 0 when unknown
	DeprecationDate string // YYYY-MM-DD, when the table gives one
	Source          string // the name of the source that last set any of the entry's fields

	dated, canonical string // name forms (see names), set when indexed

	fields     map[rateKey]float64 // the rates as read, by field
	reasoning  bool                // reasoning has a price of its own
	thresholds []int64             // long-context thresholds in tokens, ascending
	rates      []rateSet           // (len(thresholds)+1) × numTiers, index context*numTiers + tier
}

// rateKey names one rate: a component at a context threshold and a tier.
type rateKey struct {
	c     Component
	above int64 // 0 for the base rate
	tier  Tier
}

// rateSet holds the rates of one context tier and service tier.
type rateSet struct {
	usd [numComponents]float64
	has ComponentSet
}

// Rate returns the price of component c, in USD per token, at service tier
// tier for prompts above `above` tokens (0: the base price), exactly as the
// table gives it: ok is false when the table has no such price. Cost falls
// back to other prices where one is missing; Rate does not.
func (p *Price) Rate(c Component, above int64, tier Tier) (usdPerToken float64, ok bool) {
	usd, ok := p.fields[rateKey{c, above, tier}]
	return usd, ok
}

// Thresholds returns the long-context thresholds of the entry, ascending:
// prompt sizes in tokens (1k = 1000) above which other prices apply.
func (p *Price) Thresholds() []int64 { return slices.Clone(p.thresholds) }

// Priced reports whether the entry has a token price for input or output at
// any tier; entries that don't (images, audio, subscriptions) are kept in a
// table but never match a lookup.
func (p *Price) Priced() bool {
	for k := range p.fields {
		if k.c == Input || k.c == Output {
			return true
		}
	}
	return false
}

// build lays the rates out for Cost: one rateSet per context and service tier.
func (p *Price) build() {
	p.thresholds = p.thresholds[:0]
	p.reasoning = false
	for k := range p.fields {
		p.reasoning = p.reasoning || k.c == Reasoning
		if k.above > 0 && !slices.Contains(p.thresholds, k.above) {
			p.thresholds = append(p.thresholds, k.above)
		}
	}
	slices.Sort(p.thresholds)
	p.rates = make([]rateSet, (len(p.thresholds)+1)*int(numTiers))
	for k, usd := range p.fields {
		i := p.setIndex(p.contextOf(k.above), k.tier)
		p.rates[i].usd[k.c] = usd
		p.rates[i].has = p.rates[i].has.with(k.c)
	}
}

// contextOf returns the context index of a threshold: 0 for the base prices,
// i for thresholds[i-1].
func (p *Price) contextOf(above int64) int {
	if above == 0 {
		return 0
	}
	return slices.Index(p.thresholds, above) + 1
}

func (p *Price) setIndex(context int, tier Tier) int { return context*int(numTiers) + int(tier) }

// merge sets the fields that o has; it keeps the ones o leaves out.
func (p *Price) merge(o *Price) {
	if o.Provider != "" {
		p.Provider = o.Provider
	}
	if o.Mode != "" {
		p.Mode = o.Mode
	}
	if o.MaxInputTokens > 0 {
		p.MaxInputTokens = o.MaxInputTokens
	}
	if o.MaxOutputTokens > 0 {
		p.MaxOutputTokens = o.MaxOutputTokens
	}
	if o.DeprecationDate != "" {
		p.DeprecationDate = o.DeprecationDate
	}
	for k, usd := range o.fields {
		p.fields[k] = usd
	}
	p.Source = o.Source
	p.build()
}

// clone returns a copy of p that shares nothing with it.
func (p *Price) clone() *Price {
	c := *p
	c.fields = make(map[rateKey]float64, len(p.fields))
	for k, usd := range p.fields {
		c.fields[k] = usd
	}
	c.thresholds = nil
	c.build()
	return &c
}

// SourcesLine describes where the prices came from, with dates and counts.
func SourcesLine(sources []Source) string {
	var parts []string
	for i, s := range sources {
		text := s.Name
		if s.Date != "" {
			text += " of " + s.Date
		}
		if s.Embedded {
			text += " (built in)"
		} else {
			text += fmt.Sprintf(" (%d entries, %d with token prices)", s.Entries, s.Priced)
		}
		if i > 0 {
			text = "merged with " + text
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, ", ")
}
