package chart

import (
	"fmt"
	"io"
	"math"
)

// BarSeries is one set of bars: a value for each category of the chart.
type BarSeries struct {
	Name   string // in the legend; a series without a name has no entry
	Values []float64
}

// Bars is a bar chart: for each category, one bar per series side by side
// (grouped) or one bar with the series stacked. When stacked, positive
// values stack up from zero and negative ones down from it.
type Bars struct {
	Title, XLabel, YLabel string
	Width, Height         int      // pixels; 0 means DefaultWidth or DefaultHeight
	Categories            []string // labels along the x axis, in order
	Series                []BarSeries
	Stacked               bool
}

// SVG writes the chart as one <svg> element. Every series must have one
// value per category. When the category labels would overlap, only every
// second, third (and so on) one is shown.
func (c Bars) SVG(w io.Writer) error {
	width, height, err := size(c.Width, c.Height)
	if err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	lo, hi := c.bounds()
	names := make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i] = s.Name
	}
	legend := legendOf(names)
	p, rows := layout(width, height, c.Title, c.YLabel, niceAxis(lo, hi, 5), legend)

	var cv canvas
	cv.open(width, height, c.Title)
	cv.frame(p, c.Title, c.XLabel, c.YLabel, rows)
	cv.line(p.left, p.bottom, p.right, p.bottom, axisColor, 1, false)
	if len(c.Categories) == 0 || len(c.Series) == 0 {
		cv.noData(p)
	} else {
		c.draw(&cv, p)
	}
	cv.zeroLine(p)
	cv.close()
	_, err = w.Write(cv.b.Bytes())
	return err
}

func (c Bars) check() error {
	for _, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			return fmt.Errorf("chart: series %q has %d values for %d categories; want one per category", s.Name, len(s.Values), len(c.Categories))
		}
		for j, v := range s.Values {
			if err := finite(v, "series %q value %d (%s)", s.Name, j, c.Categories[j]); err != nil {
				return err
			}
		}
	}
	if lo, hi := c.bounds(); math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return fmt.Errorf("chart: stacked bars add up beyond the largest float; scale the values down")
	}
	return nil
}

// bounds returns the y range of the bars, taking in zero.
func (c Bars) bounds() (lo, hi float64) {
	for j := range c.Categories {
		up, down := 0.0, 0.0
		for _, s := range c.Series {
			v := s.Values[j]
			if !c.Stacked {
				lo, hi = min(lo, v), max(hi, v)
				continue
			}
			if v > 0 {
				up += v
			} else {
				down += v
			}
		}
		lo, hi = min(lo, down), max(hi, up)
	}
	if lo == hi {
		hi = 1
	}
	return lo, hi
}

// draw draws the bars and the category labels.
func (c Bars) draw(cv *canvas, p plot) {
	n := float64(len(c.Categories))
	band := (p.right - p.left) / n
	widest := 0.0
	for _, name := range c.Categories {
		widest = max(widest, textWidth(name))
	}
	every := max(1, int(math.Ceil((widest+8)/band)))
	for j, name := range c.Categories {
		x0 := p.left + float64(j)*band
		if c.Stacked {
			c.stack(cv, p, j, x0+0.15*band, 0.7*band)
		} else {
			bw := 0.8 * band / float64(len(c.Series))
			for i, s := range c.Series {
				cv.bar(p, x0+0.1*band+float64(i)*bw, bw, 0, s.Values[j], color(i))
			}
		}
		if j%every == 0 {
			cv.text(x0+band/2, p.bottom+17, name, "middle", fontSize, false, 0)
		}
	}
}

// stack draws category j's values stacked, positive ones up from zero and
// negative ones down.
func (c Bars) stack(cv *canvas, p plot, j int, x, bw float64) {
	up, down := 0.0, 0.0
	for i, s := range c.Series {
		v := s.Values[j]
		if v >= 0 {
			cv.bar(p, x, bw, up, v, color(i))
			up += v
		} else {
			cv.bar(p, x, bw, down, v, color(i))
			down += v
		}
	}
}

// bar draws a bar of value v starting at base; a zero value draws nothing.
func (c *canvas) bar(p plot, x, bw, base, v float64, fill string) {
	if v == 0 {
		return
	}
	a, b := p.py(base), p.py(base+v)
	c.rect(x, min(a, b), bw, math.Abs(a-b), fill)
}
