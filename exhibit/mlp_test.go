package exhibit

import "testing"

// TestMLPTrainingReachesAccuracy trains two configurations for the whole
// budget of the exhibit (MLPMaxSteps, seed 1) and checks the held-out
// accuracy the lessons and the lab rely on. Measured: 98.0% for the
// backpropagation lesson's xor MLP, 98.4% for the lab's spiral MLP; the
// bound leaves room for a change of the optimizer's rounding, not for a
// broken training loop (chance is 50% and 33%).
func TestMLPTrainingReachesAccuracy(t *testing.T) {
	cases := []struct {
		opts map[string]string
		want float64
	}{
		{map[string]string{"data": "xor", "hidden": "3", "act": "tanh"}, 0.95},
		{map[string]string{"data": "spiral", "hidden": "8,8", "act": "tanh", "lr": "0.02"}, 0.95},
	}
	for _, c := range cases {
		m := build[*MLP](t, "mlp", c.opts)
		p := trainAll(m)
		// The metrics of the last chunk: training has stopped.
		met := m.Metrics(false)
		if met.Step != MLPMaxSteps || met.Running {
			t.Fatalf("%v: last metrics %+v, want step %d, not running", c.opts, met, MLPMaxSteps)
		}
		if acc := met.Values["testAccuracy"]; acc < c.want {
			t.Errorf("%v: held-out accuracy after %d steps = %.3f, want >= %.2f", c.opts, met.Step, acc, c.want)
		}
		charts, err := m.Charts()
		if !p.Finished || err != nil || len(charts) < 2 || len(charts[0].SVG) == 0 || charts[0].Name != "loss" {
			t.Errorf("%v: finished %v, %d charts (err %v), want the loss chart drawn after training, then the regions", c.opts, p.Finished, len(charts), err)
		}
	}
}
