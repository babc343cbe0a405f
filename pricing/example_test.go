package pricing_test

import (
	"fmt"

	"github.com/plan-cli/plan/pricing"
)

// Price one day of an OpenAI usage export: 80992 input and 274770 output
// tokens of gpt-5-mini at $0.25 and $2 per 1M tokens.
func ExamplePricer() {
	table, err := pricing.Embedded()
	if err != nil {
		fmt.Println(err)
		return
	}
	pr := pricing.NewPricer(table)
	tokens := pricing.Tokens{InputUncached: 80992, Output: 274770}
	cost, canonical, ok := pr.Cost("gpt-5-mini-2025-08-07", tokens, pricing.Terms{})
	fmt.Printf("%s %v $%.6f\n", canonical, ok, cost.TotalUSD)

	_, canonical, ok = pr.Cost("my-local-model", tokens, pricing.Terms{})
	fmt.Printf("%s %v\n", canonical, ok)
	// Output:
	// gpt-5-mini true $0.569788
	// my-local-model false
}

func ExampleCanonical() {
	for _, name := range []string{"gpt-4o-2024-08-06", "anthropic/claude-3.5-sonnet", "Claude Haiku 4.5"} {
		fmt.Println(pricing.Canonical(name))
	}
	// Output:
	// gpt-4o
	// claude-3-5-sonnet
	// claude-haiku-4-5
}

// A cost with a price the entry lacks says what was assumed.
func ExamplePrice_Cost() {
	table, _ := pricing.Embedded()
	p, _, _ := table.Lookup("gpt-5")
	cost := p.Cost(pricing.Tokens{InputUncached: 1000000, Output: 100000}, pricing.Terms{Tier: pricing.Batch})
	fmt.Printf("$%.2f\n", cost.TotalUSD)
	for _, note := range cost.Assumed.Notes() {
		fmt.Println(note)
	}
	// Output:
	// $2.25
	// no batch price for input, output: priced at the standard rate
}
