package pricing

import "fmt"

// Terms say how requests were billed, which decides the prices that apply.
type Terms struct {
	// Tier is the service tier: standard, batch, flex or priority.
	Tier Tier
	// LongContext prices the tokens at the entry's first long-context tier
	// (its lowest threshold), as when an export says the requests were above
	// the provider's threshold (Anthropic's context_window "> 200k").
	LongContext bool
	// PromptTokens, when above 0, is the size of one request's prompt (every
	// input token): the prices are those of the highest threshold it exceeds.
	// It overrides LongContext. A sum of requests says nothing of the size of
	// each, so give it only for one request (see RequestCost).
	PromptTokens int64
}

// Cost is what tokens cost at one entry's prices, in USD, by component.
type Cost struct {
	InputUSD        float64 `json:"input_usd"`          // uncached input
	CacheReadUSD    float64 `json:"cache_read_usd"`     // cache hits
	CacheWrite5mUSD float64 `json:"cache_write_5m_usd"` // 5-minute cache writes
	CacheWrite1hUSD float64 `json:"cache_write_1h_usd"` // 1-hour cache writes
	OutputUSD       float64 `json:"output_usd"`         // output, less reasoning billed apart
	ReasoningUSD    float64 `json:"reasoning_usd"`      // reasoning, where the entry prices it apart
	TotalUSD        float64 `json:"total_usd"`          // the sum of the above

	Tier        Tier        `json:"-"` // the service tier asked for
	AboveTokens int64       `json:"-"` // the long-context threshold priced at; 0 for the base prices
	Assumed     Assumptions `json:"-"` // prices that were missing, and what was used instead
}

// Add returns the sum of two costs, with both sets of assumptions. Tier and
// AboveTokens are c's.
func (c Cost) Add(d Cost) Cost {
	c.InputUSD += d.InputUSD
	c.CacheReadUSD += d.CacheReadUSD
	c.CacheWrite5mUSD += d.CacheWrite5mUSD
	c.CacheWrite1hUSD += d.CacheWrite1hUSD
	c.OutputUSD += d.OutputUSD
	c.ReasoningUSD += d.ReasoningUSD
	c.TotalUSD += d.TotalUSD
	c.Assumed = c.Assumed.Or(d.Assumed)
	return c
}

// Assumptions record, by component, the prices a cost needed and the entry
// lacks, and what was used instead. Only components with tokens are recorded.
type Assumptions struct {
	// AtStandard[tier]: no price at that service tier; the standard price was used.
	AtStandard [numTiers]ComponentSet
	// AtBase: no long-context price; the base price was used.
	AtBase ComponentSet
	// ScaledLong: no long-context price; the base price times the entry's
	// long-context input ratio was used.
	ScaledLong ComponentSet
	// AsInput: cache reads or writes with no price of their own at all,
	// priced as uncached input.
	AsInput ComponentSet
	// As5m: 1-hour cache writes with no price of their own, priced as
	// 5-minute cache writes.
	As5m ComponentSet
	// Unpriced: input or output with no price at all, counted as $0.
	Unpriced ComponentSet
}

// Or returns the assumptions of both a and b.
func (a Assumptions) Or(b Assumptions) Assumptions {
	for t := range a.AtStandard {
		a.AtStandard[t] |= b.AtStandard[t]
	}
	a.AtBase |= b.AtBase
	a.ScaledLong |= b.ScaledLong
	a.AsInput |= b.AsInput
	a.As5m |= b.As5m
	a.Unpriced |= b.Unpriced
	return a
}

// Any reports whether anything was assumed.
func (a Assumptions) Any() bool { return a != Assumptions{} }

// Notes says in words what was assumed, one sentence per kind.
func (a Assumptions) Notes() []string {
	var notes []string
	for t, set := range a.AtStandard {
		if set != 0 {
			notes = append(notes, fmt.Sprintf("no %s price for %s: priced at the standard rate", Tier(t), set))
		}
	}
	if a.AtBase != 0 {
		notes = append(notes, fmt.Sprintf("no long-context price for %s: priced at the base rate", a.AtBase))
	}
	if a.ScaledLong != 0 {
		notes = append(notes, fmt.Sprintf("no long-context price for %s: the base price scaled as the entry's input price is", a.ScaledLong))
	}
	if a.AsInput != 0 {
		notes = append(notes, fmt.Sprintf("no %s price: priced as uncached input", a.AsInput))
	}
	if a.As5m != 0 {
		notes = append(notes, "no 1-hour cache-write price: priced at the 5-minute cache-write price")
	}
	if a.Unpriced != 0 {
		notes = append(notes, fmt.Sprintf("no %s price at all: counted as $0", a.Unpriced))
	}
	return notes
}

// RequestCost is Cost for one request: its prompt size, t.Input(), picks the
// long-context tier.
func (p *Price) RequestCost(t Tokens, tier Tier) Cost {
	return p.Cost(t, Terms{Tier: tier, PromptTokens: t.Input()})
}

