package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/plan-cli/plan/internal/golden"
)

// renderer is a Line or Bars.
type renderer interface{ SVG(w io.Writer) error }

func months(n int, f func(m float64) float64) []Point {
	pts := make([]Point, n)
	for i := range pts {
		m := float64(i + 1)
		pts[i] = Point{X: m, Y: f(m)}
	}
	return pts
}

var charts = map[string]renderer{
	"line-break-even": Line{
		Title: "Cumulative cost: cloud <API> & local 'box'", XLabel: "month", YLabel: "USD",
		Series: []Series{
			{Name: "cloud", Points: months(24, func(m float64) float64 { return 180 * m })},
			{Name: "local", Points: months(24, func(m float64) float64 { return 2000 + 25*m })},
		},
		Mark: &Mark{X: 12.9, Y: 2322.6, Label: "break-even: month 13"},
	},
	"line-one-point": Line{Title: "One point", Series: []Series{{Name: "p95", Points: []Point{{X: 3, Y: 0.8}}}}},
	"line-empty":     Line{Title: "Nothing yet", XLabel: "hour", YLabel: "requests"},
	"line-negative": Line{
		Title: "Savings", XLabel: "month", YLabel: "USD", Width: 480, Height: 240,
		Series: []Series{{Name: "net", Points: months(6, func(m float64) float64 { return 400*m - 1500 })}},
		Mark:   &Mark{X: 3.75, Y: 0, Label: "pays off"},
	},
	"line-huge": Line{
		Title: "Tokens", YLabel: "tokens",
		Series: []Series{
			{Name: "prompt", Points: months(5, func(m float64) float64 { return 3e11 * m })},
			{Points: months(5, func(m float64) float64 { return 1e9 * m * m })},
		},
	},
	"bars-grouped": Bars{
		Title: "Monthly spend by model", YLabel: "USD",
		Categories: []string{"Jan", "Feb", "Mar", "Apr"},
		Series: []BarSeries{
			{Name: "gpt-4o", Values: []float64{120, 135.5, 160, 90}},
			{Name: "claude-3-5-sonnet", Values: []float64{80, 70, 95, 110}},
			{Name: "llama3.1:8b (local)", Values: []float64{0, 0, 12, 14}},
		},
	},
	"bars-stacked": Bars{
		Title: "Requests per hour", XLabel: "hour", YLabel: "requests", Stacked: true,
		Categories: hours(24),
		Series: []BarSeries{
			{Name: "local", Values: perHour(24, func(h float64) float64 { return 300 + 200*math.Sin(h/24*2*math.Pi) })},
			{Name: "spilled", Values: perHour(24, func(h float64) float64 { return math.Max(0, 150*math.Sin(h/24*2*math.Pi)) })},
		},
	},
	"bars-stacked-negative": Bars{
		Title: "Net change", Stacked: true, Categories: []string{"a", "b", "c"},
		Series: []BarSeries{
			{Name: "in", Values: []float64{3, 0, 2}},
			{Name: "out", Values: []float64{-1, -4, 0}},
		},
	},
	"bars-zero":  Bars{Title: "All zero", Categories: []string{"x", "y"}, Series: []BarSeries{{Name: "z", Values: []float64{0, 0}}}},
	"bars-empty": Bars{Title: "Empty"},
}

func hours(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%02d", i)
	}
	return out
}

func perHour(n int, f func(h float64) float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Round(f(float64(i)))
	}
	return out
}

func render(t *testing.T, r renderer) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := r.SVG(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	for name, r := range charts {
		t.Run(name, func(t *testing.T) {
			out := render(t, r)
			checkSVG(t, out)
			if again := render(t, r); !bytes.Equal(out, again) {
				t.Error("two renderings differ")
			}
			golden.Check(t, name+".svg", out)
		})
	}
}

// forbidden are elements that load or run something, or style globally.
var forbidden = map[string]bool{"script": true, "style": true, "image": true, "foreignObject": true, "a": true, "use": true, "link": true}

// checkSVG parses out as XML and checks that it is one self-contained svg
// element.
func checkSVG(t *testing.T, out []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(out))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if tok.Name.Local != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root element %v; want svg in the SVG namespace", tok.Name)
				}
			}
			depth++
			if forbidden[tok.Name.Local] {
				t.Errorf("element <%s> is not self-contained", tok.Name.Local)
			}
			for _, a := range tok.Attr {
				if a.Name.Local == "href" || strings.Contains(a.Value, "url(") || strings.HasPrefix(a.Name.Local, "on") {
					t.Errorf("attribute %s=%q refers outside or runs code", a.Name.Local, a.Value)
				}
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				t.Errorf("text outside the svg element: %q", tok)
			}
		}
	}
	if roots != 1 {
		t.Errorf("%d root elements; want 1", roots)
	}
}

