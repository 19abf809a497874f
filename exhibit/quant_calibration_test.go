package exhibit

import (
	"fmt"
	"math"
	"testing"

	"stepgraph/engine/quant"
)

// TestQuantCalibration checks the static pass's calibration as the
// exhibit reports it, for several calibration sizes: each observer's range
// is the min and max of its activation in the float model run on the first
// `calibration` training points (computed here without observers), and
// the scale and zero point are what quant.ParamsFromRange makes of that
// range. Fewer points can only narrow a min/max range, and the report's
// errors follow the grids.
func TestQuantCalibration(t *testing.T) {
	prevHi := map[string]float64{}
	for _, points := range []int{300, 40, 3, 1} {
		for _, sym := range []string{"symmetric", "asymmetric"} {
			opts := map[string]string{"pass": "static", "calibration": fmt.Sprint(points), "symmetry": sym}
			q := build[*Quant](t, "quant", opts)
			c := q.Views()[0].(*QuantErrorView).Calibration
			if c == nil || c.Points != points || len(c.Examples) != points || c.Examples[points-1] != points-1 {
				t.Fatalf("%v: calibration %+v, want the first %d training points", opts, c, points)
			}
			if len(c.Observers) != 3 { // x, layers.0.act, layers.1.act
				t.Fatalf("%v: %d observers, want 3", opts, len(c.Observers))
			}
			g, err := q.float.graph(q.float.model, points)
			if err != nil {
				t.Fatal(err)
			}
			idx := make([]int, points)
			for i := range idx {
				idx[i] = i
			}
			q.float.train.Fill(g.MustNode("x").Value, g.MustNode("y").Value, idx)
			g.Forward()
			s := quantScheme(q.values)
			s.PerChannel = false // activations have one grid
			for _, o := range c.Observers {
				lo, hi := math.Inf(1), math.Inf(-1)
				for _, v := range g.MustNode(o.Activation).Value.Data {
					lo, hi = min(lo, v), max(hi, v)
				}
				if o.Lo != lo || o.Hi != hi || o.Observer != "minmax" {
					t.Errorf("%v: %s range [%v, %v] (%s), want min/max [%v, %v]", opts, o.Node, o.Lo, o.Hi, o.Observer, lo, hi)
				}
				p := quant.ParamsFromRange([]float64{lo}, []float64{hi}, s, quant.PerTensor)
				zero := 0
				if len(p.Zero) > 0 {
					zero = int(p.Zero[0])
				}
				if o.Scale != float64(p.Scale[0]) || o.Zero != zero {
					t.Errorf("%v: %s grid scale %v zero %d, want %v and %d", opts, o.Node, o.Scale, o.Zero, p.Scale[0], zero)
				}
				if sym == "symmetric" {
					if h, ok := prevHi[o.Node]; ok && o.Hi > h {
						t.Errorf("%v: %s hi %v above %v with more points", opts, o.Node, o.Hi, h)
					}
					prevHi[o.Node] = o.Hi
				}
			}
		}
	}
	// Other passes have no calibration set.
	if c := build[*Quant](t, "quant", map[string]string{"pass": "dynamic"}).Views()[0].(*QuantErrorView).Calibration; c != nil {
		t.Errorf("dynamic: calibration %+v, want none", c)
	}
	// One point gives other errors than every point.
	all := build[*Quant](t, "quant", map[string]string{"pass": "static"}).rep.values["sqnr:logits"]
	one := build[*Quant](t, "quant", map[string]string{"pass": "static", "calibration": "1"}).rep.values["sqnr:logits"]
	if all == one {
		t.Errorf("logits SQNR %v dB with 1 calibration point and with 300: want the grids to change it", all)
	}
}

// TestQuantCalibrationPercentile checks the percentile observer: each
// range is the 1st to 99th percentile (nearest rank, as
// quant.Percentile) of the activation's values on the first `calibration`
// training points, each seen once; it is inside the min/max range.
func TestQuantCalibrationPercentile(t *testing.T) {
	for _, points := range []int{300, 7} {
		opts := map[string]string{"pass": "static", "observer": "percentile", "calibration": fmt.Sprint(points)}
		q := build[*Quant](t, "quant", opts)
		c := q.Views()[0].(*QuantErrorView).Calibration
		mm := build[*Quant](t, "quant", map[string]string{"pass": "static", "calibration": fmt.Sprint(points)}).Views()[0].(*QuantErrorView).Calibration
		g, err := q.float.graph(q.float.model, points)
		if err != nil {
			t.Fatal(err)
		}
		idx := make([]int, points)
		for i := range idx {
			idx[i] = i
		}
		q.float.train.Fill(g.MustNode("x").Value, g.MustNode("y").Value, idx)
		g.Forward()
		for i, o := range c.Observers {
			p := quant.NewPercentile(quantPercentile)
			p.Observe(g.MustNode(o.Activation).Value)
			lo, hi, _ := p.Range()
			if o.Observer != "percentile" || o.Lo != lo || o.Hi != hi {
				t.Errorf("%v: %s range [%v, %v] (%s), want percentiles [%v, %v]", opts, o.Node, o.Lo, o.Hi, o.Observer, lo, hi)
			}
			if m := mm.Observers[i]; o.Lo < m.Lo || o.Hi > m.Hi {
				t.Errorf("%v: %s percentile range [%v, %v] outside min/max [%v, %v]", opts, o.Node, o.Lo, o.Hi, m.Lo, m.Hi)
			}
		}
	}
}
