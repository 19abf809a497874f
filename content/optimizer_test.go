package content_test

import (
	"math"
	"testing"

	"stepgraph/exhibit"
)

// TestOptimizerStepClaims checks what the MLP and transformer lessons say
// of the optimizer's step, on the exhibits their widget block and their
// Lab link run: Adam's first step moves every entry with a gradient by
// almost exactly lr; SGD's first step is exactly -lr·g (the velocity
// starts at zero); a step lowers the stepped points' loss; and in the Lab,
// only the rows of tok_emb that the example reads move.
func TestOptimizerStepClaims(t *testing.T) {
	w := lessonWidgets(t, "mlp")[0]
	lr := 0.02 // the widget block's lr
	if w.Options["lr"] != "0.02" {
		t.Fatalf("the mlp lesson's widget has lr %q; the test assumes 0.02", w.Options["lr"])
	}
	for _, name := range []string{"layers.0.w", "layers.1.w", "layers.2.w"} {
		m := buildWidget[exhibit.Exhibit](t, w) // the first step of each
		step, e := m.(exhibit.Optimizing).OptimizerStep(name)
		if e != nil {
			t.Fatal(e)
		}
		for i, g := range step.Grad.Tensor.Data {
			// |ΔW| = lr·|g|/(|g|+ε): within 1e-4 of lr for |g| above 1e-4.
			if d := math.Abs(step.Delta.Tensor.Data[i]); math.Abs(g) > 1e-4 && math.Abs(d-lr) > 1e-4*lr {
				t.Errorf("Adam's first step on %s[%d] (gradient %v) moved it by %v, want almost exactly lr = %v", name, i, g, d, lr)
			}
		}
		if !(step.LossAfter < step.LossBefore) {
			t.Errorf("a step on %s: loss %v -> %v, the lesson says it falls", name, step.LossBefore, step.LossAfter)
		}
	}

	sgd := map[string]string{}
	for k, v := range w.Options {
		sgd[k] = v
	}
	sgd["optimizer"] = "sgd"
	w.Options = sgd
	s := buildWidget[exhibit.Exhibit](t, w)
	step, e := s.(exhibit.Optimizing).OptimizerStep("layers.1.w")
	if e != nil {
		t.Fatal(e)
	}
	for i, g := range step.Grad.Tensor.Data {
		// The subtraction of two weights near 1 leaves ~1e-16 of noise.
		if d := step.Delta.Tensor.Data[i]; math.Abs(d+lr*g) > 1e-15 {
			t.Errorf("SGD's first step on layers.1.w[%d] = %v, want -lr·g = %v", i, d, -lr*g)
		}
	}

	// The transformer lesson's link /lab?opt=sgd&lr=0.1: tok_emb moves on
	// the rows of the tokens the example reads, and only there.
	l := newLab(t, map[string]string{"opt": "sgd", "lr": "0.1"})
	step, e = l.OptimizerStep("tok_emb")
	if e != nil {
		t.Fatal(e)
	}
	read := map[int]bool{}
	for _, id := range l.Stepping().Graph().MustNode("input_ids").Value.Data {
		read[int(id)] = true
	}
	d := step.Delta.Tensor
	for r := range d.Shape[0] {
		moved := false
		for c := range d.Shape[1] {
			moved = moved || d.At(r, c) != 0
		}
		if moved != read[r] {
			t.Errorf("tok_emb row %d moved = %v, the example reads token %d: %v", r, moved, r, read[r])
		}
	}
	if len(read) == d.Shape[0] {
		t.Errorf("the example reads every token: the lesson's point about tok_emb shows nothing")
	}
}
