package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/plan-cli/plan/internal/show"
	"github.com/plan-cli/plan/planner"
)

// The HTML report is one self-contained file: inline CSS, inline SVG
// charts, no scripts, fonts, images or links to load, so it opens offline.
// A Content-Security-Policy in the page forbids loading anything but the
// page's own inline styles and data: URLs. html/template escapes all text.

// htmlReport is the data of the HTML template.
type htmlReport struct {
	Title     string
	Generated string
	Version   string
	Example   string // the example-data warning, "" for the user's own usage
	Headline  string
	Figures   []htmlFigure
	Charts    []reportChart
	Tables    []htmlTable
	OllamaEnv string
	Notes     []string
}

// htmlTable is a table of the text report, for the template.
type htmlTable struct {
	Title  string
	Header []string
	Rows   [][]string
	Notes  []string
}

// htmlTables returns the tables of the text report.
func htmlTables(r *planner.Report) []htmlTable {
	var out []htmlTable
	for _, t := range reportTables(r) {
		out = append(out, htmlTable{Title: t.Title, Header: t.Header, Rows: t.Rows, Notes: t.notes})
	}
	return out
}

// htmlFigure is one of the key figures at the top of the page.
type htmlFigure struct{ Label, Value, Detail string }

// writeReportHTML writes r as a self-contained HTML page.
func writeReportHTML(w io.Writer, r *planner.Report) error {
	charts, err := reportCharts(r)
	if err != nil {
		return err
	}
	data := htmlReport{
		Title:     "plan report: " + r.Hardware.Description,
		Generated: r.Generated.UTC().Format("2006-01-02 15:04 MST"),
		Version:   planLabel(r),
		Headline:  reportHeadline(r),
		Figures:   keyFigures(r),
		Charts:    charts,
		Tables:    htmlTables(r),
		OllamaEnv: strings.Join(ollamaEnvLines(r), "\n"),
		Notes:     r.Notes,
	}
	if r.ExampleData {
		data.Example = exampleDataWarning
	}
	if err := reportPage.Execute(w, data); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

// keyFigures are the headline numbers shown large at the top.
func keyFigures(r *planner.Report) []htmlFigure {
	b := r.BreakEven
	return []htmlFigure{
		{"cloud spend moved local", show.Percent(r.ShareSpendLocal),
			fmt.Sprintf("%s of %s a month", show.USD(r.ShareSpendLocal*r.MonthlyCloudCostUSD), show.USD(r.MonthlyCloudCostUSD))},
		{"break-even", show.Months(r.BreakEvenMonths), hardwareCostText(b.Inputs)},
		{"local cost", show.USD(r.MonthlyLocalCostUSD), "a month, hardware spread over its life"},
		{"3-year cost of the moved traffic", show.USD(b.TCO36LocalUSD), "locally, against " + show.USD(b.TCO36CloudUSD) + " in the cloud"},
	}
}

var reportPage = template.Must(template.New("report").Parse(reportPageHTML))

// reportPageHTML is the page template. The style sheet uses only system
// fonts.
const reportPageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"/>
<link rel="icon" href="data:,"/>
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.meta { color: #666; font-size: .9rem; margin: 0 0 1rem; }
.example { background: #fff3cd; border: 2px solid #e0a800; padding: .7rem 1rem; font-weight: bold; margin: 1rem 0; }
.headline { font-size: 1.15rem; max-width: 60rem; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.2rem 0; }
.figure { flex: 1 1 12rem; border: 1px solid #ddd; border-radius: 6px; padding: .7rem 1rem; }
.figure .label { color: #666; font-size: .85rem; }
.figure .value { font-size: 1.7rem; font-weight: bold; }
.figure .detail { color: #444; font-size: .85rem; }
figure { margin: 1.2rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: .9rem; max-width: 60rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .88rem; margin: .4rem 0; }
th, td { border: 1px solid #ddd; padding: .3rem .55rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
tbody tr:nth-child(even) { background: #fafafa; }
ul.notes { font-size: .88rem; color: #444; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: .8rem; overflow-x: auto; font-size: .85rem; }
footer { color: #666; font-size: .85rem; margin-top: 2rem; }
</style>
</head>
<body>
<main>
<h1>plan report</h1>
<p class="meta">Generated {{.Generated}} by {{.Version}}. Everything on this page is computed on this computer; the page loads nothing.</p>
{{if .Example}}<p class="example" id="example-data">{{.Example}}</p>
{{end}}<p class="headline" id="headline">{{.Headline}}</p>
<div class="figures">
{{range .Figures}}<div class="figure"><div class="label">{{.Label}}</div><div class="value">{{.Value}}</div><div class="detail">{{.Detail}}</div></div>
{{end}}</div>
<h2>Charts</h2>
{{range .Charts}}<figure>
{{.SVG}}<figcaption>{{.Caption}}</figcaption>
</figure>
{{end}}{{range .Tables}}<h2>{{.Title}}</h2>
<div class="scroll"><table>
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
{{if .Notes}}<ul class="notes">
{{range .Notes}}<li>{{.}}</li>
{{end}}</ul>
{{end}}{{end}}<h2>Ollama settings</h2>
<pre>{{.OllamaEnv}}</pre>
{{if .Notes}}<h2>Notes</h2>
<ul class="notes">
{{range .Notes}}<li>{{.}}</li>
{{end}}</ul>
{{end}}<footer>
{{if .Example}}<p class="example">{{.Example}}</p>
{{end}}<p>{{.Version}} report, {{.Generated}}.</p>
</footer>
</main>
</body>
</html>
`
