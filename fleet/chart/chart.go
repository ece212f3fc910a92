// Package chart draws the dashboard's small charts as inline SVG, on the
// server: no script, readable without JavaScript, scaling to the width of
// its container.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"
)

// Point is one day's value.
type Point struct {
	Day   time.Time
	Value int
}

// Series draws the points as an area under a line, with the maximum and
// the first and last day labelled. title is the chart's accessible name.
// The points are taken in order, one step each; an empty series draws an
// empty frame.
func Series(title string, points []Point) template.HTML {
	const w, h, padL, padB, padT = 720, 180, 44, 22, 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">`, w, h, html.EscapeString(title))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(title))
	maxV := 0
	for _, p := range points {
		maxV = max(maxV, p.Value)
	}
	top := niceCeil(maxV)
	plotW, plotH := float64(w-padL-4), float64(h-padB-padT)
	// Grid: zero, half and top.
	for _, v := range []int{0, top / 2, top} {
		y := float64(padT) + plotH - plotH*float64(v)/float64(top)
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>`, padL, w-4, y, y)
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%.1f" text-anchor="end">%d</text>`, padL-6, y+4, v)
	}
	if len(points) > 0 {
		step := 0.0
		if len(points) > 1 {
			step = plotW / float64(len(points)-1)
		}
		var line strings.Builder
		for i, p := range points {
			x := float64(padL) + step*float64(i)
			y := float64(padT) + plotH - plotH*float64(p.Value)/float64(top)
			if i == 0 {
				fmt.Fprintf(&line, "M%.1f %.1f", x, y)
			} else {
				fmt.Fprintf(&line, " L%.1f %.1f", x, y)
			}
		}
		last := float64(padL) + step*float64(len(points)-1)
		fmt.Fprintf(&b, `<path class="area" d="%s L%.1f %.1f L%d %.1f Z"/>`, line.String(), last, float64(padT)+plotH, padL, float64(padT)+plotH)
		fmt.Fprintf(&b, `<path class="line" d="%s"/>`, line.String())
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d">%s</text>`, padL, h-4, points[0].Day.Format("2006-01-02"))
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d" text-anchor="end">%s</text>`, w-4, h-4, points[len(points)-1].Day.Format("2006-01-02"))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v int) int {
	if v <= 1 {
		return 1
	}
	p := 1
	for p*10 < v {
		p *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
