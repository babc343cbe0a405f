// Package chart draws small line and bar charts as self-contained SVG.
//
// The output is one <svg> element styled by presentation attributes only: no
// scripts, style sheets, fonts to load or links, so it can be written as a
// standalone .svg file or embedded in an offline HTML page. Text is
// XML-escaped and the output depends only on the input, byte for byte.
//
// The y axis always includes zero, and both axes are widened to "nice" ticks
// (1, 2 or 5 times a power of ten). Tick labels use k, M, B and T for
// thousands, millions, billions and trillions. Values must be finite; an
// empty chart is drawn with its axes and the words "no data".
package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// Default and smallest sizes of a chart, in pixels.
const (
	DefaultWidth  = 640
	DefaultHeight = 360
	MinWidth      = 240
	MinHeight     = 160
)

// palette holds the series colours in order (Okabe and Ito's palette, which
// readers with colour blindness can tell apart); it repeats after the last.
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#999999", "#000000"}

func color(i int) string { return palette[i%len(palette)] }

const (
	fontSize  = 12.0
	charWidth = 0.6 * fontSize // estimated width of a character
	textColor = "#333333"
	gridColor = "#e5e5e5"
	axisColor = "#666666"
)

// size returns the chart's width and height from the requested ones.
func size(w, h int) (float64, float64, error) {
	if w < 0 || h < 0 {
		return 0, 0, fmt.Errorf("chart: size %dx%d: must not be negative (0 means %dx%d)", w, h, DefaultWidth, DefaultHeight)
	}
	if w == 0 {
		w = DefaultWidth
	}
	if h == 0 {
		h = DefaultHeight
	}
	return float64(max(w, MinWidth)), float64(max(h, MinHeight)), nil
}

// textWidth estimates the width of s in pixels.
func textWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * charWidth }

// finite reports an error naming what holds a value that is NaN or infinite.
func finite(v float64, what string, args ...any) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("chart: %s is %v; values must be finite", fmt.Sprintf(what, args...), v)
	}
	return nil
}

// canvas accumulates SVG text.
type canvas struct{ b bytes.Buffer }

