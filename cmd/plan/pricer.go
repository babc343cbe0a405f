package main

import (
	"fmt"
	"strings"

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
	return spend.NewTablePricer(t), sourcesText(t.Sources), nil
}

func sourcesText(srcs []pricing.Source) string {
	parts := make([]string, 0, len(srcs))
	for _, src := range srcs {
		s := src.Name
		if src.Date != "" {
			s += " of " + src.Date
		}
		if src.Embedded {
			s += " (built in)"
		} else {
			s += fmt.Sprintf(" (%d entries)", src.Entries)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " + ")
}
