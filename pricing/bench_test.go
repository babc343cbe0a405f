package pricing

import "testing"

// benchNames are model names as exports write them.
var benchNames = []string{
	"gpt-4o-2024-08-06", "gpt-5-mini-2025-08-07", "openai/gpt-4o-mini", "claude-sonnet-4-20250514",
	"Claude Haiku 4.5", "anthropic/claude-3.5-sonnet", "gemini-2.5-pro", "google/gemini-2.5-flash",
	"o3-2025-04-16", "claude-opus-4-1-20250805", "gpt-4.1-nano", "llama-3.1-8b-local",
}

// BenchmarkPricerCost is the per-row work of pricing usage: a remembered
// lookup by the exported name, then the cost.
func BenchmarkPricerCost(b *testing.B) {
	pr := NewPricer(embedded(b))
	tok := Tokens{InputUncached: 80992, CacheRead: 1024, CacheWrite5m: 512, Output: 274770, Reasoning: 1000}
	terms := Terms{Tier: Standard}
	var sum float64
	i := 0
	for b.Loop() {
		c, _, _ := pr.Cost(benchNames[i%len(benchNames)], tok, terms)
		sum += c.TotalUSD
		i++
	}
	if sum < 0 {
		b.Fatal(sum)
	}
}

// BenchmarkTableLookup is a lookup without the Pricer's memory.
func BenchmarkTableLookup(b *testing.B) {
	tb := embedded(b)
	i := 0
	for b.Loop() {
		tb.Lookup(benchNames[i%len(benchNames)])
		i++
	}
}

func BenchmarkEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Embedded(); err != nil {
			b.Fatal(err)
		}
	}
}
