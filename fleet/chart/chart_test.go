package chart

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"
)

func TestSeriesIsWellFormedSVG(t *testing.T) {
	day := time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC)
	var pts []Point
	for i := range 90 {
		pts = append(pts, Point{day.AddDate(0, 0, i), (i * 37) % 120})
	}
	for _, c := range []struct {
		name string
		pts  []Point
	}{{"ninety days", pts}, {"one day", pts[:1]}, {"empty", nil}, {"zeros", []Point{{day, 0}, {day.AddDate(0, 0, 1), 0}}}} {
		svg := string(Series(`open findings <"&">`, c.pts))
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: not well-formed: %v\n%s", c.name, err, svg)
			}
		}
		if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
			t.Errorf("%s: %s", c.name, svg)
		}
		if !strings.Contains(svg, `aria-label="open findings &lt;&#34;&amp;&#34;&gt;"`) {
			t.Errorf("%s: title not escaped: %s", c.name, svg)
		}
	}
	svg := string(Series("x", pts))
	if !strings.Contains(svg, ">200<") || !strings.Contains(svg, "2026-09-10") || !strings.Contains(svg, "2026-12-08") {
		t.Errorf("labels missing: %s", svg)
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[int]int{0: 1, 1: 1, 2: 2, 3: 5, 7: 10, 11: 20, 99: 100, 101: 200, 450: 500, 5001: 10000} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", in, got, want)
		}
	}
}
