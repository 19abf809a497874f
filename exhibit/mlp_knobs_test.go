package exhibit

import (
	"math"
	"slices"
	"testing"
)

// trainSteps runs n training steps of tr at full speed.
func trainSteps(tr Trainer, n int) {
	tr.StartTraining(n)
	for !tr.TrainChunk(math.MaxInt, ChunkTime).Finished {
	}
}

// weightSquares returns Σ W² over the weight matrices of an mlp exhibit.
func weightSquares(m *MLP) float64 {
	s := 0.0
	for _, name := range m.model.Order {
		if name[len(name)-1] != 'w' {
			continue
		}
		for _, v := range m.model.Params[name].Data {
			s += v * v
		}
	}
	return s
}

// TestMLPL2 checks the l2 option: with l2 above 0 the stepped graph's loss
// is ce + l2 (its nodes are there, and their values add up once stepped),
// and the same training steps from the same seed end with smaller weights
// than with l2 = 0; with l2 = 0 the graph has no penalty node.
func TestMLPL2(t *testing.T) {
	opts := map[string]string{"data": "spiral", "hidden": "8,8", "seed": "3", "lr": "0.05"}
	plain := build[*MLP](t, "mlp", opts)
	opts["l2"] = "0.05"
	reg := build[*MLP](t, "mlp", opts)
	if plain.step.g.Node("l2") != nil || reg.step.g.Node("l2") == nil || reg.step.g.Node("ce") == nil {
		t.Fatalf("l2 nodes: without %v, with %v %v; want none without, ce and l2 with", plain.step.g.Node("l2"), reg.step.g.Node("ce"), reg.step.g.Node("l2"))
	}
	// Step the whole forward pass: the loss the learner reads is ce + l2.
	reg.Stepping().Next(len(reg.step.g.Nodes) * 2)
	g := reg.step.g
	ce, l2, loss := g.MustNode("ce").Value.Data[0], g.MustNode("l2").Value.Data[0], g.LossNode().Value.Data[0]
	// One addition of two float64 numbers: exact to an ulp.
	if l2 <= 0 || math.Abs(loss-(ce+l2)) > 1e-15 {
		t.Errorf("stepped loss %v, want ce %v + l2 %v (l2 > 0)", loss, ce, l2)
	}
	before := weightSquares(reg)
	if b0 := weightSquares(plain); b0 != before {
		t.Fatalf("Σ W² at the start: %v and %v, want the same weights from the same seed", b0, before)
	}
	const steps = 300
	trainSteps(plain, steps)
	trainSteps(reg, steps)
	w0, w1 := weightSquares(plain), weightSquares(reg)
	t.Logf("Σ W² after %d steps: %.4g with l2 = 0, %.4g with l2 = 0.05 (%.4g at the start)", steps, w0, w1, before)
	if !(w1 < w0) {
		t.Errorf("Σ W² after %d steps = %v with l2 = 0.05, want less than %v with l2 = 0", steps, w1, w0)
	}
}

// TestMLPSplit checks that the split option sizes the training and
// held-out sets out of 512 points, and that the default keeps 256 of each.
func TestMLPSplit(t *testing.T) {
	for _, c := range []struct {
		split       string
		train, test int
	}{
		{"", 256, 256},
		{"0.25", 128, 384},
		{"0.9", 461, 51}, // round(460.8)
		{"0.1", 51, 461},
	} {
		opts := map[string]string{}
		if c.split != "" {
			opts["split"] = c.split
		}
		m := build[*MLP](t, "mlp", opts)
		if len(m.train.Y) != c.train || len(m.test.Y) != c.test {
			t.Errorf("split %q: %d training and %d held-out points, want %d and %d", c.split, len(m.train.Y), len(m.test.Y), c.train, c.test)
		}
	}
	for _, bad := range []string{"0.05", "0.95", "1", "half"} {
		if _, e := MLPOptions.Configure(map[string]string{"split": bad}); e == nil || e.Field != "split" {
			t.Errorf("split %q: error %v, want one at field split", bad, e)
		}
	}
}

// TestMLPNoise checks that the noise option changes the points, the same
// way for the same seed: noise 0 and 0.3 give different points, two
// builds of one noise and seed the same, and the labels never change
// (the noise moves points; it does not flip classes).
func TestMLPNoise(t *testing.T) {
	points := func(noise, seed string) ([]float64, []int) {
		m := build[*MLP](t, "mlp", map[string]string{"data": "circle", "noise": noise, "seed": seed})
		return slices.Clone(m.train.X.Data), slices.Clone(m.train.Y)
	}
	x0, y0 := points("0", "4")
	x3, y3 := points("0.3", "4")
	again, _ := points("0.3", "4")
	other, _ := points("0.3", "5")
	if slices.Equal(x0, x3) {
		t.Error("noise 0 and 0.3 give the same points")
	}
	if !slices.Equal(x3, again) {
		t.Error("two builds with noise 0.3 and seed 4 give different points")
	}
	if slices.Equal(x3, other) {
		t.Error("seeds 4 and 5 give the same noisy points")
	}
	if !slices.Equal(y0, y3) {
		t.Error("the noise changed the labels")
	}
	// Noise 0.3 moves points by about 0.3 per coordinate: their mean
	// squared distance from the clean points is 0.09 (±10% for 512
	// coordinates drawn from a Gaussian).
	d := 0.0
	for i := range x0 {
		d += (x3[i] - x0[i]) * (x3[i] - x0[i])
	}
	if d /= float64(len(x0)); math.Abs(d-0.09) > 0.015 {
		t.Errorf("mean squared move %v with noise 0.3, want about 0.09", d)
	}
	for _, bad := range []string{"-0.1", "0.6", "x"} {
		if _, e := MLPOptions.Configure(map[string]string{"noise": bad}); e == nil || e.Field != "noise" {
			t.Errorf("noise %q: error %v, want one at field noise", bad, e)
		}
	}
}
