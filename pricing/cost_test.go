package pricing

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// usdEqual compares dollar amounts to a billionth of a cent.
func usdEqual(a, b float64) bool { return math.Abs(a-b) < 1e-11 }

// Every expected cost below is worked out by hand from the prices of the
// embedded table (BerriAI/litellm, 2026-07-24), written per 1M tokens.
func TestCost(t *testing.T) {
	tests := []struct {
		name   string
		model  string
		tokens Tokens
		terms  Terms
		want   Cost // the USD fields; TotalUSD is checked too
		notes  []string
	}{
		// The reference OpenAI usage export; its cost export shows the same amounts.
		// gpt-5-mini-2025-08-07: input $0.25, output $2.00.
		{
			name: "openai export 2025-10-07", model: "gpt-5-mini-2025-08-07",
			tokens: Tokens{InputUncached: 80992, Output: 274770},
			// 80992 × 0.25/1e6 = 0.020248; 274770 × 2/1e6 = 0.54954; sum 0.569788
			want: Cost{InputUSD: 0.020248, OutputUSD: 0.54954, TotalUSD: 0.569788},
		},
		{
			name: "openai export 2025-10-10", model: "gpt-5-mini-2025-08-07",
			tokens: Tokens{InputUncached: 124784, Output: 154852},
			// 124784 × 0.25/1e6 = 0.031196; 154852 × 2/1e6 = 0.309704; sum 0.3409
			want: Cost{InputUSD: 0.031196, OutputUSD: 0.309704, TotalUSD: 0.3409},
		},
		{
			name: "openai export 2025-10-11", model: "gpt-5-mini-2025-08-07",
			tokens: Tokens{InputUncached: 22688, Output: 33191},
			// 22688 × 0.25/1e6 = 0.005672; 33191 × 2/1e6 = 0.066382; sum 0.072054
			want: Cost{InputUSD: 0.005672, OutputUSD: 0.066382, TotalUSD: 0.072054},
		},
		{
			// gpt-4o-2024-08-06: input $2.50, cached $1.25, output $10.
			name: "openai export 2025-10-05 gpt-4o with cache reads", model: "gpt-4o-2024-08-06",
			tokens: Tokens{InputUncached: 53440, CacheRead: 5760, Output: 10646},
			// 53440 × 2.5/1e6 = 0.1336; 5760 × 1.25/1e6 = 0.0072; 10646 × 10/1e6 = 0.10646; sum 0.24726
			want: Cost{InputUSD: 0.1336, CacheReadUSD: 0.0072, OutputUSD: 0.10646, TotalUSD: 0.24726},
		},
		{
			// gpt-5-2025-08-07: input $1.25, cached $0.125, output $10.
			name: "openai export 2025-10-06 gpt-5 with cache reads", model: "gpt-5-2025-08-07",
			tokens: Tokens{InputUncached: 38072, CacheRead: 8192, Output: 60000},
			// 38072 × 1.25/1e6 = 0.04759; 8192 × 0.125/1e6 = 0.001024; 60000 × 10/1e6 = 0.6; sum 0.648614
			want: Cost{InputUSD: 0.04759, CacheReadUSD: 0.001024, OutputUSD: 0.6, TotalUSD: 0.648614},
		},
		{
			// claude-sonnet-4-20250514: input $3, cache read $0.30, write 5m $3.75, write 1h $6, output $15.
			name: "anthropic cache writes 5m and 1h and reads", model: "claude-sonnet-4-20250514",
			tokens: Tokens{InputUncached: 1000, CacheRead: 20000, CacheWrite5m: 3000, CacheWrite1h: 4000, Output: 500},
			// 1000 × 3/1e6 = 0.003; 20000 × 0.3/1e6 = 0.006; 3000 × 3.75/1e6 = 0.01125;
			// 4000 × 6/1e6 = 0.024; 500 × 15/1e6 = 0.0075; sum 0.05175
			want: Cost{InputUSD: 0.003, CacheReadUSD: 0.006, CacheWrite5mUSD: 0.01125, CacheWrite1hUSD: 0.024,
				OutputUSD: 0.0075, TotalUSD: 0.05175},
		},
		{
			// claude-haiku-4-5 (Claude Haiku 4.5 in the console): $1, read $0.10, 5m $1.25, 1h $2, output $5.
			name: "anthropic display name", model: "Claude Haiku 4.5",
			tokens: Tokens{InputUncached: 200000, CacheRead: 1000000, CacheWrite5m: 40000, CacheWrite1h: 10000, Output: 30000},
			// 200000 × 1/1e6 = 0.2; 1e6 × 0.1/1e6 = 0.1; 40000 × 1.25/1e6 = 0.05; 10000 × 2/1e6 = 0.02;
			// 30000 × 5/1e6 = 0.15; sum 0.52
			want: Cost{InputUSD: 0.2, CacheReadUSD: 0.1, CacheWrite5mUSD: 0.05, CacheWrite1hUSD: 0.02, OutputUSD: 0.15, TotalUSD: 0.52},
		},
		{
			// claude-sonnet-4-5 above 200k: input $6, read $0.60, 5m $7.50, 1h $12, output $22.50.
			name: "long context by flag", model: "claude-sonnet-4-5",
			tokens: Tokens{InputUncached: 100000, CacheRead: 100000, CacheWrite5m: 10000, CacheWrite1h: 10000, Output: 2000},
			terms:  Terms{LongContext: true},
			// 100000 × 6/1e6 = 0.6; 100000 × 0.6/1e6 = 0.06; 10000 × 7.5/1e6 = 0.075;
			// 10000 × 12/1e6 = 0.12; 2000 × 22.5/1e6 = 0.045; sum 0.9
			want: Cost{InputUSD: 0.6, CacheReadUSD: 0.06, CacheWrite5mUSD: 0.075, CacheWrite1hUSD: 0.12, OutputUSD: 0.045,
				TotalUSD: 0.9, AboveTokens: 200000},
		},
		{
			// The same prompt size decides it: 150000 + 60000 = 210000 input tokens > 200000.
			name: "long context by prompt size", model: "claude-sonnet-4-5",
			tokens: Tokens{InputUncached: 150000, CacheRead: 60000, Output: 2000},
			terms:  Terms{PromptTokens: 210000},
			// 150000 × 6/1e6 = 0.9; 60000 × 0.6/1e6 = 0.036; 2000 × 22.5/1e6 = 0.045; sum 0.981
			want: Cost{InputUSD: 0.9, CacheReadUSD: 0.036, OutputUSD: 0.045, TotalUSD: 0.981, AboveTokens: 200000},
		},
		{
			// Exactly 200000 tokens is not above 200k: base prices $3 and $15.
			name: "prompt at the threshold", model: "claude-sonnet-4-5",
			tokens: Tokens{InputUncached: 200000, Output: 1000},
			terms:  Terms{PromptTokens: 200000},
			// 200000 × 3/1e6 = 0.6; 1000 × 15/1e6 = 0.015; sum 0.615
			want: Cost{InputUSD: 0.6, OutputUSD: 0.015, TotalUSD: 0.615},
		},
		{
			// claude-sonnet-4-20250514 has no 1-hour write price above 200k: its base $6 is used.
			name: "long context, 1h write scaled", model: "claude-sonnet-4-20250514",
			tokens: Tokens{InputUncached: 300000, CacheWrite1h: 10000, Output: 1000},
			terms:  Terms{LongContext: true},
			// 300000 × 6/1e6 = 1.8; the 1h write has no long-context price: its
			// base $6 scaled as input is ($3 → $6), $12: 10000 × 12/1e6 = 0.12;
			// 1000 × 22.5/1e6 = 0.0225; sum 1.9425
			want:  Cost{InputUSD: 1.8, CacheWrite1hUSD: 0.12, OutputUSD: 0.0225, TotalUSD: 1.9425, AboveTokens: 200000},
			notes: []string{"no long-context price for cache write 1h: the base price scaled as the entry's input price is"},
		},
		{
			// gpt-5.4 above 272k: input $5, output $22.50.
			name: "openai long context above 272k", model: "gpt-5.4",
			tokens: Tokens{InputUncached: 300000, Output: 1000},
			terms:  Terms{PromptTokens: 300000},
			// 300000 × 5/1e6 = 1.5; 1000 × 22.5/1e6 = 0.0225; sum 1.5225
			want: Cost{InputUSD: 1.5, OutputUSD: 0.0225, TotalUSD: 1.5225, AboveTokens: 272000},
		},
		{
			// claude-haiku-4-5 has no long-context prices at all.
			name: "long context flag, no long-context prices", model: "claude-haiku-4-5",
			tokens: Tokens{InputUncached: 250000, Output: 1000},
			terms:  Terms{LongContext: true},
			// 250000 × 1/1e6 = 0.25; 1000 × 5/1e6 = 0.005; sum 0.255
			want:  Cost{InputUSD: 0.25, OutputUSD: 0.005, TotalUSD: 0.255},
			notes: []string{"no long-context price for input, output: priced at the base rate"},
		},
		{
			// gpt-4o batch: input $1.25, output $5; no batch cache-read price, so the standard $1.25.
			name: "batch", model: "gpt-4o",
			tokens: Tokens{InputUncached: 1000000, CacheRead: 200000, Output: 1000000},
			terms:  Terms{Tier: Batch},
			// 1e6 × 1.25/1e6 = 1.25; 200000 × 1.25/1e6 = 0.25; 1e6 × 5/1e6 = 5; sum 6.5
			want:  Cost{InputUSD: 1.25, CacheReadUSD: 0.25, OutputUSD: 5, TotalUSD: 6.5, Tier: Batch},
			notes: []string{"no batch price for cache read: priced at the standard rate"},
		},
		{
			// gpt-5-mini priority: input $0.45, cached $0.045, output $3.60.
			name: "priority", model: "gpt-5-mini",
			tokens: Tokens{InputUncached: 100000, CacheRead: 10000, Output: 50000},
			terms:  Terms{Tier: Priority},
			// 100000 × 0.45/1e6 = 0.045; 10000 × 0.045/1e6 = 0.00045; 50000 × 3.6/1e6 = 0.18; sum 0.22545
			want: Cost{InputUSD: 0.045, CacheReadUSD: 0.00045, OutputUSD: 0.18, TotalUSD: 0.22545, Tier: Priority},
		},
		{
			// gpt-5 flex: input $0.625, cached $0.0625, output $5.
			name: "flex", model: "gpt-5",
			tokens: Tokens{InputUncached: 400000, CacheRead: 800000, Output: 100000},
			terms:  Terms{Tier: Flex},
			// 400000 × 0.625/1e6 = 0.25; 800000 × 0.0625/1e6 = 0.05; 100000 × 5/1e6 = 0.5; sum 0.8
			want: Cost{InputUSD: 0.25, CacheReadUSD: 0.05, OutputUSD: 0.5, TotalUSD: 0.8, Tier: Flex},
		},
		{
			// gpt-5 has no batch prices in the table: standard $1.25 and $10, said so.
			name: "batch without batch prices", model: "gpt-5",
			tokens: Tokens{InputUncached: 1000000, Output: 100000},
			terms:  Terms{Tier: Batch},
			// 1e6 × 1.25/1e6 = 1.25; 100000 × 10/1e6 = 1; sum 2.25
			want:  Cost{InputUSD: 1.25, OutputUSD: 1, TotalUSD: 2.25, Tier: Batch},
			notes: []string{"no batch price for input, output: priced at the standard rate"},
		},
		{
			// gpt-4o-2024-05-13 has no cache-read price: reads at its input price, $5.
			name: "cache reads without a cache price", model: "gpt-4o-2024-05-13",
			tokens: Tokens{InputUncached: 1000, CacheRead: 1000, Output: 1000},
			// 1000 × 5/1e6 = 0.005; 1000 × 5/1e6 = 0.005; 1000 × 15/1e6 = 0.015; sum 0.025
			want:  Cost{InputUSD: 0.005, CacheReadUSD: 0.005, OutputUSD: 0.015, TotalUSD: 0.025},
			notes: []string{"no cache read price: priced as uncached input"},
		},
		{
			// gemini-2.5-pro (Vertex AI) has no cache-write price: writes at input, $1.25.
			name: "cache writes without a write price", model: "gemini-2.5-pro",
			tokens: Tokens{InputUncached: 1000, CacheWrite5m: 2000, CacheWrite1h: 4000, Output: 100},
			// 1000 × 1.25/1e6 = 0.00125; 2000 × 1.25/1e6 = 0.0025; 4000 × 1.25/1e6 = 0.005;
			// 100 × 10/1e6 = 0.001; sum 0.00975
			want:  Cost{InputUSD: 0.00125, CacheWrite5mUSD: 0.0025, CacheWrite1hUSD: 0.005, OutputUSD: 0.001, TotalUSD: 0.00975},
			notes: []string{"no cache write 5m, cache write 1h price: priced as uncached input"},
		},
		{
			// Reasoning is part of output; gemini-2.5-flash prices it apart, at $2.50 like output.
			name: "reasoning priced apart", model: "gemini-2.5-flash",
			tokens: Tokens{InputUncached: 10000, Output: 5000, Reasoning: 3000},
			// 10000 × 0.3/1e6 = 0.003; (5000 − 3000) × 2.5/1e6 = 0.005; 3000 × 2.5/1e6 = 0.0075; sum 0.0155
			want: Cost{InputUSD: 0.003, OutputUSD: 0.005, ReasoningUSD: 0.0075, TotalUSD: 0.0155},
		},
		{
			// gpt-5-mini has no reasoning price: all 5000 output tokens at $2.
			name: "reasoning billed as output", model: "gpt-5-mini",
			tokens: Tokens{Output: 5000, Reasoning: 3000},
			// 5000 × 2/1e6 = 0.01
			want: Cost{OutputUSD: 0.01, TotalUSD: 0.01},
		},
	}
	tb := embedded(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, ok := tb.Lookup(tt.model)
			if !ok {
				t.Fatalf("Lookup(%q) found nothing", tt.model)
			}
			got := p.Cost(tt.tokens, tt.terms)
			checkCost(t, got, tt.want)
			if notes := got.Assumed.Notes(); !slices.Equal(notes, tt.notes) {
				t.Errorf("Cost(%+v).Assumed.Notes() = %q; want %q", tt.tokens, notes, tt.notes)
			}
		})
	}
}

