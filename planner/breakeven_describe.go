package planner

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Describe sums up the break-even analysis in one sentence for the terminal
// report, such as "pays for itself in 9.4 months: ..." or "never within 36
// months: running costs of $X/month exceed the $Y/month it saves". The
// monthly figures are those of the first month (today's usage and prices):
// the displaced cloud spend, the running costs (electricity and
// maintenance, without amortization) and their difference, the savings.
func (b BreakEven) Describe() string {
	if len(b.Months) == 0 {
		return "no break-even analysis: no months computed"
	}
	first := b.Months[0]
	cloud := first.CumulativeCloud
	running := first.CumulativeLocal - b.StartLocalUSD
	savings := cloud - running
	switch {
	case b.BreakEvenMonths != nil && *b.BreakEvenMonths == 0:
		return fmt.Sprintf("pays for itself from the first month: with no hardware to pay for, it saves %s/month (%s of cloud spend for %s of running costs)",
			dollars(savings), dollars(cloud), dollars(running))
	case b.BreakEvenMonths != nil:
		return fmt.Sprintf("pays for itself in %.1f months: %s against savings of %s/month in the first month (%s of cloud spend for %s of running costs)",
			*b.BreakEvenMonths, b.hardwareText(), dollars(savings), dollars(cloud), dollars(running))
	case savings <= 0:
		return fmt.Sprintf("never within %d months: running costs of %s/month %s the %s/month it saves",
			len(b.Months), dollars(running), exceedOrMatch(savings), dollars(cloud))
	}
	last := b.Months[len(b.Months)-1]
	return fmt.Sprintf("never within %d months: it saves %s/month in the first month, but by month %d the local machine still costs %s more than the cloud",
		len(b.Months), dollars(savings), last.Month, dollars(last.CumulativeLocal-last.CumulativeCloud))
}

// BreakEvenText is the break-even month of a sensitivity row as text: "9.4
// months" or "never".
func (s Sensitivity) BreakEvenText() string {
	if s.BreakEvenMonths == nil {
		return "never"
	}
	return fmt.Sprintf("%.1f months", *s.BreakEvenMonths)
}

// hardwareText is the hardware to pay back: "$2,750 of hardware", "$2,000
// of hardware (net of $750 resale)" or "no hardware to pay for".
func (b BreakEven) hardwareText() string {
	switch {
	case b.StartLocalUSD == 0:
		return "no hardware to pay for"
	case b.Inputs.ResaleUSD == 0:
		return dollars(b.StartLocalUSD) + " of hardware"
	}
	return fmt.Sprintf("%s of hardware (net of %s resale)", dollars(b.StartLocalUSD), dollars(b.Inputs.ResaleUSD))
}

func exceedOrMatch(savings float64) string {
	if savings == 0 {
		return "match"
	}
	return "exceed"
}

// dollars formats an amount in USD: cents below $100 ($8.20), whole
// dollars with thousands separators above ($2,750).
func dollars(x float64) string {
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	if x < 100 {
		return fmt.Sprintf("%s$%.2f", sign, x)
	}
	digits := strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + "$" + b.String()
}
