package scenario

import (
	"fmt"
	"io"
	"strconv"

	"github.com/plan-cli/plan/internal/chart"
	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/internal/show"
)

// Formats are the values of plan simulate's --format.
var Formats = []string{"table", "json", "csv"}

// Write writes the report in the chosen format: table (a summary, then the
// hourly series), json (everything) or csv (the hourly series).
func Write(w io.Writer, format string, rep *Report) error {
	switch format {
	case "json":
		return output.WriteJSON(w, rep)
	case "csv":
		return writeSimulateCSV(w, *rep)
	}
	return writeSimulateTable(w, *rep)
}

var simulateHourHeader = []string{"hour", "requests", "served_local", "spilled", "rejected", "mean_wait_seconds"}

func simulateHourRows(rep Report) [][]string {
	rows := make([][]string, 0, len(rep.Hours))
	for _, h := range rep.Hours {
		rows = append(rows, []string{
			strconv.Itoa(h.Hour), strconv.Itoa(h.Requests), strconv.Itoa(h.ServedLocal),
			strconv.Itoa(h.Spilled), strconv.Itoa(h.Rejected), secs(h.MeanWait),
		})
	}
	return rows
}

func writeSimulateCSV(w io.Writer, rep Report) error {
	cw := output.NewCSV(w)
	cw.Write(simulateHourHeader)
	cw.WriteAll(simulateHourRows(rep))
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

func writeSimulateTable(w io.Writer, rep Report) error {
	r := rep.Result
	pct := func(n int) string {
		if r.Requests == 0 {
			return "0"
		}
		return fmt.Sprintf("%d (%.1f%%)", n, 100*float64(n)/float64(r.Requests))
	}
	summary := [][]string{
		{"requests", strconv.Itoa(r.Requests)},
		{"served locally", pct(r.ServedLocal)},
		{"spilled", pct(r.Spilled)},
		{"rejected", pct(r.Rejected)},
		{"latency p50/p95/p99", fmt.Sprintf("%s / %s / %s s", secs(r.Latency.P50), secs(r.Latency.P95), secs(r.Latency.P99))},
		{"ttft p50/p95/p99", fmt.Sprintf("%s / %s / %s s", secs(r.TTFT.P50), secs(r.TTFT.P95), secs(r.TTFT.P99))},
		{"wait mean/p95", fmt.Sprintf("%s / %s s", secs(r.Wait.Mean), secs(r.Wait.P95))},
		{"utilization", fmt.Sprintf("%.1f%%", 100*r.Utilization)},
		{"local tokens", strconv.FormatInt(r.LocalTokens, 10)},
		{"spilled tokens", strconv.FormatInt(r.SpilledTokens, 10)},
	}
	if rep.Settings.Policy == "spill" {
		cost := fmt.Sprintf("$%.4f", rep.SpillCostUSD)
		if rep.Settings.CloudModel != "" {
			cost += " at " + rep.Settings.CloudModel
		}
		if rep.UnpricedSpilled > 0 {
			cost += fmt.Sprintf(" (%d requests unpriced)", rep.UnpricedSpilled)
		}
		summary = append(summary, []string{"spill cost", cost})
	}
	if en := rep.Energy; en != nil {
		summary = append(summary, []string{"energy", fmt.Sprintf("%.3f kWh, $%.4f at $%.2f/kWh (%.0f W busy, %.0f W idle)", en.KWh, en.CostUSD, en.USDPerKWh, en.ActiveWatts, en.IdleWatts)})
	}
	if p := rep.Prediction; p != nil {
		summary = append(predictionRows(p), summary...)
	}
	if b := rep.Band; b != nil {
		summary = append(summary,
			[]string{"latency p50/p95 if slower", fmt.Sprintf("%s / %s s (%s spilled)", secs(b.Slow.Latency.P50), secs(b.Slow.Latency.P95), pct(b.Slow.Spilled))},
			[]string{"latency p50/p95 if faster", fmt.Sprintf("%s / %s s (%s spilled)", secs(b.Fast.Latency.P50), secs(b.Fast.Latency.P95), pct(b.Fast.Spilled))},
		)
	}
	if rep.Overloaded {
		summary = append([][]string{{"OVERLOADED", "the queue grows: latencies below depend on the run's length"}}, summary...)
	}
	if err := output.WriteTable(w, []string{"metric", "value"}, summary); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	return output.WriteTable(w, simulateHourHeader, simulateHourRows(rep))
}

// secs formats a duration in seconds with three significant decimals.
func secs(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }

// predictionRows describe the predicted speeds a replay used.
func predictionRows(p *Prediction) [][]string {
	rows := [][]string{
		{"model", fmt.Sprintf("%s %s, %s of weights (from the %s)", p.Model, p.Quantization, show.Bytes(p.WeightsBytes), p.ModelSource)},
		{"hardware", p.Hardware.Description},
		{"basis", p.Basis},
		{"decode (1 request)", fmt.Sprintf("%.1f tok/s (%.1f-%.1f), %s-bound", p.DecodeTPS, p.DecodeLow, p.DecodeHigh, p.DecodeBound)},
		{"prefill", fmt.Sprintf("%.0f tok/s (%.0f-%.0f), %s-bound", p.PrefillTPS, p.PrefillLow, p.PrefillHigh, p.PrefillBound)},
		{"context", fmt.Sprintf("%d tokens", p.ContextTokens)},
	}
	if p.GPUShare < 1 && p.Hardware.Hardware.VRAMBytes > 0 {
		rows = append(rows, []string{"layers on GPU", fmt.Sprintf("%.0f%%", 100*p.GPUShare)})
	}
	for _, n := range append(p.Hardware.Notes, p.Notes...) {
		rows = append(rows, []string{"note", n})
	}
	return rows
}

// WriteChart writes the hourly series as a stacked bar chart.
func WriteChart(w io.Writer, rep *Report) error {
	c := chart.Bars{
		Title:   "Requests per hour: served locally, spilled to the cloud, rejected",
		XLabel:  "hour of the run",
		YLabel:  "requests",
		Stacked: true,
		Series:  []chart.BarSeries{{Name: "served locally"}, {Name: "spilled"}, {Name: "rejected"}},
	}
	for _, h := range rep.Hours {
		c.Categories = append(c.Categories, strconv.Itoa(h.Hour))
		c.Series[0].Values = append(c.Series[0].Values, float64(h.ServedLocal))
		c.Series[1].Values = append(c.Series[1].Values, float64(h.Spilled))
		c.Series[2].Values = append(c.Series[2].Values, float64(h.Rejected))
	}
	return c.SVG(w)
}