// num formats a coordinate to two decimals without trailing zeros.
func num(v float64) string {
	v = math.Round(v*100) / 100
	if v == 0 {
		v = 0 // no -0
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// esc returns s escaped for XML text and attribute values.
func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // writing to a bytes.Buffer cannot fail
	return b.String()
}

func (c *canvas) open(w, h float64, title string) {
	fmt.Fprintf(&c.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s" font-family="sans-serif" font-size="%s">`+"\n",
		num(w), num(h), num(w), num(h), esc(title), num(fontSize))
	if title != "" {
		fmt.Fprintf(&c.b, "<title>%s</title>\n", esc(title))
	}
	fmt.Fprintf(&c.b, `<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`+"\n", num(w), num(h))
}

func (c *canvas) close() { c.b.WriteString("</svg>\n") }

func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, width float64, dash bool) {
	d := ""
	if dash {
		d = ` stroke-dasharray="4 3"`
	}
	fmt.Fprintf(&c.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>`+"\n",
		num(x1), num(y1), num(x2), num(y2), stroke, num(width), d)
}

func (c *canvas) rect(x, y, w, h float64, fill string) {
	fmt.Fprintf(&c.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n", num(x), num(y), num(w), num(h), fill)
}

func (c *canvas) circle(x, y, r float64, fill string) {
	fmt.Fprintf(&c.b, `<circle cx="%s" cy="%s" r="%s" fill="%s"/>`+"\n", num(x), num(y), num(r), fill)
}

// text writes s at x, y; anchor is start, middle or end; rotate turns it
// about its anchor, in degrees.
func (c *canvas) text(x, y float64, s, anchor string, size float64, bold bool, rotate float64) {
	extra := ""
	if bold {
		extra += ` font-weight="bold"`
	}
	if rotate != 0 {
		extra += fmt.Sprintf(` transform="rotate(%s %s %s)"`, num(rotate), num(x), num(y))
	}
	fmt.Fprintf(&c.b, `<text x="%s" y="%s" text-anchor="%s" font-size="%s" fill="%s"%s>%s</text>`+"\n",
		num(x), num(y), anchor, num(size), textColor, extra, esc(s))
}

func (c *canvas) polyline(xs, ys []float64, stroke string) {
	c.b.WriteString(`<polyline fill="none" stroke="` + stroke + `" stroke-width="2" stroke-linejoin="round" points="`)
	for i := range xs {
		if i > 0 {
			c.b.WriteByte(' ')
		}
		c.b.WriteString(num(xs[i]) + "," + num(ys[i]))
	}
	c.b.WriteString(`"/>` + "\n")
}

// plot is the layout of a chart: its size and the edges of the plot area.
type plot struct {
	w, h                     float64
	left, right, top, bottom float64
	y                        axis
}

// py returns the pixel row of value v on the y axis.
func (p plot) py(v float64) float64 { return p.bottom - p.y.frac(v)*(p.bottom-p.top) }

// legendItem is one entry of a legend.
type legendItem struct{ name, color string }

// legendOf returns a legend entry for each named series, in its colour.
func legendOf(names []string) []legendItem {
	var items []legendItem
	for i, n := range names {
		if n != "" {
			items = append(items, legendItem{n, color(i)})
		}
	}
	return items
}

// layout places the title, the legend rows and the plot area of a chart of
// size w×h whose y axis is y, leaving room under the plot for the x axis.
func layout(w, h float64, title, yLabel string, y axis, legend []legendItem) (plot, [][]legendItem) {
	p := plot{w: w, h: h, y: y, right: w - 16, top: 12, bottom: h - 44}
	if title != "" {
		p.top += 20
	}
	rows := legendRows(legend, w-32)
	p.top += float64(len(rows))*18 + 8
	widest := 0.0
	for _, t := range y.ticks {
		widest = max(widest, textWidth(label(t, y.step)))
	}
	p.left = 12 + widest + 8
	if yLabel != "" {
		p.left += 18
	}
	return p, rows
}

// legendRows splits the items into rows no wider than width.
func legendRows(items []legendItem, width float64) [][]legendItem {
	var rows [][]legendItem
	var row []legendItem
	used := 0.0
	for _, it := range items {
		iw := legendWidth(it)
		if len(row) > 0 && used+iw > width {
			rows, row, used = append(rows, row), nil, 0
		}
		row = append(row, it)
		used += iw
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

func legendWidth(it legendItem) float64 { return 12 + 6 + textWidth(it.name) + 16 }

// frame draws the title, legend, y grid, y tick labels and axis titles.
func (c *canvas) frame(p plot, title, xLabel, yLabel string, rows [][]legendItem) {
	y := 12.0
	if title != "" {
		c.text(p.w/2, y+12, title, "middle", 14, true, 0)
		y += 20
	}
	for _, row := range rows {
		x := 16.0
		for _, it := range row {
			c.rect(x, y+2, 12, 12, it.color)
			c.text(x+18, y+12, it.name, "start", fontSize, false, 0)
			x += legendWidth(it)
		}
		y += 18
	}
	for _, t := range p.y.ticks {
		yy := p.py(t)
		c.line(p.left, yy, p.right, yy, gridColor, 1, false)
		c.text(p.left-6, yy+4, label(t, p.y.step), "end", fontSize, false, 0)
	}
	c.line(p.left, p.top, p.left, p.bottom, axisColor, 1, false)
	if yLabel != "" {
		cy := (p.top + p.bottom) / 2
		c.text(16, cy, yLabel, "middle", fontSize, false, -90)
	}
	if xLabel != "" {
		c.text((p.left+p.right)/2, p.h-8, xLabel, "middle", fontSize, false, 0)
	}
}

// noData writes "no data" in the middle of the plot area.
func (c *canvas) noData(p plot) {
	c.text((p.left+p.right)/2, (p.top+p.bottom)/2, "no data", "middle", fontSize, false, 0)
}

// zeroLine draws the line y = 0 darker than the grid when zero is inside
// the y range.
func (c *canvas) zeroLine(p plot) {
	if p.y.lo <= 0 && p.y.hi >= 0 {
		z := p.py(0)
		c.line(p.left, z, p.right, z, axisColor, 1, false)
	}
}
