package viz_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/viz"
)

// ramp returns a series of n points: step i, value f(i).
func ramp(name string, n int, f func(i float64) float64) viz.Series {
	s := viz.Series{Name: name}
	for i := range n {
		s.X = append(s.X, float64(i))
		s.Y = append(s.Y, f(float64(i)))
	}
	return s
}

// pathLengths returns, for every <path> of doc, the number of points it
// joins with straight lines (its "L" commands plus the first point).
func pathLengths(t *testing.T, doc []byte) []int {
	var n []int
	for _, e := range parseSVG(t, doc) {
		if e.name == "path" {
			n = append(n, strings.Count(e.attrs["d"], "L")+1)
		}
	}
	return n
}

func TestLossChart(t *testing.T) {
	loss := ramp("loss", 50, func(i float64) float64 { return 2 * math.Exp(-i/10) })
	acc := ramp("accuracy", 30, func(i float64) float64 { return 1 - math.Exp(-i/8) })
	diverged := ramp("diverged", 40, func(i float64) float64 { return i })
	diverged.Y[7] = math.NaN()
	diverged.Y[20] = math.Inf(1)

	cases := []struct {
		name   string
		series []viz.Series
		opt    viz.ChartOptions
		lines  []int // points per drawn series
	}{
		{"loss and accuracy", []viz.Series{loss, acc}, viz.ChartOptions{Title: "training"}, []int{50, 30}},
		{"fixed range", []viz.Series{acc}, viz.ChartOptions{YMin: 0, YMax: 1, YLabel: "accuracy"}, []int{30}},
		// A line through a missing point is drawn without it.
		{"non-finite points", []viz.Series{diverged}, viz.ChartOptions{}, []int{38}},
		{"no data yet", nil, viz.ChartOptions{Title: "waiting"}, nil},
	}
	for _, c := range cases {
		doc, err := viz.LossChart(c.series, c.opt)
		if err != nil {
			t.Fatalf("%s: LossChart: %v", c.name, err)
		}
		els := parseSVG(t, doc)
		if w, h := els[0].attrs["width"], els[0].attrs["height"]; w != "480" || h != "240" {
			t.Errorf("%s: chart size %sx%s, want 480x240 pixels", c.name, w, h)
		}
		lengths := pathLengths(t, doc)
		for i, n := range c.lines {
			if !slices.Contains(lengths, n) {
				t.Errorf("%s: no path of %d points for series %q (path sizes %v)", c.name, n, c.series[i].Name, lengths)
			}
			if name := c.series[i].Name; !strings.Contains(string(doc), ">"+name+"</text>") {
				t.Errorf("%s: legend has no entry %q", c.name, name)
			}
		}
		for _, s := range []string{c.opt.Title, c.opt.YLabel, "step"} {
			if s != "" && !strings.Contains(string(doc), ">"+s+"</text>") {
				t.Errorf("%s: chart has no text %q", c.name, s)
			}
		}
		again, _ := viz.LossChart(c.series, c.opt)
		if string(again) != string(doc) {
			t.Errorf("%s: LossChart is not deterministic", c.name)
		}
	}
}

// TestTrainingChart checks the two panels of a run of training: the loss
// on its own axis above, the accuracies on a 0-to-1 axis below, each with
// its legend and label, one step axis for both (the accuracy's series is
// shorter, and both panels still end at the last step of either).
func TestTrainingChart(t *testing.T) {
	loss := ramp("loss", 50, func(i float64) float64 { return 3 * math.Exp(-i/10) })
	train := ramp("train accuracy", 20, func(i float64) float64 { return 1 - math.Exp(-i/8) })
	held := ramp("held-out accuracy", 20, func(i float64) float64 { return 0.9 - math.Exp(-i/8) })
	doc, err := viz.TrainingChart([]viz.Series{loss}, []viz.Series{train, held}, viz.ChartOptions{Title: "Training"})
	if err != nil {
		t.Fatal(err)
	}
	els := parseSVG(t, doc)
	if w, h := els[0].attrs["width"], els[0].attrs["height"]; w != "360" || h != "300" {
		t.Errorf("chart size %sx%s, want 360x300 pixels", w, h)
	}
	for _, text := range []string{"Training", "loss", "accuracy", "step", "train accuracy", "held-out accuracy", "1", "0"} {
		if !strings.Contains(string(doc), ">"+text+"</text>") {
			t.Errorf("chart has no text %q", text)
		}
	}
	lengths := pathLengths(t, doc)
	for _, n := range []int{50, 20} {
		if !slices.Contains(lengths, n) {
			t.Errorf("no path of %d points (path sizes %v)", n, lengths)
		}
	}
	// Both panels label step 40 on their x axes: the shared range.
	if got := strings.Count(string(doc), ">40</text>"); got != 2 {
		t.Errorf("step 40 is labelled %d times, want on both panels' axes", got)
	}
	if _, err := viz.TrainingChart([]viz.Series{{Name: "bad", X: []float64{1}}}, nil, viz.ChartOptions{}); err == nil {
		t.Errorf("TrainingChart with a series of 1 x and 0 y = nil error, want an error")
	}
}

func TestLossChartErrors(t *testing.T) {
	bad := viz.Series{Name: "bad", X: []float64{0, 1, 2}, Y: []float64{1, 2}}
	if _, err := viz.LossChart([]viz.Series{bad}, viz.ChartOptions{}); err == nil {
		t.Errorf("LossChart(%d x, %d y) = nil error, want an error", len(bad.X), len(bad.Y))
	}
}

func TestHistogram(t *testing.T) {
	// 0..99 in 10 bins: ten bars of ten values each.
	var vs []float64
	for i := range 100 {
		vs = append(vs, float64(i))
	}
	doc, err := viz.Histogram(vs, 10, "error")
	if err != nil {
		t.Fatalf("Histogram: %v", err)
	}
	bars := 0
	for _, e := range parseSVG(t, doc) {
		// A bar is a filled four-corner polygon in the bar colour.
		if e.name == "path" && strings.Contains(e.attrs["style"], "fill:#2563EB") {
			bars++
		}
	}
	if bars != 10 {
		t.Errorf("Histogram(0..99, 10 bins) has %d bars, want 10", bars)
	}
	if !strings.Contains(string(doc), ">error</text>") || !strings.Contains(string(doc), ">count</text>") {
		t.Errorf("Histogram lacks its title or axis label")
	}

	r := engine.NewMulberry32(5)
	var normal []float64
	for range 500 {
		normal = append(normal, 0.01*r.Normal())
	}
	normal = append(normal, math.NaN(), math.Inf(-1))
	a, err := viz.Histogram(normal, 30, "int8 error")
	if err != nil {
		t.Fatalf("Histogram with non-finite values: %v", err)
	}
	b, _ := viz.Histogram(normal, 30, "int8 error")
	if string(a) != string(b) {
		t.Errorf("Histogram is not deterministic")
	}
	parseSVG(t, a)

	for _, c := range []struct {
		name   string
		values []float64
		bins   int
	}{
		{"no bins", vs, 0},
		{"no values", nil, 10},
		{"only NaN", []float64{math.NaN()}, 10},
	} {
		if _, err := viz.Histogram(c.values, c.bins, ""); err == nil {
			t.Errorf("%s: Histogram(%d values, %d bins) = nil error, want an error", c.name, len(c.values), c.bins)
		}
	}
}
