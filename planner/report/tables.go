package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/planner"
)

// The tables of the text and Markdown reports. The HTML report shows the
// same rows.

func summaryTable(r *planner.Report) reportTable {
	h, u := r.Hardware, r.Usage
	t := newTable("Summary", "item", "value")
	add := func(k, v string) { t.Rows = append(t.Rows, []string{k, v}) }
	add("hardware", hardwareText(h))
	add("memory", hardwareMemoryText(h))
	add("usage", usageSpanText(u))
	add("cloud spend", cloudSpendText(r))
	add("moved local", fmt.Sprintf("%s of the spend, %s of the requests, %s of the tokens",
		show.Percent(r.ShareSpendLocal), show.Percent(r.ShareRequestsLocal), show.Percent(r.ShareTokensLocal)))
	add("local cost", show.USD(r.MonthlyLocalCostUSD)+" a month")
	add("break-even", show.Months(r.BreakEvenMonths))
	for _, a := range u.Assumptions {
		add("assumed", a)
	}
	return t
}

// cloudSpendText is the monthly spend and what it comes from.
func cloudSpendText(r *planner.Report) string {
	u := r.Usage
	if len(u.Sources) > 1 { // each source's spend is made monthly over its own period
		return fmt.Sprintf("%s a month (%s in the exports, each over its own period)", show.USD(r.MonthlyCloudCostUSD), show.USD(u.SpendUSD))
	}
	return fmt.Sprintf("%s a month (%s over the %s of usage)", show.USD(r.MonthlyCloudCostUSD), show.USD(u.SpendUSD), spanText(u.Months))
}

// hardwareText names the hardware and whether it is this machine.
func hardwareText(h planner.HardwareSummary) string {
	s := h.Description
	if h.ThisMachine {
		s += " (this machine)"
	} else {
		s += " (what-if)"
	}
	if h.PriceUSD > 0 {
		s += ", " + show.USD(h.PriceUSD)
	} else {
		s += ", already owned"
	}
	return strings.TrimSpace(s)
}

// hardwareMemoryText is the free and total VRAM and RAM.
func hardwareMemoryText(h planner.HardwareSummary) string {
	s := fmt.Sprintf("RAM %s free of %s", show.Bytes(h.RAMFreeBytes), show.Bytes(h.RAMBytes))
	if h.VRAMBytes > 0 {
		s = fmt.Sprintf("VRAM %s free of %s, ", show.Bytes(h.VRAMFreeBytes), show.Bytes(h.VRAMBytes)) + s
	}
	return s
}

// usageSpanText is the span, requests and tokens of the usage.
func usageSpanText(u planner.UsageSummary) string {
	return fmt.Sprintf("%s to %s (%s): %s requests, %s input and %s output tokens, from %s",
		show.Day(u.From), show.Day(u.To), spanText(u.Months), show.Count(u.Requests), show.Tokens(u.InputTokens), show.Tokens(u.OutputTokens), filesText(u.Files))
}

// spanText is a span of months in words: "1.0 months", or "3 days" below
// a month.
func spanText(months float64) string {
	days := math.Round(months * planner.DaysPerMonth)
	switch {
	case days == 1:
		return "1 day"
	case months < 1:
		return fmt.Sprintf("%.0f days", days)
	}
	return fmt.Sprintf("%.1f months", months)
}

func filesText(files []string) string {
	switch len(files) {
	case 0:
		return "no files"
	case 1:
		return files[0]
	}
	return fmt.Sprintf("%d files", len(files))
}

func recommendationsTable(r *planner.Report) reportTable {
	t := newTable("Recommendations", "rank", "model", "quant", "tier", "quality",
		"memory", "fit", "context", "decode tok/s", "prefill tok/s", "basis", "users", "plan")
	t.Optional = []string{"plan", "basis", "prefill tok/s", "context", "tier", "users"}
	for _, rec := range r.Recommendations {
		chosen := ""
		if rec.Chosen {
			chosen = "chosen"
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(rec.Rank), rec.Model, rec.Quantization, rec.Tier, qualityText(rec.Quality),
			show.Bytes(rec.MemoryBytes), fitText(rec), show.Count(int64(rec.ContextTokens)), decodeText(rec), show.Speed(rec.PrefillTPS),
			rec.Basis, fmt.Sprint(rec.ConcurrentUse), chosen})
		if note := recommendationNote(rec); note != "" {
			t.notes = append(t.notes, note)
		}
	}
	return t
}

