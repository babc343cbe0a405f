package pricing

import (
	"regexp"
	"slices"
	"strings"
)

// Source says where a table's prices came from.
type Source struct {
	Name     string `json:"name"`           // the upstream file, or the path of the file given
	URL      string `json:"url,omitempty"`  // where the upstream file is published
	Date     string `json:"date,omitempty"` // the prices' own date (upstream last update), when known
	Embedded bool   `json:"embedded"`       // built into plan
	Entries  int    `json:"entries"`        // model entries read
	Priced   int    `json:"priced"`         // of them, entries with an input or output token price
}

// Table is a price table: model entries keyed by model name, from one or
// more sources. It is safe for concurrent reads; Merge must not run
// concurrently with anything else.
type Table struct {
	Sources []Source // the first is the base table; the others were merged into it, in order

	entries map[string]*Price // every entry, by lower-case model name

	// Indexes of the priced entries, rebuilt by index.
	byDated     map[string]*Price // by name form with its date kept
	byCanonical map[string]*Price // by canonical name
	priced      []*Price          // sorted by model name
}

func newTable() *Table {
	return &Table{entries: make(map[string]*Price)}
}

// add puts p into the table, merging its fields into an entry of the same
// name (in any case) if there is one.
func (t *Table) add(p *Price) {
	key := strings.ToLower(p.Model)
	if old, ok := t.entries[key]; ok {
		old.merge(p)
		return
	}
	t.entries[key] = p
}

// Merge adds the entries of o to t, field by field as LiteLLM's
// register_model does: an entry of o that t has (the same name in any case)
// replaces the prices, context sizes, provider and mode that o gives and keeps
// the ones o leaves out; an entry t lacks is added whole. o's sources are
// appended to t's. o is not changed and shares nothing with t afterwards.
func (t *Table) Merge(o *Table) {
	for _, p := range o.entries {
		t.add(p.clone())
	}
	t.Sources = append(t.Sources, o.Sources...)
	t.index()
}

// Len returns the number of priced entries.
func (t *Table) Len() int { return len(t.priced) }

// Prices returns the priced entries, sorted by model name.
func (t *Table) Prices() []*Price { return slices.Clone(t.priced) }

// Entry returns the entry named exactly name (in any case), priced or not.
func (t *Table) Entry(name string) (*Price, bool) {
	p, ok := t.entries[strings.ToLower(name)]
	return p, ok
}

// Search returns the priced entries whose names match pattern, sorted by
// name, ignoring case. A pattern with * (any run of characters) or ? (any one
// character) must match the whole name; any other pattern matches as a
// substring. When a plain pattern matches nothing, it is tried again in
// canonical form against canonical names, so "Claude Sonnet 4" finds the
// claude-sonnet-4 entries. An empty pattern matches everything.
func (t *Table) Search(pattern string) []*Price {
	pattern = strings.ToLower(strings.TrimSpace(pattern))
	if strings.ContainsAny(pattern, "*?") {
		re := globRegexp(pattern)
		return t.filter(func(p *Price) bool { return re.MatchString(strings.ToLower(p.Model)) })
	}
	found := t.filter(func(p *Price) bool { return strings.Contains(strings.ToLower(p.Model), pattern) })
	if len(found) > 0 {
		return found
	}
	c := Canonical(pattern)
	if c == "" {
		return nil
	}
	return t.filter(func(p *Price) bool { return strings.Contains(p.canonical, c) })
}

func (t *Table) filter(keep func(*Price) bool) []*Price {
	var out []*Price
	for _, p := range t.priced {
		if keep(p) {
			out = append(out, p)
		}
	}
	return out
}

// globRegexp turns a glob with * and ? into an anchored regular expression.
func globRegexp(glob string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^`)
	for _, r := range glob {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// index rebuilds the lookup indexes over the priced entries.
func (t *Table) index() {
	t.byDated = make(map[string]*Price)
	t.byCanonical = make(map[string]*Price)
	t.priced = t.priced[:0]
	for _, p := range t.entries {
		if !p.Priced() {
			continue
		}
		t.priced = append(t.priced, p)
		p.dated, p.canonical = names(p.Model)
		t.byDated[p.dated] = preferred(t.byDated[p.dated], p, p.dated)
		t.byCanonical[p.canonical] = preferred(t.byCanonical[p.canonical], p, p.canonical)
	}
	slices.SortFunc(t.priced, func(a, b *Price) int { return strings.Compare(a.Model, b.Model) })
}

// providerRank orders the providers whose entry stands for a model when
// several entries share its name: the makers' own APIs first.
var providerRank = map[string]int{
	"openai":                     1,
	"anthropic":                  2,
	"gemini":                     3,
	"vertex_ai-language-models":  4,
	"vertex_ai":                  5,
	"vertex_ai-anthropic_models": 6,
	"vertex_ai-openai_models":    7,
	"palm":                       8,
}

// preferred returns which of two entries with the same name form (name)
// stands for it: the one from the better-ranked provider; then the one
// spelled exactly name; then the undated alias under another spelling; then
// one in the same word order; then the later name (the newer snapshot).
func preferred(a, b *Price, name string) *Price {
	if a == nil {
		return b
	}
	if ra, rb := rank(a.Provider), rank(b.Provider); ra != rb {
		return pick(ra < rb, a, b)
	}
	la, lb := lastSegment(a.Model), lastSegment(b.Model)
	for _, better := range []func(p *Price, last string) bool{
		func(_ *Price, last string) bool { return last == name },
		func(p *Price, _ string) bool { return p.dated == name },
		func(_ *Price, last string) bool { return strings.HasPrefix(last, name) },
	} {
		if ba, bb := better(a, la), better(b, lb); ba != bb {
			return pick(ba, a, b)
		}
	}
	return pick(strings.ToLower(a.Model) > strings.ToLower(b.Model), a, b)
}

func rank(provider string) int {
	if r, ok := providerRank[provider]; ok {
		return r
	}
	return len(providerRank) + 1
}

func pick(first bool, a, b *Price) *Price {
	if first {
		return a
	}
	return b
}

// lastSegment returns a table key's model part, lower case: after the last slash.
func lastSegment(key string) string {
	key = strings.ToLower(key)
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		key = key[i+1:]
	}
	return key
}

// Lookup finds the entry that prices a model named as an export names it,
// and the model's canonical name (see Canonical), which is what usage should
// be grouped by. It tries, in order: the name itself as a table key; the
// entry of the same dated name, when the name has a date or version (so
// gpt-4o-2024-08-06 and openai/gpt-4o-2024-08-06 find the snapshot's own
// entry, whose price may differ from the alias's); the entry that stands for
// the canonical name (claude-sonnet-4-20250514 for "Claude Sonnet 4"). Where
// several entries share a name, the maker's own API is preferred (openai,
// anthropic, gemini, then Vertex AI), then the entry spelled exactly so, then
// the undated alias, then the newest snapshot. ok is false when none
// has a price: such a model must be reported, never counted as free.
func (t *Table) Lookup(name string) (p *Price, canonical string, ok bool) {
	dated, canonical := names(name)
	if canonical == "" {
		return nil, "", false
	}
	if p, found := t.entries[strings.ToLower(strings.TrimSpace(name))]; found && p.Priced() {
		return p, canonical, true
	}
	if p := t.byDated[dated]; p != nil && dated != canonical {
		return p, canonical, true
	}
	if p := t.byCanonical[canonical]; p != nil {
		return p, canonical, true
	}
	return nil, canonical, false
}
