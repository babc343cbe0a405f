package planner

import "fmt"

// sensitivityCase is one what-if change of the inputs.
type sensitivityCase struct {
	input string
	value string
	apply func(*CostInputs)
}

// sensitivityCases are the rows of BreakEven.Sensitivity, each changing one
// input and keeping the others:
//
//   - cloud price change per year set to -50%, -30%, 0% and +10%;
//   - usage growth per year set to 0%, +50% and +100%;
//   - displaced traffic x0.5 and x1.5 (utilization of the local machine):
//     the displaced cloud spend and the busy hours both scale;
//   - electricity price x0.5 and x2.
func sensitivityCases() []sensitivityCase {
	var cases []sensitivityCase
	for _, p := range []float64{-0.5, -0.3, 0, 0.1} {
		cases = append(cases, sensitivityCase{"cloud price change per year", percentLabel(p), func(in *CostInputs) {
			in.CloudPriceChangePerYear = p
		}})
	}
	for _, g := range []float64{0, 0.5, 1} {
		cases = append(cases, sensitivityCase{"usage growth per year", percentLabel(g), func(in *CostInputs) {
			in.UsageGrowthPerYear = g
		}})
	}
	for _, x := range []float64{0.5, 1.5} {
		cases = append(cases, sensitivityCase{"utilization (displaced traffic)", factorLabel(x), func(in *CostInputs) {
			in.CloudDisplacedMonthlyUSD *= x
			in.BusyHoursPerMonth *= x
		}})
	}
	for _, x := range []float64{0.5, 2} {
		cases = append(cases, sensitivityCase{"electricity price", factorLabel(x), func(in *CostInputs) {
			in.ElectricityUSDPerKWh *= x
		}})
	}
	return cases
}

// sensitivity computes the rows for valid, normalized inputs.
func sensitivity(in CostInputs) []Sensitivity {
	var rows []Sensitivity
	for _, c := range sensitivityCases() {
		changed := in
		c.apply(&changed)
		b := breakEven(changed)
		rows = append(rows, Sensitivity{
			Input:           c.input,
			Value:           c.value,
			BreakEvenMonths: b.BreakEvenMonths,
			TCO36LocalUSD:   b.TCO36LocalUSD,
		})
	}
	return rows
}

// percentLabel formats a fraction as a signed percentage: -50%, 0%, +10%.
func percentLabel(f float64) string {
	if f == 0 {
		return "0%"
	}
	return fmt.Sprintf("%+.0f%%", 100*f)
}

// factorLabel formats a factor: x0.5, x2.
func factorLabel(f float64) string {
	return fmt.Sprintf("x%g", f)
}
