package pricing

import (
	"slices"
	"sync"
)

// Pricer looks models up in a table and remembers the answers, so that
// pricing millions of usage rows costs one map lookup per row. It is safe
// for concurrent use. The table must not change while a Pricer uses it.
type Pricer struct {
	table *Table

	mu   sync.Mutex
	seen map[string]match // by the name as exported
}

type match struct {
	price     *Price
	canonical string
	ok        bool
}

// NewPricer returns a Pricer over t.
func NewPricer(t *Table) *Pricer {
	return &Pricer{table: t, seen: make(map[string]match)}
}

// Lookup is Table.Lookup, remembered.
func (pr *Pricer) Lookup(name string) (p *Price, canonical string, ok bool) {
	pr.mu.Lock()
	m, found := pr.seen[name]
	pr.mu.Unlock()
	if !found {
		m.price, m.canonical, m.ok = pr.table.Lookup(name)
		pr.mu.Lock()
		pr.seen[name] = m
		pr.mu.Unlock()
	}
	return m.price, m.canonical, m.ok
}

// Cost looks the model up and prices the tokens under terms; ok is false,
// and the cost zero, when the table has no price for the model.
func (pr *Pricer) Cost(name string, t Tokens, terms Terms) (c Cost, canonical string, ok bool) {
	p, canonical, ok := pr.Lookup(name)
	if !ok {
		return Cost{}, canonical, false
	}
	return p.Cost(t, terms), canonical, true
}

// Unknown returns the names looked up so far that have no price, sorted.
func (pr *Pricer) Unknown() []string {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var names []string
	for name, m := range pr.seen {
		if !m.ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}
