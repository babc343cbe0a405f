package planner_test

import (
	"fmt"

	"github.com/plan-cli/plan/planner"
)

// The sanity case of public write-ups: 10M tokens a month of GPT-4-class
// traffic at $30 per 1M tokens, moved to a $2,750 RTX 4090 workstation that
// serves 100 tokens/s.
func ExampleComputeBreakEven() {
	b, err := planner.ComputeBreakEven(planner.CostInputs{
		CloudDisplacedMonthlyUSD: 300,
		HardwareUSD:              2750,
		ActiveWatts:              450,
		IdleWatts:                60,
		BusyHoursPerMonth:        planner.BusyHoursPerMonth(10e6, 100),
		ElectricityUSDPerKWh:     0.15,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.Describe())
	fmt.Printf("3-year TCO: cloud $%.0f, local $%.0f\n", b.TCO36CloudUSD, b.TCO36LocalUSD)
	for _, s := range b.Sensitivity[:4] {
		fmt.Printf("%s %s: %s\n", s.Input, s.Value, s.BreakEvenText())
	}
	// Output:
	// pays for itself in 9.4 months: $2,750 of hardware against savings of $292/month in the first month ($300 of cloud spend for $8.20 of running costs)
	// 3-year TCO: cloud $10800, local $3045
	// cloud price change per year -50%: 13.3 months
	// cloud price change per year -30%: 10.9 months
	// cloud price change per year 0%: 9.4 months
	// cloud price change per year +10%: 9.1 months
}
