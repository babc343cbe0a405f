package main

import (
	"github.com/plan-cli/plan/pricing"
	"github.com/plan-cli/plan/pricing/spend"
)

// newPricer builds the record pricer from the built-in prices (with the
// --prices file merged over them) and a one-line description of their sources.
func newPricer(path string) (spend.Pricer, string, error) {
	t, err := priceTable(path)
	if err != nil {
		return nil, "", err
	}
	return spend.NewTablePricer(t), pricing.SourcesLine(t.Sources), nil
}
