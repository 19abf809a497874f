package exhibit

import (
	"math"
	"slices"
	"testing"

	"stepgraph/engine/optim"
)

// closeTo reports whether a and b agree to 1e-12 relative (absolute near
// 0): the expected values repeat the optimizer's float64 arithmetic, so
// only the order of a few operations may differ.
func closeTo(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// gradAtEnd runs ex's stepped run to the end and returns copies of the
// value and the gradient of its parameter name.
func gradAtEnd(ex Exhibit, name string) (w, g []float64) {
	s := ex.Stepping()
	s.RunToEnd()
	p := s.Graph().MustNode(name)
	return slices.Clone(p.Value.Data), slices.Clone(p.Grad.Data)
}

// TestOptimizerStepPlainSGD checks ΔW = -lr·g on the lab with SGD
// without momentum, for the parameter shown and for another one the same
// step moved, and that the run is recomputed at the end with the new
// weights, the parameter highlighted.
func TestOptimizerStepPlainSGD(t *testing.T) {
	const lr = 0.01
	l := build[*Lab](t, "lab", map[string]string{"opt": "sgd", "lr": "0.01"})
	l.opt = &optim.SGD{LR: lr} // momentum 0: plain SGD (the lab's own has 0.9)
	w, g := gradAtEnd(l, "layers.0.attn.wq")
	w2, g2 := gradAtEnd(l, "head.b")
	step, e := l.OptimizerStep("layers.0.attn.wq")
	if e != nil {
		t.Fatalf("OptimizerStep = %v", e)
	}
	if step.RanBackward || step.Optimizer != "sgd" || step.LR != lr || step.T != 1 || step.Param != "layers.0.attn.wq" {
		t.Errorf("OptimizerStep = %+v, want sgd at lr %v, t 1, without running the backward pass", step, lr)
	}
	for i := range g {
		if got := step.Delta.Tensor.Data[i]; !closeTo(got, -lr*g[i]) {
			t.Fatalf("ΔW[%d] = %v, want -lr·g = %v", i, got, -lr*g[i])
		}
		if step.Before.Tensor.Data[i] != w[i] || step.Grad.Tensor.Data[i] != g[i] || !closeTo(step.After.Tensor.Data[i], w[i]-lr*g[i]) {
			t.Fatalf("entry %d: before %v grad %v after %v, want %v, %v, %v", i, step.Before.Tensor.Data[i], step.Grad.Tensor.Data[i], step.After.Tensor.Data[i], w[i], g[i], w[i]-lr*g[i])
		}
		if !closeTo(step.Velocity.Tensor.Data[i], g[i]) { // momentum 0: v = g
			t.Fatalf("velocity[%d] = %v, want g = %v", i, step.Velocity.Tensor.Data[i], g[i])
		}
	}
	if step.M != nil || step.V != nil {
		t.Errorf("SGD's step has Adam's moments: %+v", step)
	}
	hb := l.lm.model.Params["head.b"].Data
	for i := range g2 {
		if !closeTo(hb[i]-w2[i], -lr*g2[i]) {
			t.Errorf("head.b moved by %v, want -lr·g = %v: one step updates every parameter", hb[i]-w2[i], -lr*g2[i])
		}
	}
	s := l.Stepping()
	if !s.Stepper().Done() || s.Highlight().Name != "layers.0.attn.wq" {
		t.Errorf("after the step: cursor done %v, highlight %v; want the end, the parameter", s.Stepper().Done(), s.Highlight())
	}
	if got := s.Graph().LossNode().Value.Data[0]; got != step.LossAfter || !(step.LossAfter < step.LossBefore) {
		t.Errorf("loss %v -> %v (graph %v): a small step down the gradient of this example lowers its loss", step.LossBefore, step.LossAfter, got)
	}
	// The stepped graph's gradient is now the new weights' gradient: the
	// next step takes it.
	p := s.Graph().MustNode("layers.0.attn.wq")
	if slices.Equal(p.Grad.Data, g) {
		t.Errorf("the gradient after the step is the old one: the run was not recomputed")
	}
}

// TestOptimizerStepAdamByHand takes two Adam steps on the mlp, from a
// cursor at the start (the step runs the backward pass first), and
// checks m, v, m̂, v̂, the step size and ΔW against the formula computed
// here from the gradients.
func TestOptimizerStepAdamByHand(t *testing.T) {
	const lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-8 // the mlp's default lr, Adam's usual constants
	opts := map[string]string{"hidden": "3", "optimizer": "adam", "lr": "0.05"}
	m := build[*MLP](t, "mlp", opts)
	// The gradient at the seed's weights, from a twin built with the same
	// options: the exhibit's own cursor stays at the start.
	w, g := gradAtEnd(build[*MLP](t, "mlp", opts), "layers.0.w")
	mom, vel := make([]float64, len(g)), make([]float64, len(g))
	for k := 1; k <= 2; k++ {
		step, e := m.OptimizerStep("layers.0.w")
		if e != nil {
			t.Fatalf("step %d: %v", k, e)
		}
		if step.RanBackward != (k == 1) || step.T != k || step.Optimizer != "adam" {
			t.Errorf("step %d = ran backward %v, t %d, %s; want %v, %d, adam", k, step.RanBackward, step.T, step.Optimizer, k == 1, k)
		}
		if step.Beta1 != b1 || step.Beta2 != b2 || step.Eps != eps || step.LR != lr {
			t.Errorf("step %d constants = %v %v %v lr %v", k, step.Beta1, step.Beta2, step.Eps, step.LR)
		}
		for i := range g {
			if !closeTo(step.Grad.Tensor.Data[i], g[i]) || !closeTo(step.Before.Tensor.Data[i], w[i]) {
				t.Fatalf("step %d: entry %d's W, g = %v, %v; want %v, %v", k, i, step.Before.Tensor.Data[i], step.Grad.Tensor.Data[i], w[i], g[i])
			}
			mom[i] = b1*mom[i] + (1-b1)*g[i]
			vel[i] = b2*vel[i] + (1-b2)*g[i]*g[i]
			mHat := mom[i] / (1 - math.Pow(b1, float64(k)))
			vHat := vel[i] / (1 - math.Pow(b2, float64(k)))
			size := lr * mHat / (math.Sqrt(vHat) + eps)
			for _, c := range []struct {
				what      string
				got, want float64
			}{
				{"m", step.M.Tensor.Data[i], mom[i]}, {"v", step.V.Tensor.Data[i], vel[i]},
				{"m̂", step.MHat.Tensor.Data[i], mHat}, {"v̂", step.VHat.Tensor.Data[i], vHat},
				{"step size", step.StepSize.Tensor.Data[i], size},
				{"ΔW", step.Delta.Tensor.Data[i], -size}, {"W after", step.After.Tensor.Data[i], w[i] - size},
			} {
				// ΔW and W after are the difference of two weights: as
				// close as float64 subtraction of numbers near 1 allows.
				if !closeTo(c.got, c.want) && math.Abs(c.got-c.want) > 1e-15 {
					t.Errorf("step %d: %s[%d] = %v, want %v", k, c.what, i, c.got, c.want)
				}
			}
		}
		if step.Velocity != nil {
			t.Errorf("Adam's step has SGD's velocity")
		}
		// The next step starts from this one's weights and the gradient
		// of the recomputed run.
		p := m.Stepping().Graph().MustNode("layers.0.w")
		w, g = slices.Clone(p.Value.Data), slices.Clone(p.Grad.Data)
	}
	if m.fresh {
		t.Errorf("after optimizer steps the mlp still reports the seed's untrained scores")
	}
}

// TestOptimizerStepParamChoice checks the parameter a step shows without
// a name: the highlighted node when it is a parameter, else the first.
func TestOptimizerStepParamChoice(t *testing.T) {
	m := build[*MLP](t, "mlp", nil)
	if step, _ := m.OptimizerStep(""); step.Param != "layers.0.w" {
		t.Errorf("with nothing highlighted, the step shows %q, want the first parameter layers.0.w", step.Param)
	}
	m.Stepping().Select("layers.1.b")
	if step, _ := m.OptimizerStep(""); step.Param != "layers.1.b" {
		t.Errorf("with layers.1.b in the inspector, the step shows %q", step.Param)
	}
	m.Stepping().Select("x")
	if step, _ := m.OptimizerStep(""); step.Param != "layers.0.w" {
		t.Errorf("with an input in the inspector, the step shows %q, want the first parameter", step.Param)
	}
}

// TestOptimizerStepRefusals checks that a name the graph lacks, or a node
// that is not a parameter, is refused and changes nothing.
func TestOptimizerStepRefusals(t *testing.T) {
	l := build[*Lab](t, "lab", nil)
	l.Stepping().Next(3)
	wq := slices.Clone(l.lm.model.Params["layers.0.attn.wq"].Data)
	for _, c := range []struct {
		name string
		code Code
	}{{"nope", UnknownNode}, {"input_ids", BadValue}, {"layers.0.attn.q", BadValue}, {"loss", BadValue}} {
		if l.Stepping().Graph().Node(c.name) == nil && c.code != UnknownNode {
			t.Fatalf("the lab has no node %q to test with", c.name)
		}
		_, e := l.OptimizerStep(c.name)
		if e == nil || e.Code != c.code || e.Message == "" {
			t.Errorf("OptimizerStep(%q) = %v, want code %v with a reason", c.name, e, c.code)
		}
	}
	if pos := l.Stepping().Stepper().Pos(); pos != 3 || !slices.Equal(wq, l.lm.model.Params["layers.0.attn.wq"].Data) || l.opt.State(l.lm.model.Params["layers.0.attn.wq"]).T != 0 {
		t.Errorf("a refused step moved the cursor (to %d) or the weights", pos)
	}
}

// TestOptimizingKinds lists the kinds that take optimizer steps: those
// that train with an optimizer on request.
func TestOptimizingKinds(t *testing.T) {
	for _, k := range Kinds {
		ex, e := k.Build(nil)
		if e != nil {
			t.Fatal(e)
		}
		_, ok := ex.(Optimizing)
		_, trains := ex.(Trainer)
		// distill trains two students at once, and quant's live QAT run two
		// copies of the model beside the stepped graph: no one optimizer
		// of the stepped model to show.
		want := trains && k.Name() != "distill" && k.Name() != "quant"
		if ok != want {
			t.Errorf("%s: Optimizing = %v, want %v", k.Name(), ok, want)
		}
	}
}