func checkCost(t *testing.T, got, want Cost) {
	t.Helper()
	pairs := []struct {
		name      string
		got, want float64
	}{
		{"InputUSD", got.InputUSD, want.InputUSD},
		{"CacheReadUSD", got.CacheReadUSD, want.CacheReadUSD},
		{"CacheWrite5mUSD", got.CacheWrite5mUSD, want.CacheWrite5mUSD},
		{"CacheWrite1hUSD", got.CacheWrite1hUSD, want.CacheWrite1hUSD},
		{"OutputUSD", got.OutputUSD, want.OutputUSD},
		{"ReasoningUSD", got.ReasoningUSD, want.ReasoningUSD},
		{"TotalUSD", got.TotalUSD, want.TotalUSD},
	}
	for _, p := range pairs {
		if !usdEqual(p.got, p.want) {
			t.Errorf("Cost().%s = %.12f; want %.12f", p.name, p.got, p.want)
		}
	}
	if got.Tier != want.Tier || got.AboveTokens != want.AboveTokens {
		t.Errorf("Cost() tier %v above %d; want %v above %d", got.Tier, got.AboveTokens, want.Tier, want.AboveTokens)
	}
}

// The OpenAI cost export's amount for 2025-10-05, 0.895874, is the gpt-4o
// row of that day plus the first gpt-5 row of the next (its buckets are
// shifted): 0.24726 + 0.648614 = 0.895874.
func TestCostMatchesOpenAICostExport(t *testing.T) {
	pr := NewPricer(embedded(t))
	a, _, okA := pr.Cost("gpt-4o-2024-08-06", Tokens{InputUncached: 53440, CacheRead: 5760, Output: 10646}, Terms{})
	b, _, okB := pr.Cost("gpt-5-2025-08-07", Tokens{InputUncached: 38072, CacheRead: 8192, Output: 60000}, Terms{})
	if !okA || !okB || !usdEqual(a.Add(b).TotalUSD, 0.895874) {
		t.Errorf("gpt-4o + gpt-5 rows = %.9f; want the export's 0.895874", a.Add(b).TotalUSD)
	}
}

