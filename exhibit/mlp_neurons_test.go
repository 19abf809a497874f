package exhibit

import (
	"math"
	"testing"
)

// TestMLPNeurons checks the maps of the hidden neurons against the engine:
// after some training, with layers.1.act selected, the map of each unit of
// layer 1 holds at a few grid cells the activation the model computes for
// that cell's centre alone, in a graph of one point. With an output node
// selected there are no maps.
func TestMLPNeurons(t *testing.T) {
	m := build[*MLP](t, "mlp", map[string]string{"data": "circle", "hidden": "4,3", "seed": "2"})
	trainSteps(m, 200)
	if e := m.Stepping().Select("logits"); e != nil {
		t.Fatal(e)
	}
	if v := m.Neurons(); v.Layer != -1 || len(v.Units) != 0 {
		t.Errorf("with logits selected: layer %d and %d maps, want -1 and none", v.Layer, len(v.Units))
	}
	for _, name := range []string{"layers.1.act", "layers.1.w", "layers.1.linear"} {
		if e := m.Stepping().Select(name); e != nil {
			t.Fatal(e)
		}
		v := m.Neurons()
		if v.Layer != 1 || v.Node != "layers.1.act" || len(v.Units) != 3 {
			t.Fatalf("with %s selected: layer %d (%s), %d maps; want layer 1 (layers.1.act), 3 maps", name, v.Layer, v.Node, len(v.Units))
		}
	}
	v := m.Neurons()
	one, err := m.model.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	cells := [][2]int{{0, 0}, {0, neuronsGrid - 1}, {neuronsGrid / 2, 3}, {neuronsGrid - 1, neuronsGrid - 1}, {5, 11}}
	for _, rc := range cells {
		x, y := neuronCell(rc[0], rc[1])
		in := one.MustNode("x").Value
		in.Data[0], in.Data[1] = x, y
		one.Forward()
		act := one.MustNode("layers.1.act").Value // [1, 3]
		for j, u := range v.Units {
			got := u.Tensor.At(rc[0], rc[1])
			// The same ops on the same numbers in a batch of 256 or of
			// 1: equal up to the matrix product's order of additions.
			if want := act.Data[j]; math.Abs(got-want) > 1e-12 {
				t.Errorf("unit %d at row %d col %d (%.3f, %.3f): map %v, engine %v", j, rc[0], rc[1], x, y, got, want)
			}
		}
	}
	// The corners: row 0 is the top of the plane, column 0 its left.
	if x, y := neuronCell(0, 0); x >= 0 || y <= 0 {
		t.Errorf("cell (0, 0) at (%v, %v), want the top left", x, y)
	}
}
