package viz

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Series is one curve of a chart, such as the training loss: Y against X,
// where X is usually the training step.
type Series struct {
	Name string    `json:"name"`
	X    []float64 `json:"x"`
	Y    []float64 `json:"y"`
}

// ChartOptions describe a line chart. The zero value gives a 480x240
// chart with "step" on the x axis and a y range that fits the data.
type ChartOptions struct {
	Title  string
	XLabel string // default "step"
	YLabel string
	// YMin and YMax fix the y range when YMax > YMin (0 and 1 for an
	// accuracy, say).
	YMin, YMax float64
	// Width and Height are in pixels; 0 means 480 and 240.
	Width, Height float64
}

// maxChartPoints bounds the points drawn per series: a longer series is
// thinned to every k-th point (and its last), which keeps the SVG small
// while training runs for thousands of steps.
const maxChartPoints = 1000

// LossChart draws series as lines (loss and accuracy curves, steps on x)
// with a legend, rendered by gonum/plot as SVG. Points whose x or y is not
// finite (a diverged loss) are left out. It returns an error when a
// series' X and Y differ in length.
func LossChart(series []Series, opt ChartOptions) ([]byte, error) {
	p, leg, err := linePlot(series, opt)
	if err != nil {
		return nil, err
	}
	return writeChart(p, leg, orDefault(opt.Width, chartW), orDefault(opt.Height, chartH))
}

// Training chart sizes: wide enough for a panel of 320 pixels or more,
// with each panel's ticks readable at its natural size.
const (
	trainingW = 360.0
	trainingH = 300.0
)

// TrainingChart draws a run of training on two panels that share the step
// axis: loss above, on its own scale, and the accuracies below, from 0 to
// 1, each with its legend. A zero Width or Height gives 360 x 300 pixels.
// It returns an error when a series' X and Y differ in length.
func TrainingChart(loss, accuracy []Series, opt ChartOptions) ([]byte, error) {
	top, topLeg, err := linePlot(loss, ChartOptions{Title: opt.Title, XLabel: " ", YLabel: "loss"})
	if err != nil {
		return nil, err
	}
	bottom, bottomLeg, err := linePlot(accuracy, ChartOptions{XLabel: "step", YLabel: "accuracy", YMin: 0, YMax: 1})
	if err != nil {
		return nil, err
	}
	// One step axis for both panels.
	lo, hi := math.Min(top.X.Min, bottom.X.Min), math.Max(top.X.Max, bottom.X.Max)
	top.X.Min, top.X.Max, bottom.X.Min, bottom.X.Max = lo, hi, lo, hi
	return writePanels([]panel{{top, topLeg}, {bottom, bottomLeg}}, orDefault(opt.Width, trainingW), orDefault(opt.Height, trainingH))
}

// linePlot makes the plot of series as lines, and its legend.
func linePlot(series []Series, opt ChartOptions) (*plot.Plot, *plot.Legend, error) {
	if opt.XLabel == "" {
		opt.XLabel = "step"
	}
	p := newChart(opt.Title, opt.XLabel, opt.YLabel)
	leg := newLegend()
	points := 0
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return nil, nil, fmt.Errorf("loss chart: series %q has %d x and %d y values", s.Name, len(s.X), len(s.Y))
		}
		xys := finitePoints(s.X, s.Y)
		if len(xys) == 0 {
			continue
		}
		points += len(xys)
		line, err := plotter.NewLine(xys)
		if err != nil {
			return nil, nil, fmt.Errorf("loss chart: series %q: %w", s.Name, err)
		}
		line.Color = seriesColors[i%len(seriesColors)]
		line.Width = vg.Points(lineWidth)
		p.Add(line)
		if s.Name != "" {
			leg.Add(s.Name, line)
		}
	}
	if points == 0 {
		// Nothing to draw yet: show empty axes over [0, 1].
		p.X.Min, p.X.Max = 0, 1
		p.Y.Min, p.Y.Max = 0, 1
	}
	if opt.YMax > opt.YMin {
		p.Y.Min, p.Y.Max = opt.YMin, opt.YMax
	}
	return p, leg, nil
}

// finitePoints pairs x and y, skipping non-finite points and thinning to
// at most maxChartPoints.
func finitePoints(x, y []float64) plotter.XYs {
	step := max(1, (len(x)+maxChartPoints-1)/maxChartPoints)
	var xys plotter.XYs
	for i := 0; i < len(x); i++ {
		if i%step != 0 && i != len(x)-1 {
			continue
		}
		if finite(x[i]) && finite(y[i]) {
			xys = append(xys, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	return xys
}

func finite(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }

func orDefault(v, d float64) float64 {
	if v > 0 {
		return v
	}
	return d
}

// Histogram draws the distribution of values in bins equal-width bins (a
// quantization error histogram, say) as a 480x240 SVG with the given
// title. Non-finite values are left out. It returns an error when bins is
// not positive or no finite value is left.
func Histogram(values []float64, bins int, title string) ([]byte, error) {
	if bins <= 0 {
		return nil, fmt.Errorf("histogram: %d bins, want at least 1", bins)
	}
	var vs plotter.Values
	for _, v := range values {
		if finite(v) {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil, errors.New("histogram: no finite values")
	}
	p := newChart(title, "value", "count")
	h, err := plotter.NewHist(vs, bins)
	if err != nil {
		return nil, fmt.Errorf("histogram: %w", err)
	}
	h.FillColor = seriesColors[0]
	h.LineStyle.Color = chartBackground
	h.LineStyle.Width = vg.Points(0.5)
	p.Add(h)
	p.Y.Min = 0
	return writeChart(p, nil, chartW, chartH)
}
