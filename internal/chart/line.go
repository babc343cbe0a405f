package chart

import (
	"io"
	"math"
)

// Point is one value of a line series.
type Point struct{ X, Y float64 }

// Series is one line: its points are joined in the order given. A series
// of one point is drawn as a dot.
type Series struct {
	Name   string // in the legend; a series without a name has no entry
	Points []Point
}

// Mark is a point to point out, such as a break-even month: a dashed
// vertical line at X, a dot at (X, Y) and the label beside it.
type Mark struct {
	X, Y  float64
	Label string
}

// Line is a line chart of several series against a numeric x axis.
type Line struct {
	Title, XLabel, YLabel string
	Width, Height         int // pixels; 0 means DefaultWidth or DefaultHeight
	Series                []Series
	Mark                  *Mark // optional
}

// SVG writes the chart as one <svg> element.
func (c Line) SVG(w io.Writer) error {
	width, height, err := size(c.Width, c.Height)
	if err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	xlo, xhi, ylo, yhi, empty := c.bounds()
	names := make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i] = s.Name
	}
	legend := legendOf(names)
	p, rows := layout(width, height, c.Title, c.YLabel, niceAxis(ylo, yhi, 5), legend)
	x := dataAxis(xlo, xhi, max(2, int((p.right-p.left)/90)))
	px := func(v float64) float64 { return p.left + x.frac(v)*(p.right-p.left) }

	var cv canvas
	cv.open(width, height, c.Title)
	cv.frame(p, c.Title, c.XLabel, c.YLabel, rows)
	cv.line(p.left, p.bottom, p.right, p.bottom, axisColor, 1, false)
	for _, t := range x.ticks {
		cv.line(px(t), p.bottom, px(t), p.bottom+4, axisColor, 1, false)
		cv.text(px(t), p.bottom+17, label(t, x.step), "middle", fontSize, false, 0)
	}
	cv.zeroLine(p)
	if empty {
		cv.noData(p)
	}
	c.draw(&cv, p, px)
	cv.close()
	_, err = w.Write(cv.b.Bytes())
	return err
}

// draw draws the series and the mark; px maps x values to pixel columns.
func (c Line) draw(cv *canvas, p plot, px func(float64) float64) {
	for i, s := range c.Series {
		xs, ys := make([]float64, len(s.Points)), make([]float64, len(s.Points))
		for j, pt := range s.Points {
			xs[j], ys[j] = px(pt.X), p.py(pt.Y)
		}
		switch len(s.Points) {
		case 0:
		case 1:
			cv.circle(xs[0], ys[0], 3, color(i))
		default:
			cv.polyline(xs, ys, color(i))
		}
	}
	if m := c.Mark; m != nil {
		cv.mark(p, px(m.X), p.py(m.Y), m.Label)
	}
}

// check reports the first value that is not finite.
func (c Line) check() error {
	for _, s := range c.Series {
		for j, pt := range s.Points {
			if err := finite(pt.X, "series %q point %d x", s.Name, j); err != nil {
				return err
			}
			if err := finite(pt.Y, "series %q point %d y", s.Name, j); err != nil {
				return err
			}
		}
	}
	if m := c.Mark; m != nil {
		if err := finite(m.X, "mark %q x", m.Label); err != nil {
			return err
		}
		return finite(m.Y, "mark %q y", m.Label)
	}
	return nil
}

// bounds returns the range of the points and the mark, the y range taking
// in zero; empty is true when there are no points (the mark alone does not
// count as data).
func (c Line) bounds() (xlo, xhi, ylo, yhi float64, empty bool) {
	xlo, xhi = math.Inf(1), math.Inf(-1)
	ylo, yhi = 0, 0
	add := func(pt Point) {
		xlo, xhi = min(xlo, pt.X), max(xhi, pt.X)
		ylo, yhi = min(ylo, pt.Y), max(yhi, pt.Y)
	}
	empty = true
	for _, s := range c.Series {
		for _, pt := range s.Points {
			add(pt)
			empty = false
		}
	}
	if c.Mark != nil {
		add(Point{c.Mark.X, c.Mark.Y})
	}
	if math.IsInf(xlo, 1) {
		xlo, xhi = 0, 1
	}
	if ylo == yhi {
		yhi = 1
	}
	return xlo, xhi, ylo, yhi, empty
}

// mark draws a marked point at pixel (x, y) with its label on the side with
// more room.
func (c *canvas) mark(p plot, x, y float64, text string) {
	c.line(x, p.top, x, p.bottom, axisColor, 1, true)
	c.circle(x, y, 4, "#000000")
	if text == "" {
		return
	}
	anchor, dx := "start", 7.0
	if x > (p.left+p.right)/2 {
		anchor, dx = "end", -7
	}
	ly := y - 8
	if ly < p.top+12 {
		ly = y + 18
	}
	c.text(x+dx, ly, text, anchor, fontSize, true, 0)
}
