package engine_test

import (
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
)

// fanOutGraph builds loss = CE(relu(x W) W2 + relu(x W) , y) where h = relu(xW)
// is used twice, so its gradient is a sum of two contributions.
func fanOutGraph() *engine.Graph {
	g := engine.NewGraph()
	x := g.Input("x", 3, 4)
	x.Value.CopyFrom(gradcheck.Random(1, 1, 3, 4))
	y := g.Input("y", 3)
	copy(y.Value.Data, []float64{0, 2, 1})
	w := g.Param("w", gradcheck.Random(2, 1, 4, 3))
	w2 := g.Param("w2", gradcheck.Random(3, 1, 3, 3))
	h := g.Apply("h", engine.ReLU(), g.Apply("xw", &engine.MatMul{}, x, w))
	hw := g.Apply("hw", &engine.MatMul{}, h, w2)
	z := g.Apply("z", &engine.Add{}, hw, h)
	g.Loss("loss", &engine.CrossEntropy{}, z, y)
	return g
}

func snapshot(g *engine.Graph) (vals, grads [][]float64) {
	for _, n := range g.Nodes {
		vals = append(vals, append([]float64(nil), n.Value.Data...))
		if n.Grad != nil {
			grads = append(grads, append([]float64(nil), n.Grad.Data...))
		} else {
			grads = append(grads, nil)
		}
	}
	return vals, grads
}

// equalBits compares with ==: stepping runs the same code in the same order
// as a full pass, so the results must be identical, not merely close.
func equalBits(t *testing.T, what string, got, want [][]float64) {
	t.Helper()
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("%s: node %d has %d values, want %d", what, i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("%s: node %d [%d] = %v, want %v", what, i, j, got[i][j], want[i][j])
			}
		}
	}
}

func TestStepperMatchesFullPass(t *testing.T) {
	g := fanOutGraph()
	g.Forward()
	g.Backward()
	wantV, wantG := snapshot(g)

	g2 := fanOutGraph()
	s := engine.NewStepper(g2)
	if s.Total() != 2*5+1 {
		t.Fatalf("Total() = %d, want 11 (5 op nodes forward, the seed, 5 backward)", s.Total())
	}
	for !s.Done() {
		s.Next()
	}
	gotV, gotG := snapshot(g2)
	equalBits(t, "stepped", gotV, wantV)
	equalBits(t, "stepped grads", gotG, wantG)

	// Back in time over backward steps and the seed, then forward again:
	// same results.
	for i := 0; i < 8; i++ {
		s.Undo()
	}
	if s.Pos() != 3 || s.Phase() != engine.PhaseForward {
		t.Fatalf("after 8 undos Pos() = %d phase %v, want 3 forward", s.Pos(), s.Phase())
	}
	s.RunToEnd()
	gotV, gotG = snapshot(g2)
	equalBits(t, "replayed", gotV, wantV)
	equalBits(t, "replayed grads", gotG, wantG)
}

func TestStepperShowsAccumulation(t *testing.T) {
	g := fanOutGraph()
	s := engine.NewStepper(g)
	s.RunForward()
	h := g.MustNode("h")
	var writes []engine.GradWrite
	var order []string
	if ev := s.NextBackward(); !ev.Seed || ev.Name != "loss" || ev.Phase != engine.PhaseBackward {
		t.Fatalf("first backward step = %+v, want the seed of the loss", ev)
	}
	for !s.Done() {
		ev := s.NextBackward()
		order = append(order, ev.Name)
		for _, w := range ev.Writes {
			if w.Node == h.ID {
				writes = append(writes, w)
			}
		}
	}
	wantOrder := []string{"loss", "z", "hw", "h", "xw"}
	for i := range wantOrder {
		if order[i] != wantOrder[i] {
			t.Fatalf("backward order = %v, want %v", order, wantOrder)
		}
	}
	// h feeds hw and z: first z adds to it, then hw accumulates (+=).
	if len(writes) != 2 || writes[0].Accumulated() || !writes[1].Accumulated() || writes[1].Count != 2 || writes[1].Users != 2 {
		t.Fatalf("writes into h = %+v, want a first write then an accumulation of 2 users", writes)
	}
	if !s.GradKnown(g.MustNode("w")) || !s.GradKnown(h) {
		t.Errorf("GradKnown false at the end of the backward pass")
	}
}

