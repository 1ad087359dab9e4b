package console

import (
	"fmt"
	"math"
	"sort"
)

// chart is a stacked bar chart drawn as SVG by the dashboard template: one
// bar per period, one coloured segment per series.
type chart struct {
	Title  string
	Width  int
	Height int
	Bars   []chartRect
	// Grid holds the horizontal guide lines with their value labels.
	Grid []chartLine
	// XLabels name the periods under the bars.
	XLabels []chartText
	Legend  []chartLegend
	// Table is the same data as text, for screen readers and for reading
	// exact numbers.
	Table chartTable
}

type chartRect struct {
	X, Y, W, H float64
	Fill       string
	Label      string
}

type chartLine struct {
	Y     float64
	X1    float64
	X2    float64
	Label string
}

type chartText struct {
	X, Y float64
	Text string
}

type chartLegend struct {
	Name  string
	Fill  string
	Total int
}

type chartTable struct {
	Periods []string
	Rows    []chartRow
}

type chartRow struct {
	Name   string
	Counts []int
}

// palette colours series in order; chosen to stay apart for common forms
// of colour blindness (Okabe–Ito) plus two greys.
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999", "#666666"}

// Chart geometry, in SVG user units.
const (
	chartW       = 640
	chartH       = 240
	chartLeft    = 40
	chartRight   = 10
	chartTop     = 10
	chartBottom  = 30
	chartBarFill = 0.7 // share of a period's width the bar takes
)

// stackedChart draws counts[series][period] as stacked bars. Series are
// drawn in the order given (and coloured by it); periods label the x axis.
func stackedChart(title string, periods []string, series []string, counts map[string][]int) chart {
	ch := chart{Title: title, Width: chartW, Height: chartH}
	plotW := float64(chartW - chartLeft - chartRight)
	plotH := float64(chartH - chartTop - chartBottom)
	totals := make([]int, len(periods))
	for _, s := range series {
		for i, n := range counts[s] {
			totals[i] += n
		}
	}
	maxTotal := 0
	for _, t := range totals {
		maxTotal = max(maxTotal, t)
	}
	top := niceCeil(maxTotal)
	step := plotW / float64(max(len(periods), 1))
	for g := 0; g <= 4; g++ {
		v := top * g / 4
		y := chartTop + plotH - plotH*float64(v)/float64(top)
		ch.Grid = append(ch.Grid, chartLine{Y: round1(y), X1: chartLeft, X2: chartW - chartRight, Label: fmt.Sprint(v)})
	}
	for i, p := range periods {
		x := chartLeft + step*float64(i) + step*(1-chartBarFill)/2
		base := chartTop + plotH
		for si, s := range series {
			n := 0
			if i < len(counts[s]) {
				n = counts[s][i]
			}
			if n == 0 {
				continue
			}
			h := plotH * float64(n) / float64(top)
			base -= h
			ch.Bars = append(ch.Bars, chartRect{X: round1(x), Y: round1(base), W: round1(step * chartBarFill), H: round1(h),
				Fill: palette[si%len(palette)], Label: fmt.Sprintf("%s, week of %s: %d", s, p, n)})
		}
		if len(periods) <= 13 || i%2 == 0 {
			ch.XLabels = append(ch.XLabels, chartText{X: round1(x + step*chartBarFill/2), Y: chartH - 10, Text: p[5:]})
		}
	}
	ch.Table.Periods = periods
	for si, s := range series {
		total := 0
		for _, n := range counts[s] {
			total += n
		}
		ch.Legend = append(ch.Legend, chartLegend{Name: s, Fill: palette[si%len(palette)], Total: total})
		ch.Table.Rows = append(ch.Table.Rows, chartRow{Name: s, Counts: counts[s]})
	}
	return ch
}

// niceCeil rounds n up to a round axis maximum (1, 2, 2.5 or 5 times a
// power of ten, and a multiple of 4 so the four grid steps are whole).
func niceCeil(n int) int {
	if n <= 4 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(float64(n))))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		v := int(m * p)
		if v >= n && v%4 == 0 {
			return v
		}
	}
	return (n + 3) / 4 * 4
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// seriesOrder returns the keys of totals, most frequent first (ties by
// name), keeping the known order first when given.
func seriesOrder(known []string, totals map[string]int) []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range known {
		if totals[k] > 0 {
			out = append(out, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range totals {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Slice(rest, func(i, j int) bool {
		if totals[rest[i]] != totals[rest[j]] {
			return totals[rest[i]] > totals[rest[j]]
		}
		return rest[i] < rest[j]
	})
	return append(out, rest...)
}
