package transformer_test

import (
	"math"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/transformer"
)

// sameRun compares every value and gradient of two graphs built alike,
// with ==: stepping runs the very same code in the same order as Forward
// and Backward, so the results must be bit-identical, not merely close.
func sameRun(t *testing.T, when string, want, got *engine.Graph) {
	t.Helper()
	for i, a := range want.Nodes {
		b := got.Nodes[i]
		for k := range a.Value.Data {
			if a.Value.Data[k] != b.Value.Data[k] {
				t.Fatalf("%s: %s value[%d] = %v, want %v", when, b.Name, k, b.Value.Data[k], a.Value.Data[k])
			}
		}
		if (a.Grad == nil) != (b.Grad == nil) {
			t.Fatalf("%s: %s has gradient %v, want %v", when, b.Name, b.Grad != nil, a.Grad != nil)
		}
		if a.Grad == nil {
			continue
		}
		for k := range a.Grad.Data {
			if a.Grad.Data[k] != b.Grad.Data[k] {
				t.Fatalf("%s: %s grad[%d] = %v, want %v", when, b.Name, k, b.Grad.Data[k], a.Grad.Data[k])
			}
		}
	}
}

// TestStepperMatchesForwardBackward steps a transformer graph to the end
// with engine.Stepper and compares it with Graph.Forward plus
// Graph.Backward on a second graph of the same model and batch; then steps
// back (into the backward pass, and further into the forward pass) and
// runs to the end again.
func TestStepperMatchesForwardBackward(t *testing.T) {
	for _, cfg := range []transformer.Config{
		tiny(transformer.Decoder, "gelu_tanh"), tiny(transformer.Encoder, "relu"), tiny(transformer.EncDec, "relu"),
	} {
		t.Run(cfg.Variant, func(t *testing.T) {
			m, err := transformer.New(cfg, 31)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := fedGraph(t, m, 2, 5, srcLen(cfg, 4), 37)
			want.Forward()
			want.Backward()

			g, _ := fedGraph(t, m, 2, 5, srcLen(cfg, 4), 37)
			s := engine.NewStepper(g)
			if ev := s.RunToEnd(); !ev.Done || ev.Index != s.Total() {
				t.Fatalf("RunToEnd() = %+v, want Done at %d", ev, s.Total())
			}
			sameRun(t, "run to end", want, g)

			// Back over 10 backward steps, then forward again.
			for range 10 {
				s.Undo()
			}
			if s.Pos() != s.Total()-10 {
				t.Fatalf("Pos() after 10 Back() = %d, want %d", s.Pos(), s.Total()-10)
			}
			s.RunToEnd()
			sameRun(t, "back 10, run to end", want, g)

			// Back across the start of the backward pass into the forward
			// pass: seek to 3 steps into the backward pass, step back 8.
			half := s.Total() / 2
			s.Seek(half + 3)
			for range 8 {
				s.Undo()
			}
			if s.Pos() != half-5 || s.Phase() != engine.PhaseForward {
				t.Fatalf("after Seek(%d) and 8 Back(): Pos() = %d, Phase() = %v, want %d forward", half+3, s.Pos(), s.Phase(), half-5)
			}
			// Spoil every value the stepper has yet to compute: stepping
			// forward again must recompute each one, not reuse it.
			for _, n := range g.Nodes {
				if !s.ForwardDone(n) {
					for k := range n.Value.Data {
						n.Value.Data[k] = math.NaN()
					}
				}
			}
			s.RunToEnd()
			sameRun(t, "back into forward, run to end", want, g)
		})
	}
}