// TestStepperSeedStep checks the end of the forward pass and the seed:
// once the loss is computed the cursor is still in the forward pass and
// no gradient is known, dL/dL is 0; the next step is the seed, the first
// of the backward pass, after which dL/dL = 1 and the loss's gradient is
// known, and nothing else is.
func TestStepperSeedStep(t *testing.T) {
	g := fanOutGraph()
	s := engine.NewStepper(g)
	loss := g.MustNode("loss")
	ev := s.RunForward()
	if ev.Name != "loss" || ev.Phase != engine.PhaseForward || ev.Seed || s.Phase() != engine.PhaseForward {
		t.Fatalf("last forward step = %+v, phase %v; want the loss, forward", ev, s.Phase())
	}
	if s.GradKnown(loss) || loss.Grad.Data[0] != 0 {
		t.Errorf("at the loss: GradKnown(loss) = %v, dL/dL = %v; want false and 0", s.GradKnown(loss), loss.Grad.Data[0])
	}
	ev = s.Next()
	if !ev.Seed || ev.Name != "loss" || ev.Phase != engine.PhaseBackward || s.Phase() != engine.PhaseBackward || ev.Index != 6 {
		t.Fatalf("step after the loss = %+v, phase %v; want the seed at 6, backward", ev, s.Phase())
	}
	// Exact: the seed writes 1.
	if !s.GradKnown(loss) || loss.Grad.Data[0] != 1 {
		t.Errorf("after the seed: GradKnown(loss) = %v, dL/dL = %v; want true and 1", s.GradKnown(loss), loss.Grad.Data[0])
	}
	for _, n := range g.Nodes {
		if n != loss && s.GradKnown(n) {
			t.Errorf("after the seed, GradKnown(%s) = true; only the loss's gradient is known", n.Name)
		}
	}
	if ev := s.Undo(); ev.Seed || ev.Name != "loss" || ev.Phase != engine.PhaseForward || loss.Grad.Data[0] != 0 {
		t.Errorf("Undo of the seed = %+v, dL/dL = %v; want the loss's forward step and 0", ev, loss.Grad.Data[0])
	}
}

func TestStepperBackAndSeek(t *testing.T) {
	g := fanOutGraph()
	s := engine.NewStepper(g)
	ev := s.Next()
	if ev.Index != 1 || ev.Name != "xw" || ev.Phase != engine.PhaseForward {
		t.Fatalf("first step = %+v, want xw forward at index 1", ev)
	}
	ev = s.Undo()
	if ev.Index != 0 || ev.Node != -1 || s.Pos() != 0 {
		t.Fatalf("Back() = %+v, want the start", ev)
	}
	ev = s.Seek(8)
	if ev.Index != 8 || ev.Phase != engine.PhaseBackward || ev.Name != "z" {
		t.Fatalf("Seek(8) = %+v, want z backward at 8 (5 forward, the seed, then loss and z)", ev)
	}
	if !s.ForwardDone(g.MustNode("loss")) {
		t.Errorf("ForwardDone(loss) = false after the forward pass")
	}
	ev = s.Reset()
	if s.Pos() != 0 || ev.Index != 0 || s.ForwardDone(g.MustNode("xw")) {
		t.Fatalf("Reset left pos %d", s.Pos())
	}
	for _, n := range g.Nodes {
		if n.Grad != nil && n.Grad.Stats().Norm != 0 {
			t.Fatalf("Reset left a gradient in %s", n.Name)
		}
	}
}
