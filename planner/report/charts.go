package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math"

	"github.com/plan-cli/plan/internal/chart"
	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/planner"
)

// The SVG charts of the HTML report, drawn with internal/chart. Each is
// left out when the report has no data for it.

// reportChart is one chart of the HTML report with its caption.
type reportChart struct {
	Caption string
	SVG     template.HTML // from internal/chart, which escapes all text
}

// chartWidth and chartHeight are the size of the report's charts; the page
// scales them down on narrow screens.
const (
	chartWidth  = 720
	chartHeight = 340
)

// reportCharts draws the charts of r.
func reportCharts(r *planner.Report) ([]reportChart, error) {
	var charts []reportChart
	add := func(caption string, c interface{ SVG(w io.Writer) error }) error {
		var b bytes.Buffer
		if err := c.SVG(&b); err != nil {
			return fmt.Errorf("drawing the chart %q: %w", caption, err)
		}
		charts = append(charts, reportChart{Caption: caption, SVG: template.HTML(b.String())})
		return nil
	}
	if len(r.BreakEven.Months) > 0 && r.ShareSpendLocal > 0 {
		if err := add(cumulativeCaption(r), cumulativeChart(r.BreakEven)); err != nil {
			return nil, err
		}
	}
	if len(r.Routes) > 0 {
		if err := add("What each cloud model costs a month today, split into the part that moves to the local models and the part that stays in the cloud.",
			spendChart(r.Routes)); err != nil {
			return nil, err
		}
		if err := add("Share of each cloud model's requests, tokens and spend that moves to the local models.", shareChart(r.Routes)); err != nil {
			return nil, err
		}
	}
	if h := r.BusiestHour; h != nil && h.ServedLocal > 0 {
		if err := add(latencyCaption(h), latencyChart(h)); err != nil {
			return nil, err
		}
		if len(minutePoints(h.LatencyByMin)) > 1 {
			if err := add(minutesCaption(h), latencyMinutesChart(h)); err != nil {
				return nil, err
			}
		}
	}
	return charts, nil
}

// cumulativeChart is the cumulative cost of the moved traffic in the cloud
// and locally, month 0 (the purchase) to the horizon, with the break-even
// point marked.
func cumulativeChart(b planner.BreakEven) chart.Line {
	cloud := []chart.Point{{X: 0, Y: 0}}
	local := []chart.Point{{X: 0, Y: b.StartLocalUSD}}
	for _, m := range b.Months {
		cloud = append(cloud, chart.Point{X: float64(m.Month), Y: m.CumulativeCloud})
		local = append(local, chart.Point{X: float64(m.Month), Y: m.CumulativeLocal})
	}
	c := chart.Line{
		Title: "Cumulative cost of the moved traffic", XLabel: "months", YLabel: "USD",
		Width: chartWidth, Height: chartHeight,
		Series: []chart.Series{{Name: "cloud", Points: cloud}, {Name: "local (hardware + running costs)", Points: local}},
	}
	if m := b.BreakEvenMonths; m != nil {
		c.Mark = &chart.Mark{X: *m, Y: valueAt(cloud, *m), Label: fmt.Sprintf("break-even: %.1f months", *m)}
	}
	return c
}

// valueAt interpolates the points, sorted by x, linearly at x.
func valueAt(points []chart.Point, x float64) float64 {
	for i := 1; i < len(points); i++ {
		a, b := points[i-1], points[i]
		if x <= b.X && b.X > a.X {
			return a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X)
		}
	}
	return points[len(points)-1].Y
}

func cumulativeCaption(r *planner.Report) string {
	b := r.BreakEven
	s := fmt.Sprintf("Cumulative cost of the traffic that moves, over %d months: paying the cloud for it, or buying the hardware and paying its electricity and upkeep. ", len(b.Months))
	if b.BreakEvenMonths == nil {
		return s + fmt.Sprintf("The local line does not cross the cloud line within %d months.", len(b.Months))
	}
	return s + fmt.Sprintf("The lines cross at the break-even point, %s.", show.Months(b.BreakEvenMonths))
}

// routeLabels names the routes on a chart's x axis: the cloud model, with
// the task class when a model has several routes.
func routeLabels(routes []planner.Route) []string {
	seen := map[string]int{}
	for _, rt := range routes {
		seen[rt.CloudModel]++
	}
	labels := make([]string, len(routes))
	for i, rt := range routes {
		labels[i] = rt.CloudModel
		if seen[rt.CloudModel] > 1 {
			labels[i] += " (" + rt.TaskClass + ")"
		}
	}
	return labels
}

