package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/planner"
)

// reportHeadline is the report's answer in plain words: what share of the
// cloud spend the hardware can take, what running it costs, when it pays
// for itself and why the rest stays in the cloud. Money is per month at
// today's usage: the spend moved is ShareSpendLocal × MonthlyCloudCostUSD.
func reportHeadline(r *planner.Report) string {
	total := r.MonthlyCloudCostUSD
	moved := r.ShareSpendLocal * total
	machine := machineName(r.Hardware)
	if moved <= 0 {
		return strings.TrimSpace(fmt.Sprintf("%s cannot take any of your cloud spend (%s a month), so there is nothing to install. %s",
			machine, show.USD(total), staysSentence(r, "All of it stays in the cloud")))
	}
	parts := []string{
		fmt.Sprintf("%s can take %s of your cloud spend (%s of %s a month) and %s of your requests, running %s.",
			machine, show.Percent(r.ShareSpendLocal), show.USD(moved), show.USD(total), show.Percent(r.ShareRequestsLocal), localModelsText(r)),
		runningCostSentence(r.BreakEven),
		payBackSentence(r),
		staysSentence(r, fmt.Sprintf("The other %s a month stays in the cloud", show.USD(total-moved))),
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " ")
}

// machineName names the hardware as the subject of the headline.
func machineName(h planner.HardwareSummary) string {
	switch {
	case h.ThisMachine && h.Description != "":
		return "This machine (" + h.Description + ")"
	case h.ThisMachine:
		return "This machine"
	case h.Description != "":
		return "This " + h.Description
	}
	return "This hardware"
}

// localModelsText lists the local models that take traffic, in the order
// of the routes: "qwen2.5:14b and llama3.1:8b".
func localModelsText(r *planner.Report) string {
	var models []string
	for _, rt := range r.Routes {
		if rt.LocalModel != "" && rt.RequestsLocal > 0 && !slices.Contains(models, rt.LocalModel) {
			models = append(models, rt.LocalModel)
		}
	}
	if len(models) == 0 {
		return "local models"
	}
	return show.JoinAnd(models)
}

// runningCostSentence says what the local machine costs a month and of
// what.
func runningCostSentence(b planner.BreakEven) string {
	parts := []string{"electricity " + show.USD(b.ElectricityUSDPerMonth)}
	if b.AmortizedUSDPerMonth > 0 {
		parts = append(parts, fmt.Sprintf("hardware %s spread over %d months", show.USD(b.AmortizedUSDPerMonth), b.Inputs.LifeMonths))
	}
	if m := b.Inputs.MaintenanceUSDPerMonth; m > 0 {
		parts = append(parts, "maintenance "+show.USD(m))
	}
	return fmt.Sprintf("Running it costs %s a month (%s).", show.USD(b.LocalMonthlyUSD), strings.Join(parts, ", "))
}

// payBackSentence says when the hardware pays for itself, or why it does
// not, with the three-year totals.
func payBackSentence(r *planner.Report) string {
	b := r.BreakEven
	hw := b.Inputs.HardwareUSD
	tco := fmt.Sprintf("over 3 years the moved traffic costs %s locally against %s in the cloud", show.USD(b.TCO36LocalUSD), show.USD(b.TCO36CloudUSD))
	running := b.LocalMonthlyUSD - b.AmortizedUSDPerMonth
	saved := b.Inputs.CloudDisplacedMonthlyUSD - running
	switch {
	case r.BreakEvenMonths != nil && hw == 0:
		return fmt.Sprintf("With no hardware to buy, it saves %s a month from the first month; %s.", show.USD(saved), tco)
	case r.BreakEvenMonths != nil:
		return fmt.Sprintf("At %s for the hardware, it pays for itself in %s; %s.", show.USD(hw), show.Months(r.BreakEvenMonths), tco)
	case saved <= 0:
		return fmt.Sprintf("It never pays for itself: running it costs more than the %s a month of cloud spend it takes over.", show.USD(b.Inputs.CloudDisplacedMonthlyUSD))
	}
	return fmt.Sprintf("It does not pay for itself within %d months: it saves %s a month, too little to pay back %s of hardware; %s.",
		len(b.Months), show.USD(saved), show.USD(hw), tco)
}

// staysSentence says why traffic stays in the cloud, the reasons with the
// most spend first, after lead; "" when nothing stays.
func staysSentence(r *planner.Report, lead string) string {
	reasons := stayTotals(r.Routes)
	if len(reasons) == 0 {
		return ""
	}
	var parts []string
	for i, s := range reasons {
		if s.SpendUSD >= 0.005 || len(parts) == 0 && i == len(reasons)-1 { // less than a cent is not worth a word
			parts = append(parts, fmt.Sprintf("%s (%s)", s.Reason, show.USD(s.SpendUSD)))
		}
	}
	return fmt.Sprintf("%s, for %s.", lead, show.JoinAnd(parts))
}

// stayTotals adds up the stays of all routes by reason, the most spend
// first (then by reason, for a stable order).
func stayTotals(routes []planner.Route) []planner.Stay {
	var out []planner.Stay
	for _, rt := range routes {
		for _, s := range rt.Stays {
			i := slices.IndexFunc(out, func(o planner.Stay) bool { return o.Reason == s.Reason })
			if i < 0 {
				out = append(out, planner.Stay{Reason: s.Reason})
				i = len(out) - 1
			}
			out[i].Requests += s.Requests
			out[i].SpendUSD += s.SpendUSD
		}
	}
	slices.SortStableFunc(out, func(a, b planner.Stay) int {
		switch {
		case a.SpendUSD > b.SpendUSD:
			return -1
		case a.SpendUSD < b.SpendUSD:
			return 1
		}
		return strings.Compare(a.Reason, b.Reason)
	})
	return out
}
