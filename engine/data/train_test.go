package data

import (
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/mlp"
	"stepgraph/engine/optim"
)

func TestTrainAndFillFirst(t *testing.T) {
	s, err := Points("clusters", 40, 0.05, 3)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mlp.New(mlp.Config{Inputs: 2, Hidden: []int{8}, Classes: s.Classes, Act: "tanh"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := m.Build(50)
	// FillFirst wraps around the 40 examples: row 45 holds example 5.
	FillFirst(g, s)
	x, y := g.MustNode("x").Value, g.MustNode("y").Value
	for _, r := range []int{0, 39, 45} {
		want := s.Example(r % s.Len())
		if x.At(r, 0) != want[0] || x.At(r, 1) != want[1] || int(y.Data[r]) != s.Y[r%s.Len()] {
			t.Fatalf("FillFirst row %d = %v, %v; want example %d", r, x.Data[2*r:2*r+2], y.Data[r], r%s.Len())
		}
	}
	// 200 Adam steps on four well-separated clusters take the loss from
	// about log(4) to a small fraction of it.
	first, last := Train(g, s, optim.NewAdam(0.05), 200, engine.NewMulberry32(7))
	if !(first > 1 && last < first/4) {
		t.Errorf("Train loss %v -> %v, want it to fall from above 1 to below a quarter", first, last)
	}
}
