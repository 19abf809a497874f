package exhibit

import "testing"

// TestMLPRegions trains an MLP on the four clusters for the exhibit's
// whole budget (seed 1) and checks its decision regions where the answer
// is known: package data centres cluster k, "top right", "top left",
// "bottom left", "bottom right", at (±0.5, ±0.5), and the grid cell around
// each centre must predict that cluster. A grid laid out in the wrong
// order (rows for columns, or from the top) would swap two of them. The
// chart is drawn at the start and again after training.
func TestMLPRegions(t *testing.T) {
	m := build[*MLP](t, "mlp", map[string]string{"data": "clusters", "hidden": "4"})
	if svg := chartNamed(t, m, "regions"); len(svg) == 0 {
		t.Fatalf("regions at start = %q, want a chart", svg)
	}
	if p := trainAll(m); !p.Finished || chartNamed(t, m, "regions") == nil {
		t.Errorf("no regions chart after training")
	}
	r := m.Regions()
	h := (r.Hi - r.Lo) / float64(r.Grid)
	centres := [][2]float64{{0.5, 0.5}, {-0.5, 0.5}, {-0.5, -0.5}, {0.5, -0.5}}
	for k, c := range centres {
		col, row := int((c[0]-r.Lo)/h), int((c[1]-r.Lo)/h)
		if got := r.Classes[row*r.Grid+col]; got != k {
			t.Errorf("regions at %v (%s) = class %d, want %d", c, r.Names[k], got, k)
		}
	}
	if len(r.Points) != mlpPoints || len(r.Labels) != mlpPoints {
		t.Errorf("regions draw %d points with %d labels, want the %d training points", len(r.Points), len(r.Labels), mlpPoints)
	}
}

// TestMLPLinearClassifier checks the claim of the MLP lesson that a network
// with no hidden layer draws straight borders: after the whole budget
// (seed 1) it separates the four clusters but stays near chance on xor
// (1/2) and on the spiral (1/3). Measured: 99.6%, 44% and 36% held-out.
func TestMLPLinearClassifier(t *testing.T) {
	cases := []struct {
		data     string
		min, max float64 // bounds on the held-out accuracy
	}{
		{"clusters", 0.95, 1},
		{"xor", 0, 0.6},
		{"spiral", 0, 0.45},
	}
	for _, c := range cases {
		m := build[*MLP](t, "mlp", map[string]string{"data": c.data, "hidden": ""})
		trainAll(m)
		met := m.Metrics(false) // of the last chunk: training has stopped
		if acc := met.Values["testAccuracy"]; acc < c.min || acc > c.max {
			t.Errorf("linear classifier on %s: held-out accuracy %.3f after %d steps, want in [%.2f, %.2f]", c.data, acc, met.Step, c.min, c.max)
		}
	}
}