func TestRequestCost(t *testing.T) {
	p, _, _ := embedded(t).Lookup("claude-sonnet-4-5")
	tests := []struct {
		tokens Tokens
		above  int64
		want   float64
	}{
		// 150000 + 50001 = 200001 > 200000: $6 and $0.60 and $22.50.
		// 150000 × 6/1e6 = 0.9; 50001 × 0.6/1e6 = 0.0300006; 1000 × 22.5/1e6 = 0.0225; sum 0.9525006
		{Tokens{InputUncached: 150000, CacheRead: 50001, Output: 1000}, 200000, 0.9525006},
		// 150000 + 50000 = 200000, not above: $3, $0.30, $15.
		// 150000 × 3/1e6 = 0.45; 50000 × 0.3/1e6 = 0.015; 1000 × 15/1e6 = 0.015; sum 0.48
		{Tokens{InputUncached: 150000, CacheRead: 50000, Output: 1000}, 0, 0.48},
	}
	for _, tt := range tests {
		got := p.RequestCost(tt.tokens, Standard)
		if !usdEqual(got.TotalUSD, tt.want) || got.AboveTokens != tt.above {
			t.Errorf("RequestCost(%+v) = %.9f above %d; want %.9f above %d", tt.tokens, got.TotalUSD, got.AboveTokens, tt.want, tt.above)
		}
		if a := p.AboveTokens(tt.tokens.Input()); a != tt.above {
			t.Errorf("AboveTokens(%d) = %d; want %d", tt.tokens.Input(), a, tt.above)
		}
	}
}