// fitText is where a model runs: gpu, cpu, or partial with the layers on
// the GPU.
func fitText(rec planner.Recommendation) string {
	switch {
	case rec.Fit == "partial" && rec.GPULayers >= rec.Layers:
		return fmt.Sprintf("partial (all %d layers on GPU, output layer on CPU)", rec.Layers)
	case rec.Fit == "partial":
		return fmt.Sprintf("partial (%d/%d layers on GPU)", rec.GPULayers, rec.Layers)
	}
	return rec.Fit
}

// decodeText is the decode rate with its band: "41.0 (36.5-45.2)".
func decodeText(rec planner.Recommendation) string {
	if rec.DecodeLow == 0 && rec.DecodeHigh == 0 {
		return show.Speed(rec.DecodeTPS)
	}
	return fmt.Sprintf("%s (%s-%s)", show.Speed(rec.DecodeTPS), show.Speed(rec.DecodeLow), show.Speed(rec.DecodeHigh))
}

// recommendationNote is the task classes and quality note of a
// recommendation, "" when it has neither.
func recommendationNote(rec planner.Recommendation) string {
	var parts []string
	if len(rec.TaskClasses) > 0 {
		parts = append(parts, "for "+strings.Join(rec.TaskClasses, ", "))
	}
	if rec.QualityNote != "" {
		parts = append(parts, rec.QualityNote)
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%s %s (rank %d): %s", rec.Model, rec.Quantization, rec.Rank, strings.Join(parts, "; "))
}

func routesTable(r *planner.Report) reportTable {
	t := newTable("Routing by cloud model (money per month)", "cloud model", "task class",
		"local model", "requests", "req local", "tokens local", "spend", "spend local", "why the rest stays")
	t.Optional = []string{"tokens local", "task class", "requests", "why the rest stays"}
	for _, rt := range r.Routes {
		local := rt.LocalModel
		if local == "" {
			local = "-"
		}
		t.Rows = append(t.Rows, []string{rt.CloudModel, rt.TaskClass, local, show.Count(rt.Requests),
			show.Share(rt.RequestsLocal, rt.Requests), show.Share(rt.TokensLocal, rt.Tokens), show.USD(rt.SpendUSD), show.USD(rt.SpendLocalUSD),
			staysText(rt.Stays)})
		for _, s := range rt.Stays {
			if s.Detail != "" {
				t.notes = append(t.notes, fmt.Sprintf("%s, %s: %s", rt.CloudModel, s.Reason, s.Detail))
			}
		}
	}
	return t
}

// staysText sums up the stays of a route: "context 3,100 req $6.90; ...".
func staysText(stays []planner.Stay) string {
	if len(stays) == 0 {
		return "-"
	}
	parts := make([]string, len(stays))
	for i, s := range stays {
		parts[i] = fmt.Sprintf("%s %s req %s", s.Reason, show.Count(s.Requests), show.USD(s.SpendUSD))
	}
	return strings.Join(parts, "; ")
}

func breakEvenTable(r *planner.Report) reportTable {
	b := r.BreakEven
	in := b.Inputs
	t := newTable("Break-even", "item", "value")
	add := func(k, v string) { t.Rows = append(t.Rows, []string{k, v}) }
	add("cloud spend moved local", show.USD(in.CloudDisplacedMonthlyUSD)+" a month")
	add("cloud spend that stays", show.USD(in.CloudRemainingMonthlyUSD)+" a month (paid either way)")
	add("hardware", hardwareCostText(in))
	add("electricity", fmt.Sprintf("%s a month: %.0f W busy for %.0f h, %.0f W idle, at $%.3f/kWh",
		show.USD(b.ElectricityUSDPerMonth), in.ActiveWatts, in.BusyHoursPerMonth, in.IdleWatts, in.ElectricityUSDPerKWh))
	if in.MaintenanceUSDPerMonth > 0 {
		add("maintenance", show.USD(in.MaintenanceUSDPerMonth)+" a month")
	}
	add("local cost", show.USD(b.LocalMonthlyUSD)+" a month")
	add("trends", fmt.Sprintf("cloud prices %s a year, usage %s a year", signedPct(in.CloudPriceChangePerYear), signedPct(in.UsageGrowthPerYear)))
	add("break-even", show.Months(b.BreakEvenMonths)+fmt.Sprintf(" (horizon %d months)", in.HorizonMonths))
	add("3-year cost", fmt.Sprintf("local %s, cloud %s, and %s that stays in the cloud either way",
		show.USD(b.TCO36LocalUSD), show.USD(b.TCO36CloudUSD), show.USD(b.TCO36CloudRemainingUSD)))
	t.notes = b.Notes
	return t
}

// hardwareCostText is the price, resale and life of the hardware.
func hardwareCostText(in planner.CostInputs) string {
	if in.HardwareUSD == 0 {
		return "already owned: nothing to pay back"
	}
	s := fmt.Sprintf("%s over %d months", show.USD(in.HardwareUSD), in.LifeMonths)
	if in.ResaleUSD > 0 {
		s += ", resold for " + show.USD(in.ResaleUSD)
	}
	return s
}

// signedPct formats a yearly rate: +10%, -30%, 0%.
func signedPct(x float64) string {
	if x == 0 {
		return "0%"
	}
	return fmt.Sprintf("%+.0f%%", 100*x)
}

func sensitivityTable(r *planner.Report) reportTable {
	t := newTable("Break-even sensitivity", "input", "value", "break-even", "3-year local cost")
	for _, s := range r.BreakEven.Sensitivity {
		t.Rows = append(t.Rows, []string{s.Input, s.Value, show.Months(s.BreakEvenMonths), show.USD(s.TCO36LocalUSD)})
	}
	return t
}

func busiestHourTable(h *planner.BusiestHour) reportTable {
	t := newTable("Busiest hour", "item", "value")
	add := func(k, v string) { t.Rows = append(t.Rows, []string{k, v}) }
	add("start", h.Start.UTC().Format("2006-01-02 15:04 MST"))
	add("requests", fmt.Sprintf("%s: %s served locally, %s spilled to the cloud", show.Count(int64(h.Requests)), show.Count(int64(h.ServedLocal)), show.Count(int64(h.Spilled))))
	add("latency p50", show.Seconds(h.LatencyP50))
	add("latency p95", targetText(h.LatencyP95, h.TargetP95))
	add("TTFT p95", targetText(h.TTFTP95, h.TargetTTFT))
	add("utilization", show.Percent(h.Utilization))
	t.notes = append(t.notes, latencyVerdict(h))
	return t
}

// targetText is a latency with its target, when there is one.
func targetText(v, target float64) string {
	if target <= 0 {
		return show.Seconds(v)
	}
	return fmt.Sprintf("%s (target %s)", show.Seconds(v), show.Seconds(target))
}

// latencyVerdict says whether the p95 latencies meet their targets.
func latencyVerdict(h *planner.BusiestHour) string {
	var parts []string
	check := func(what string, v, target float64) {
		if target <= 0 {
			return
		}
		within := "within"
		if v > target {
			within = "over"
		}
		parts = append(parts, fmt.Sprintf("%s %s is %s the %s target", what, show.Seconds(v), within, show.Seconds(target)))
	}
	if h.ServedLocal == 0 {
		return "no request of this hour is served locally, so there is no local latency to check"
	}
	check("p95 latency", h.LatencyP95, h.TargetP95)
	check("p95 time to first token", h.TTFTP95, h.TargetTTFT)
	if len(parts) == 0 {
		return "no latency target was set"
	}
	return show.JoinAnd(parts)
}

func sourcesTable(r *planner.Report) reportTable {
	t := newTable("Sources", "what", "from", "date")
	for _, s := range r.Sources {
		date := s.Date
		if date == "" {
			date = "-"
		}
		t.Rows = append(t.Rows, []string{s.What, s.From, strings.TrimSuffix(date, "T00:00:00Z")})
	}
	t.list = func(row []string) string {
		if row[2] == "-" {
			return row[0] + ": " + row[1]
		}
		return fmt.Sprintf("%s (%s): %s", row[0], row[2], row[1])
	}
	return t
}

// qualityText is a score, or "-" for a model with none.
func qualityText(q float64) string {
	if q <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", q)
}

// newTable returns an empty table with a title and a header.
func newTable(title string, header ...string) reportTable {
	return reportTable{Titled: output.Titled{Title: title, Table: output.Table{Header: header}}}
}