// spendChart is each cloud model's monthly spend, the part moved local
// stacked under the part that stays.
func spendChart(routes []planner.Route) chart.Bars {
	moved, stays := make([]float64, len(routes)), make([]float64, len(routes))
	for i, rt := range routes {
		moved[i] = rt.SpendLocalUSD
		stays[i] = math.Max(0, rt.SpendUSD-rt.SpendLocalUSD)
	}
	return chart.Bars{
		Title: "Monthly spend by cloud model", YLabel: "USD per month", Width: chartWidth, Height: chartHeight,
		Categories: routeLabels(routes), Stacked: true,
		Series: []chart.BarSeries{{Name: "moved local", Values: moved}, {Name: "stays in the cloud", Values: stays}},
	}
}

// shareChart is the share of each cloud model's requests, tokens and spend
// moved local, in percent.
func shareChart(routes []planner.Route) chart.Bars {
	req, tok, spend := make([]float64, len(routes)), make([]float64, len(routes)), make([]float64, len(routes))
	for i, rt := range routes {
		req[i] = percentOf(float64(rt.RequestsLocal), float64(rt.Requests))
		tok[i] = percentOf(float64(rt.TokensLocal), float64(rt.Tokens))
		spend[i] = percentOf(rt.SpendLocalUSD, rt.SpendUSD)
	}
	return chart.Bars{
		Title: "Share routed local", YLabel: "% moved local", Width: chartWidth, Height: chartHeight,
		Categories: routeLabels(routes),
		Series:     []chart.BarSeries{{Name: "requests", Values: req}, {Name: "tokens", Values: tok}, {Name: "spend", Values: spend}},
	}
}

// percentOf is 100 × part / whole, 0 when whole is 0.
func percentOf(part, whole float64) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * part / whole
}

// latencyChart is the busiest hour's latency percentiles beside their
// targets.
func latencyChart(h *planner.BusiestHour) chart.Bars {
	return chart.Bars{
		Title: "Latency at the busiest hour", YLabel: "seconds", Width: chartWidth, Height: chartHeight,
		Categories: []string{"latency p50", "latency p95", "TTFT p95"},
		Series: []chart.BarSeries{
			{Name: "replayed on the local server", Values: []float64{h.LatencyP50, h.LatencyP95, h.TTFTP95}},
			{Name: "target", Values: []float64{0, h.TargetP95, h.TargetTTFT}},
		},
	}
}

func latencyCaption(h *planner.BusiestHour) string {
	return fmt.Sprintf("The busiest hour of the usage (%s, %s requests) replayed on the local server: %s served locally, %s spilled to the cloud; %s.",
		h.Start.UTC().Format("2006-01-02 15:04 MST"), show.Count(int64(h.Requests)), show.Count(int64(h.ServedLocal)), show.Count(int64(h.Spilled)), latencyVerdict(h))
}

// latencyMinutesChart is the latency of each minute of the busiest hour
// with the target as a flat line.
func latencyMinutesChart(h *planner.BusiestHour) chart.Line {
	lat := minutePoints(h.LatencyByMin)
	series := []chart.Series{{Name: "p95 latency", Points: lat}}
	if last := float64(len(h.LatencyByMin) - 1); h.TargetP95 > 0 {
		series = append(series, chart.Series{Name: "p95 target", Points: []chart.Point{{X: 0, Y: h.TargetP95}, {X: last, Y: h.TargetP95}}})
	}
	return chart.Line{Title: "Latency through the busiest hour", XLabel: "minute", YLabel: "seconds",
		Width: chartWidth, Height: chartHeight, Series: series}
}

// minutePoints are the minutes with a latency (not NaN: no request served
// locally in that minute).
func minutePoints(byMin []float64) []chart.Point {
	var out []chart.Point
	for i, v := range byMin {
		if !math.IsNaN(v) {
			out = append(out, chart.Point{X: float64(i), Y: v})
		}
	}
	return out
}

// minutesCaption describes the minute-by-minute latency chart.
func minutesCaption(h *planner.BusiestHour) string {
	c := "The p95 end-to-end latency of the requests served locally, by the minute they arrived in, through the busiest hour"
	if h.TargetP95 > 0 {
		return c + ", against the p95 target."
	}
	return c + "."
}