func TestCostOfTestEntries(t *testing.T) {
	tb := mustParse(t, `{
		"reasoner": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06, "output_cost_per_reasoning_token": 3e-06},
		"input-only": {"input_cost_per_token": 1e-06},
		"tiers": {"input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06,
			"cache_creation_input_token_cost": 1.25e-06,
			"input_cost_per_token_above_128k_tokens": 2e-06, "input_cost_per_token_above_256k_tokens": 3e-06,
			"input_cost_per_token_above_128k_tokens_priority": 5e-06}
	}`)
	tests := []struct {
		model  string
		tokens Tokens
		terms  Terms
		want   float64
		notes  []string
	}{
		// 600 × 2/1e6 + 400 × 3/1e6 = 0.0012 + 0.0012 = 0.0024
		{"reasoner", Tokens{Output: 1000, Reasoning: 400}, Terms{}, 0.0024, nil},
		// Reasoning above output is taken as all of it: 1000 × 3/1e6 = 0.003
		{"reasoner", Tokens{Output: 1000, Reasoning: 5000}, Terms{}, 0.003, nil},
		// 1000 × 1/1e6 = 0.001; output unpriced, said so
		{"input-only", Tokens{InputUncached: 1000, Output: 1000}, Terms{}, 0.001,
			[]string{"no output price at all: counted as $0"}},
		// 300000 > 256000: 300000 × 3/1e6 = 0.9
		{"tiers", Tokens{InputUncached: 300000}, Terms{PromptTokens: 300000}, 0.9, nil},
		// 200000 > 128000 only: 200000 × 2/1e6 = 0.4
		{"tiers", Tokens{InputUncached: 200000}, Terms{PromptTokens: 200000}, 0.4, nil},
		// The flag takes the first threshold: 200000 × 2/1e6 = 0.4
		{"tiers", Tokens{InputUncached: 200000}, Terms{LongContext: true}, 0.4, nil},
		// Priority above 128k: 200000 × 5/1e6 = 1; output has no priority price: 1000 × 4/1e6 = 0.004
		{"tiers", Tokens{InputUncached: 200000, Output: 1000}, Terms{Tier: Priority, LongContext: true}, 1.004,
			[]string{"no priority price for output: priced at the standard rate",
				"no long-context price for output: priced at the base rate"}},
		// 1-hour writes with no price of their own go at the 5-minute price: 1000 × 1.25/1e6 = 0.00125
		{"tiers", Tokens{CacheWrite1h: 1000}, Terms{}, 0.00125,
			[]string{"no 1-hour cache-write price: priced at the 5-minute cache-write price"}},
	}
	for _, tt := range tests {
		p, _, ok := tb.Lookup(tt.model)
		if !ok {
			t.Fatalf("Lookup(%q) found nothing", tt.model)
		}
		got := p.Cost(tt.tokens, tt.terms)
		if !usdEqual(got.TotalUSD, tt.want) {
			t.Errorf("%s: Cost(%+v, %+v) = %.9f; want %.9f", tt.model, tt.tokens, tt.terms, got.TotalUSD, tt.want)
		}
		if notes := got.Assumed.Notes(); !slices.Equal(notes, tt.notes) {
			t.Errorf("%s: Cost(%+v, %+v) notes = %q; want %q", tt.model, tt.tokens, tt.terms, notes, tt.notes)
		}
	}
}

