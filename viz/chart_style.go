package viz

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart sizes and colours. One unit is one CSS pixel (see writeChart).
const (
	chartW     = 480.0
	chartH     = 240.0
	titleSize  = 12.0
	labelSize  = 10.0
	tickSize   = 9.0
	legendSize = 9.0
	lineWidth  = 1.6
)

var (
	inkColor  = color.RGBA{55, 65, 81, 255}    // text
	axisColor = color.RGBA{156, 163, 175, 255} // axis lines and ticks
	gridColor = color.RGBA{229, 231, 235, 255} // grid lines
	// chartBackground outlines histogram bars, so that they read apart.
	chartBackground = color.RGBA{255, 255, 255, 255}
	chartFonts      = font.Font{Typeface: "Liberation", Variant: "Sans"}
	// seriesColors are the colours of successive series, chosen to stay
	// apart for the common kinds of colour blindness.
	seriesColors = []color.RGBA{
		{37, 99, 235, 255},  // blue
		{234, 88, 12, 255},  // orange
		{22, 163, 74, 255},  // green
		{147, 51, 234, 255}, // purple
		{219, 39, 119, 255}, // pink
		{8, 145, 178, 255},  // teal
	}
)

// newChart returns a plot styled for small server-side charts: a sans
// font, grey axes without clutter, and light horizontal grid lines.
func newChart(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(chartFonts, titleSize)
	p.Title.TextStyle.Color = inkColor
	p.Title.Padding = vg.Points(6)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(chartFonts, labelSize)
		a.Label.TextStyle.Color = inkColor
		a.Tick.Label.Font = font.From(chartFonts, tickSize)
		a.Tick.Label.Color = inkColor
		a.LineStyle.Color = axisColor
		a.Tick.LineStyle.Color = axisColor
		a.Tick.Length = vg.Points(4)
		a.Padding = vg.Points(2)
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{}
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil // horizontal lines only
	grid.Horizontal = draw.LineStyle{Color: gridColor, Width: vg.Points(0.6)}
	p.Add(grid)
	return p
}

// chartPad is the blank border around a chart, in pixels: left, right,
// bottom, top.
var chartPad = [4]float64{6, 12, 4, 6}

// writeChart renders p, and leg on its right when it has entries, as an
// SVG document of w x h pixels on a white background.
func writeChart(p *plot.Plot, leg *plot.Legend, w, h float64) ([]byte, error) {
	return writePanels([]panel{{p, leg}}, w, h)
}

// panel is one plot of a chart, with its legend (or nil).
type panel struct {
	p   *plot.Plot
	leg *plot.Legend
}

// writePanels renders panels stacked from the top, each its share of the
// height, as one SVG document of w x h pixels on a white background.
//
// gonum/plot measures in points and writes the root size in "pt"; writing
// it in pixels instead makes one unit one CSS pixel, so that the font sizes
// above are pixel sizes. The font family gets generic fallbacks, since a
// browser may lack the Liberation fonts that gonum/plot measures text with.
func writePanels(panels []panel, w, h float64) ([]byte, error) {
	c := vgsvg.New(vg.Length(w), vg.Length(h))
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	dc = draw.Crop(dc, vg.Length(chartPad[0]), -vg.Length(chartPad[1]), vg.Length(chartPad[2]), -vg.Length(chartPad[3]))
	share := dc.Size().Y / vg.Length(len(panels))
	for i, pn := range panels {
		// Panel i spans share from the top, i shares down.
		drawPanel(draw.Crop(dc, 0, 0, share*vg.Length(len(panels)-1-i), -share*vg.Length(i)), pn)
	}
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("write chart: %w", err)
	}
	doc := b.Bytes()
	doc = bytes.Replace(doc, []byte(`<?xml version="1.0"?>`+"\n"), nil, 1)
	doc = bytes.Replace(doc,
		fmt.Appendf(nil, `<svg width="%spt" height="%spt"`, gfmt(w), gfmt(h)),
		fmt.Appendf(nil, `<svg class="chart" width="%s" height="%s"`, gfmt(w), gfmt(h)), 1)
	doc = bytes.ReplaceAll(doc, []byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	return doc, nil
}

// drawPanel draws one plot into dc, its legend on the right.
func drawPanel(dc draw.Canvas, pn panel) {
	area := dc
	if leg := pn.leg; leg != nil && leg.Rectangle(dc).Size().X > 0 {
		lw := leg.Rectangle(dc).Size().X
		area = draw.Crop(dc, 0, -lw-12, 0, 0)
		// The legend starts level with the top of the data area.
		top := pn.p.Title.TextStyle.Rectangle(pn.p.Title.Text).Size().Y + pn.p.Title.Padding
		if pn.p.Title.Text == "" {
			top = 0
		}
		leg.Draw(draw.Crop(dc, dc.Size().X-lw, 0, 0, -top))
	}
	pn.p.BackgroundColor = nil
	pn.p.Draw(area)
}

// newLegend returns an empty legend in the chart style, entries stacked
// from the top.
func newLegend() *plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font = font.From(chartFonts, legendSize)
	l.TextStyle.Color = inkColor
	l.ThumbnailWidth = vg.Points(14)
	l.Top, l.Left = true, true
	l.Padding = vg.Points(2)
	return &l
}

// gfmt formats a size the way vgsvg writes it (%.5g).
func gfmt(x float64) string { return fmt.Sprintf("%.5g", x) }
