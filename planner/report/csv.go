package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/plan-cli/plan/internal/output"
	"github.com/plan-cli/plan/planner"
)

// reportCSVHeader is the header of plan report --format csv: one row per
// part of a cloud model's traffic, in long form. Each route gives a row
// with destination "local" and reason "moved" (the part the local model
// takes, possibly 0), then a row with destination "cloud" for each reason
// part of it stays. Requests add up per cloud model to the route's
// requests; money is USD per month. example_data is true on every row when
// the usage is the example data shipped with plan; assumptions repeats on
// every row what the plan assumed where the exports are silent.
var reportCSVHeader = []string{"cloud_model", "task_class", "local_model", "destination", "reason",
	"requests", "monthly_spend_usd", "detail", "example_data", "assumptions"}

// writeReportCSV writes the routes of r as CSV.
func writeReportCSV(w io.Writer, r *planner.Report) error {
	cw := output.NewCSV(w)
	example := strconv.FormatBool(r.ExampleData)
	assumed := strings.Join(r.Usage.Assumptions, "; ")
	rows := [][]string{reportCSVHeader}
	for _, rt := range r.Routes {
		rows = append(rows, []string{rt.CloudModel, rt.TaskClass, rt.LocalModel, "local", "moved",
			strconv.FormatInt(rt.RequestsLocal, 10), money4(rt.SpendLocalUSD), "", example, assumed})
		for _, s := range rt.Stays {
			rows = append(rows, []string{rt.CloudModel, rt.TaskClass, rt.LocalModel, "cloud", s.Reason,
				strconv.FormatInt(s.Requests, 10), money4(s.SpendUSD), s.Detail, example, assumed})
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

// money4 writes an amount in USD with four decimals.
func money4(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
