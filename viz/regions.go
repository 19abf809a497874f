package viz

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Size of a decision-region chart, in pixels.
const (
	regionsW = 420.0
	regionsH = 370.0
)

// Regions is what a classifier of 2-D points predicts over a square of the
// plane, with labelled points to draw on top: its decision regions.
type Regions struct {
	Title  string
	Lo, Hi float64 // the square [Lo, Hi]^2 that the grid covers
	Grid   int     // cells per side
	// Classes holds the predicted class of each cell, Grid*Grid of them,
	// row by row from the bottom (smallest y), each row from the left. Cell
	// (row, col) is centred at x = Lo + (col + 0.5) h, y = Lo + (row + 0.5) h
	// with h = (Hi - Lo) / Grid.
	Classes []int
	Points  [][2]float64 // points (x, y), drawn as dots
	Labels  []int        // the class of each point
	Names   []string     // class names, for the legend: one per class
}

// RegionsChart draws r as an SVG chart: each cell of the grid filled with a
// pale tint of its class's colour, the points as dots of the full colour,
// and a legend of the class names. It returns an error when the grid,
// classes or labels do not fit together.
func RegionsChart(r Regions) ([]byte, error) {
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("regions chart: %w", err)
	}
	p := newChart(r.Title, "x", "y")
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = r.Lo, r.Hi, r.Lo, r.Hi
	h := (r.Hi - r.Lo) / float64(r.Grid)
	// One polygon per class, a rectangle (ring) per run of equal cells in
	// a row. A thin outline of the fill colour hides the seams between
	// neighbouring rectangles.
	rings := make([][]plotter.XYer, len(r.Names))
	for _, run := range runs(r.Classes, r.Grid) {
		x0, x1 := r.Lo+float64(run.start)*h, r.Lo+float64(run.end)*h
		y0 := r.Lo + float64(run.row)*h
		rect := plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y0 + h}, {X: x0, Y: y0 + h}}
		rings[run.class] = append(rings[run.class], rect)
	}
	for k, rs := range rings {
		if len(rs) == 0 {
			continue
		}
		poly, err := plotter.NewPolygon(rs...)
		if err != nil {
			return nil, fmt.Errorf("regions chart: %w", err)
		}
		poly.Color = tint(classColor(k))
		poly.LineStyle = draw.LineStyle{Color: poly.Color, Width: vg.Points(0.5)}
		p.Add(poly)
	}
	leg := newLegend()
	for k, name := range r.Names {
		var xys plotter.XYs
		for i, pt := range r.Points {
			if r.Labels[i] == k {
				xys = append(xys, plotter.XY{X: pt[0], Y: pt[1]})
			}
		}
		dots, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("regions chart: %w", err)
		}
		dots.GlyphStyle = draw.GlyphStyle{Color: classColor(k), Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
		p.Add(dots)
		leg.Add(name, dots)
	}
	return writeChart(p, leg, regionsW, regionsH)
}

// check reports the first way in which r does not fit together.
func (r Regions) check() error {
	switch {
	case r.Grid < 1 || len(r.Classes) != r.Grid*r.Grid:
		return fmt.Errorf("%d classes for a grid of %d, want %d", len(r.Classes), r.Grid, r.Grid*r.Grid)
	case !(r.Hi > r.Lo) || math.IsInf(r.Hi-r.Lo, 0):
		return fmt.Errorf("square [%g, %g] is empty", r.Lo, r.Hi)
	case len(r.Points) != len(r.Labels):
		return fmt.Errorf("%d points and %d labels", len(r.Points), len(r.Labels))
	}
	for _, set := range [][]int{r.Classes, r.Labels} {
		for _, k := range set {
			if k < 0 || k >= len(r.Names) {
				return fmt.Errorf("class %d outside the %d names", k, len(r.Names))
			}
		}
	}
	return nil
}

// run is a stretch of equal cells in one row of a grid: columns start to
// end-1 of row hold class.
type run struct {
	row, start, end, class int
}

// runs splits the rows of a grid of classes (row-major, grid cells per
// row) into runs of equal cells.
func runs(classes []int, grid int) []run {
	var out []run
	for row := range grid {
		line := classes[row*grid : (row+1)*grid]
		start := 0
		for col := 1; col <= grid; col++ {
			if col == grid || line[col] != line[start] {
				out = append(out, run{row: row, start: start, end: col, class: line[start]})
				start = col
			}
		}
	}
	return out
}

// classColor returns the colour of class k: the series colours in turn.
func classColor(k int) color.RGBA { return seriesColors[k%len(seriesColors)] }

// tint returns c mixed with three parts of white, for a region's fill.
func tint(c color.RGBA) color.RGBA {
	mix := func(x uint8) uint8 { return uint8((int(x) + 3*255 + 2) / 4) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 255}
}
