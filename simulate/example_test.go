package simulate_test

import (
	"fmt"

	"github.com/plan-cli/plan/simulate"
)

// A server with two slots measured at 40 tokens/s for one request and 64
// tokens/s in all for two, fed one request every 10 s on average for a day,
// sending to the cloud any request expected to wait more than 5 s.
func ExampleRun() {
	svc, err := simulate.NewCurveService([]simulate.CurvePoint{
		{Active: 1, PrefillTokensPerSecond: 800, DecodeTokensPerSecond: 40},
		{Active: 2, PrefillTokensPerSecond: 1200, DecodeTokensPerSecond: 64},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	gen, err := simulate.NewGenerator(simulate.Arrivals{
		Rate: 0.1, Duration: 24 * 3600, Seed: 1, PromptTokens: 800, OutputTokens: 300,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := simulate.Config{Slots: 2, QueueLimit: 10, Service: svc, Policy: simulate.Spill{MaxWait: 5}}
	res, err := simulate.Run(cfg, gen)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("requests %d, served locally %d, spilled %d\n", res.Requests, res.ServedLocal, res.Spilled)
	fmt.Printf("utilization %.2f, %d hours\n", res.Utilization, len(res.Hours))
	// Output:
	// requests 8787, served locally 7344, spilled 1443
	// utilization 0.42, 24 hours
}