// Cost prices tokens at the entry's rates under terms:
//
//	Cost = InputUncached × input + CacheRead × cache read
//	     + CacheWrite5m × cache write + CacheWrite1h × 1-hour cache write
//	     + (Output − Reasoning) × output + Reasoning × reasoning
//
// where each rate is the entry's price for the service tier and long-context
// tier of terms. Reasoning is priced apart only where the entry has
// output_cost_per_reasoning_token; elsewhere all output is priced as output.
// A missing price falls back, and says so in Assumed: first to the standard
// tier, then to the base context, then cache reads and 5-minute writes to the
// input price and 1-hour writes to the 5-minute write price (then input).
func (p *Price) Cost(t Tokens, terms Terms) Cost {
	ctx := p.context(terms)
	c := Cost{Tier: terms.Tier, AboveTokens: p.threshold(ctx)}
	if terms.LongContext && terms.PromptTokens <= 0 && len(p.thresholds) == 0 {
		c.Assumed.AtBase = tokenComponents(t)
	}
	r := rater{p: p, ctx: ctx, tier: terms.Tier, a: &c.Assumed}
	var reasoning int64
	if p.reasoning {
		reasoning = min(max(t.Reasoning, 0), max(t.Output, 0))
	}
	c.InputUSD = r.charge(Input, t.InputUncached)
	c.CacheReadUSD = r.charge(CacheRead, t.CacheRead)
	c.CacheWrite5mUSD = r.charge(CacheWrite5m, t.CacheWrite5m)
	c.CacheWrite1hUSD = r.charge(CacheWrite1h, t.CacheWrite1h)
	c.OutputUSD = r.charge(Output, t.Output-reasoning)
	c.ReasoningUSD = r.charge(Reasoning, reasoning)
	c.TotalUSD = c.InputUSD + c.CacheReadUSD + c.CacheWrite5mUSD + c.CacheWrite1hUSD + c.OutputUSD + c.ReasoningUSD
	return c
}

// tokenComponents returns the components that have tokens.
func tokenComponents(t Tokens) ComponentSet {
	var s ComponentSet
	for c, n := range [...]int64{Input: t.InputUncached, CacheRead: t.CacheRead,
		CacheWrite5m: t.CacheWrite5m, CacheWrite1h: t.CacheWrite1h, Output: t.Output} {
		if n != 0 {
			s = s.with(Component(c))
		}
	}
	return s
}

// context returns the context index (0: base, i: thresholds[i-1]) that terms select.
func (p *Price) context(terms Terms) int {
	if terms.PromptTokens > 0 {
		ctx := 0
		for i, limit := range p.thresholds {
			if terms.PromptTokens > limit {
				ctx = i + 1
			}
		}
		return ctx
	}
	if terms.LongContext && len(p.thresholds) > 0 {
		return 1
	}
	return 0
}

func (p *Price) threshold(ctx int) int64 {
	if ctx == 0 {
		return 0
	}
	return p.thresholds[ctx-1]
}

// AboveTokens returns the long-context threshold that a prompt of
// promptTokens is priced at: the highest threshold it exceeds, or 0.
func (p *Price) AboveTokens(promptTokens int64) int64 {
	return p.threshold(p.context(Terms{PromptTokens: promptTokens}))
}

// rater finds the rates of one entry under one set of terms, recording the
// fallbacks it takes.
type rater struct {
	p    *Price
	ctx  int
	tier Tier
	a    *Assumptions
}

// substitutes are what a component with no price at all is priced as.
var substitutes = [numComponents][]Component{
	CacheRead:    {Input},
	CacheWrite5m: {Input},
	CacheWrite1h: {CacheWrite5m, Input},
	Reasoning:    {Output},
}

// charge returns n tokens of component c at its rate.
func (r rater) charge(c Component, n int64) float64 {
	if n == 0 {
		return 0
	}
	if usd, ok := r.find(c, c); ok {
		return float64(n) * usd
	}
	for _, s := range substitutes[c] {
		if usd, ok := r.find(s, c); ok {
			switch {
			case s == CacheWrite5m:
				r.a.As5m = r.a.As5m.with(c)
			case c != Reasoning:
				r.a.AsInput = r.a.AsInput.with(c)
			}
			return float64(n) * usd
		}
	}
	r.a.Unpriced = r.a.Unpriced.with(c)
	return 0
}

// inputSide tells the cache components, priced as multiples of the input price.
func inputSide(c Component) bool {
	return c == CacheRead || c == CacheWrite5m || c == CacheWrite1h
}

// longRatio is how much dearer the entry's uncached input is in the asked
// context than in the base one, at tier: the factor a component without a
// long-context price of its own is scaled by (Anthropic doubles every input
// price above 200k tokens, cache writes included).
func (r rater) longRatio(tier Tier) (float64, bool) {
	p := r.p
	long := &p.rates[p.setIndex(r.ctx, tier)]
	base := &p.rates[p.setIndex(0, tier)]
	if !long.has.Has(Input) || !base.has.Has(Input) || base.usd[Input] == 0 {
		return 0, false
	}
	return long.usd[Input] / base.usd[Input], true
}

// find returns the rate of component c, trying the asked service tier and
// context first, then the standard tier, then the base context; fallbacks are
// recorded against component tokens (the component the tokens are of).
func (r rater) find(c, tokens Component) (float64, bool) {
	p := r.p
	for _, step := range [...]struct {
		ctx  int
		tier Tier
	}{{r.ctx, r.tier}, {r.ctx, Standard}, {0, r.tier}, {0, Standard}} {
		set := &p.rates[p.setIndex(step.ctx, step.tier)]
		if !set.has.Has(c) {
			continue
		}
		if step.tier != r.tier {
			r.a.AtStandard[r.tier] = r.a.AtStandard[r.tier].with(tokens)
		}
		if step.ctx != r.ctx {
			if ratio, ok := r.longRatio(step.tier); ok && inputSide(c) {
				r.a.ScaledLong = r.a.ScaledLong.with(tokens)
				return set.usd[c] * ratio, true
			}
			r.a.AtBase = r.a.AtBase.with(tokens)
		}
		return set.usd[c], true
	}
	return 0, false
}