// texts returns the text of every <text> element in out.
func texts(t *testing.T, out []byte) []string {
	t.Helper()
	var doc struct {
		Texts []string `xml:"text"`
		Title string   `xml:"title"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return append(doc.Texts, doc.Title)
}

func TestEscapedText(t *testing.T) {
	title := `a < b & "c" > 'd'`
	out := render(t, Line{Title: title, XLabel: "x & y", Series: []Series{{Name: "<s>", Points: []Point{{0, 1}, {1, 2}}}}})
	got := texts(t, out)
	for _, want := range []string{title, "x & y", "<s>"} {
		if !contains(got, want) {
			t.Errorf("texts %q lack %q", got, want)
		}
	}
}

func TestLabelsShown(t *testing.T) {
	out := render(t, charts["line-break-even"])
	got := texts(t, out)
	for _, want := range []string{"break-even: month 13", "cloud", "local", "USD", "month", "0", "5k", "20"} {
		if !contains(got, want) {
			t.Errorf("texts %q lack %q", got, want)
		}
	}
	if n := countOf(got, "no data"); n != 0 {
		t.Error(`a chart with data says "no data"`)
	}
	if !contains(texts(t, render(t, charts["line-empty"])), "no data") {
		t.Error(`an empty chart does not say "no data"`)
	}
	// 24 two-character hour labels fit in 640 pixels, but in 320 only
	// every third.
	bars := charts["bars-stacked"].(Bars)
	if got := texts(t, render(t, bars)); !contains(got, "01") || !contains(got, "23") {
		t.Errorf("hour labels %q: want every hour", got)
	}
	bars.Width = 320
	if got := texts(t, render(t, bars)); !contains(got, "00") || contains(got, "01") || !contains(got, "03") {
		t.Errorf("hour labels %q: want every third hour", got)
	}
}

func contains(list []string, s string) bool { return countOf(list, s) > 0 }

func countOf(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    renderer
		want string
	}{
		{"NaN point", Line{Series: []Series{{Name: "s", Points: []Point{{1, math.NaN()}}}}}, `series "s" point 0 y is NaN`},
		{"infinite x", Line{Series: []Series{{Name: "s", Points: []Point{{0, 0}, {math.Inf(1), 0}}}}}, `point 1 x is +Inf`},
		{"infinite mark", Line{Mark: &Mark{X: math.Inf(-1), Label: "m"}}, `mark "m" x`},
		{"negative size", Line{Width: -1}, "size -1x0"},
		{"values and categories", Bars{Categories: []string{"a", "b"}, Series: []BarSeries{{Name: "s", Values: []float64{1}}}}, "1 values for 2 categories"},
		{"NaN bar", Bars{Categories: []string{"a"}, Series: []BarSeries{{Name: "s", Values: []float64{math.NaN()}}}}, `value 0 (a) is NaN`},
		{"stack overflows", Bars{Stacked: true, Categories: []string{"a"}, Series: []BarSeries{{Values: []float64{math.MaxFloat64}}, {Values: []float64{math.MaxFloat64}}}}, "beyond the largest float"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			err := tc.r.SVG(&b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want one containing %q", err, tc.want)
			}
			if b.Len() != 0 {
				t.Error("wrote output despite the error")
			}
		})
	}
}

func TestExtremeValuesStayFinite(t *testing.T) {
	for name, r := range map[string]renderer{
		"huge line": Line{Series: []Series{{Points: []Point{{-math.MaxFloat64, -math.MaxFloat64}, {math.MaxFloat64, math.MaxFloat64}}}}},
		"tiny line": Line{Series: []Series{{Points: []Point{{0, 1e-300}, {1e-300, 2e-300}}}}},
		"huge bars": Bars{Categories: []string{"a", "b"}, Series: []BarSeries{{Values: []float64{-math.MaxFloat64, math.MaxFloat64}}}},
		"tiny size": Bars{Width: 1, Height: 1, Categories: []string{"a"}, Series: []BarSeries{{Values: []float64{1}}}},
	} {
		t.Run(name, func(t *testing.T) {
			out := render(t, r)
			checkSVG(t, out)
			for _, bad := range []string{"NaN", "Inf"} {
				if bytes.Contains(out, []byte(bad)) {
					t.Errorf("output holds %s:\n%s", bad, out)
				}
			}
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	if err := (Bars{}).SVG(failWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error %v; want the writer's", err)
	}
}