func TestParseTier(t *testing.T) {
	tests := []struct {
		tier   string
		batch  bool
		want   Tier
		wantOK bool
	}{
		{"default", false, Standard, true},
		{"", false, Standard, true},
		{"Standard", false, Standard, true},
		{"auto", false, Standard, true},
		{"flex", false, Flex, true},
		{"priority", false, Priority, true},
		{"batch", false, Batch, true},
		{"default", true, Batch, true},
		{"scale", false, Standard, false},
		{"turbo", false, Standard, false},
	}
	for _, tt := range tests {
		if got, ok := ParseTier(tt.tier, tt.batch); got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseTier(%q, %v) = %v, %v; want %v, %v", tt.tier, tt.batch, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestPricerUnknown(t *testing.T) {
	pr := NewPricer(embedded(t))
	for range 3 {
		c, canonical, ok := pr.Cost("llama-3.3-70b-local", Tokens{InputUncached: 1000, Output: 1000}, Terms{})
		if ok || c != (Cost{}) || canonical != "llama-3.3-70b-local" {
			t.Errorf("Cost(unknown) = %+v, %q, %v; want nothing priced", c, canonical, ok)
		}
	}
	pr.Lookup("gpt-4o")
	pr.Lookup("Some Model")
	if got := pr.Unknown(); !slices.Equal(got, []string{"Some Model", "llama-3.3-70b-local"}) {
		t.Errorf("Unknown() = %q; want the two unknown names", got)
	}
}

func TestPricerConcurrent(t *testing.T) {
	pr := NewPricer(embedded(t))
	done := make(chan float64)
	for range 8 {
		go func() {
			var sum float64
			for i := range 1000 {
				c, _, _ := pr.Cost([]string{"gpt-4o", "claude-sonnet-4-20250514", "gemini-2.5-pro"}[i%3],
					Tokens{InputUncached: 1000, Output: 100}, Terms{})
				sum += c.TotalUSD
			}
			done <- sum
		}()
	}
	first := <-done
	for range 7 {
		if got := <-done; got != first {
			t.Errorf("goroutines summed %v and %v; want the same", first, got)
		}
	}
}

// TestSummingStaysWithinACent measures what float64 costs lose against exact
// rational arithmetic over many rows: both per-row sums and token sums priced
// once must be far inside a cent.
func TestSummingStaysWithinACent(t *testing.T) {
	p, _, _ := embedded(t).Lookup("claude-sonnet-4-5")
	// The entry's base prices as decimal fractions, exactly.
	exactRate := map[Component]string{Input: "3e-06", CacheRead: "3e-07", CacheWrite5m: "3.75e-06",
		CacheWrite1h: "6e-06", Output: "1.5e-05"}
	rng := rand.New(rand.NewPCG(1, 2))
	var perRow float64
	var sum Tokens
	for range 200000 {
		tok := Tokens{InputUncached: rng.Int64N(100000), CacheRead: rng.Int64N(100000),
			CacheWrite5m: rng.Int64N(20000), CacheWrite1h: rng.Int64N(20000), Output: rng.Int64N(10000)}
		perRow += p.Cost(tok, Terms{}).TotalUSD
		sum = sum.Add(tok)
	}
	exact := new(big.Rat)
	for c, n := range map[Component]int64{Input: sum.InputUncached, CacheRead: sum.CacheRead,
		CacheWrite5m: sum.CacheWrite5m, CacheWrite1h: sum.CacheWrite1h, Output: sum.Output} {
		r, _ := new(big.Rat).SetString(exactRate[c])
		exact.Add(exact, r.Mul(r, new(big.Rat).SetInt64(n)))
	}
	want, _ := exact.Float64()
	once := p.Cost(sum, Terms{}).TotalUSD
	t.Logf("200000 rows, $%.2f: per-row sum off by $%.3g, token sums priced once off by $%.3g",
		want, perRow-want, once-want)
	if math.Abs(perRow-want) > 1e-4 || math.Abs(once-want) > 1e-6 {
		t.Errorf("sums = %.9f (per row), %.9f (once); want %.9f within a hundredth of a cent", perRow, once, want)
	}
}

func TestAssumptionsNotesName(t *testing.T) {
	var a Assumptions
	a.AtStandard[Flex] = a.AtStandard[Flex].with(CacheWrite5m)
	a.AsInput = a.AsInput.with(CacheRead)
	b := Assumptions{Unpriced: ComponentSet(0).with(Output)}
	notes := strings.Join(a.Or(b).Notes(), "; ")
	want := "no flex price for cache write 5m: priced at the standard rate; no cache read price: priced as uncached input; no output price at all: counted as $0"
	if notes != want || !a.Or(b).Any() || (Assumptions{}).Any() {
		t.Errorf("Notes() = %q; want %q", notes, want)
	}
}
