package optim

import (
	"math"
	"testing"

	"stepgraph/engine"
)

func TestOptimizersMinimiseAQuadratic(t *testing.T) {
	for _, name := range []string{"sgd", "adam"} {
		t.Run(name, func(t *testing.T) {
			// L(w) = 0.5 * sum_i (w_i - c_i)^2, gradient w - c, minimum at c.
			w := engine.FromData([]float64{0, 0, 0}, 3)
			c := []float64{1, -2, 0.5}
			g := engine.NewGraph()
			p := g.Param("w", w)
			opt, err := New(name, 0.05)
			if err != nil {
				t.Fatal(err)
			}
			for step := 0; step < 500; step++ {
				for i := range c {
					p.Grad.Data[i] = w.Data[i] - c[i]
				}
				opt.Step([]*engine.Node{p})
			}
			for i := range c {
				// 500 steps at lr 0.05 contract the error below 1e-3 for both.
				if math.Abs(w.Data[i]-c[i]) > 1e-3 {
					t.Errorf("%s: w[%d] = %v, want %v", name, i, w.Data[i], c[i])
				}
			}
		})
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		lr   float64
	}{{"sgd", 0}, {"adam", -1}, {"adam", math.NaN()}, {"rmsprop", 0.1}} {
		if _, err := New(tc.name, tc.lr); err == nil {
			t.Errorf("New(%q, %v) = nil error, want an error", tc.name, tc.lr)
		}
	}
}
