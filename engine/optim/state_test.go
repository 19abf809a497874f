package optim

import (
	"math"
	"testing"

	"stepgraph/engine"
)

// near reports whether a and b agree to 1e-12 relative (or absolute near
// 0): the formulas below are the optimizers' own arithmetic, so only the
// order of a few float64 operations may differ.
func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// tinyParam returns a graph's parameter w of 3 entries with gradient g.
func tinyParam(w, g []float64) *engine.Node {
	p := engine.NewGraph().Param("w", engine.FromData(append([]float64{}, w...), len(w)))
	copy(p.Grad.Data, g)
	return p
}

// TestSGDWithoutMomentumStepsMinusLRTimesG checks ΔW = -lr g for plain
// SGD, step after step, and that its state says so.
func TestSGDWithoutMomentumStepsMinusLRTimesG(t *testing.T) {
	w0 := []float64{0.5, -1, 2}
	grads := [][]float64{{0.1, -0.2, 0.3}, {-0.4, 0, 1.5}}
	const lr = 0.1
	p := tinyParam(w0, grads[0])
	opt := &SGD{LR: lr}
	for step, g := range grads {
		copy(p.Grad.Data, g)
		before := append([]float64{}, p.Value.Data...)
		opt.Step([]*engine.Node{p})
		for i := range g {
			if got, want := p.Value.Data[i]-before[i], -lr*g[i]; !near(got, want) {
				t.Errorf("step %d: ΔW[%d] = %v, want -lr·g = %v", step+1, i, got, want)
			}
		}
		st := opt.State(p.Value)
		if st.T != step+1 || st.Name != "sgd" || st.LR != lr {
			t.Errorf("State after step %d = %+v, want t %d, sgd, lr %v", step+1, st, step+1, lr)
		}
		for i := range g {
			if !near(st.Velocity[i], g[i]) { // momentum 0: v = g
				t.Errorf("step %d: velocity[%d] = %v, want %v", step+1, i, st.Velocity[i], g[i])
			}
		}
	}
}

// TestSGDMomentumVelocity checks v = mu v + g and ΔW = -lr v over two steps.
func TestSGDMomentumVelocity(t *testing.T) {
	g1, g2 := []float64{0.1, -0.2, 0.3}, []float64{0.5, 0.5, -1}
	const lr, mu = 0.05, 0.9
	p := tinyParam([]float64{1, 2, 3}, g1)
	opt := &SGD{LR: lr, Momentum: mu}
	opt.Step([]*engine.Node{p})
	copy(p.Grad.Data, g2)
	before := append([]float64{}, p.Value.Data...)
	opt.Step([]*engine.Node{p})
	v := opt.State(p.Value).Velocity
	for i := range g2 {
		wantV := mu*g1[i] + g2[i]
		if !near(v[i], wantV) {
			t.Errorf("velocity[%d] = %v, want mu·g1 + g2 = %v", i, v[i], wantV)
		}
		if got := p.Value.Data[i] - before[i]; !near(got, -lr*wantV) {
			t.Errorf("ΔW[%d] = %v, want -lr·v = %v", i, got, -lr*wantV)
		}
	}
}

// TestAdamMatchesAHandComputedStep computes two steps of Adam on a tiny
// parameter from the formula, with the usual constants written out, and
// checks the optimizer's m, v, the bias-corrected moments, the step size
// and ΔW against them.
func TestAdamMatchesAHandComputedStep(t *testing.T) {
	const lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
	w := []float64{0.5, -1, 2}
	grads := [][]float64{{0.1, -0.2, 3}, {-0.05, -0.2, 0}}
	p := tinyParam(w, grads[0])
	opt := NewAdam(lr)
	m, v := make([]float64, 3), make([]float64, 3)
	for step, g := range grads {
		tt := float64(step + 1)
		copy(p.Grad.Data, g)
		before := append([]float64{}, p.Value.Data...)
		opt.Step([]*engine.Node{p})
		st := opt.State(p.Value)
		mHat, vHat, size := st.Corrected()
		if st.T != step+1 || st.Name != "adam" || st.Beta1 != b1 || st.Beta2 != b2 || st.Eps != eps {
			t.Fatalf("State after step %d = %+v", step+1, st)
		}
		for i := range g {
			m[i] = b1*m[i] + (1-b1)*g[i]
			v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
			mh := m[i] / (1 - math.Pow(b1, tt))
			vh := v[i] / (1 - math.Pow(b2, tt))
			dw := -lr * mh / (math.Sqrt(vh) + eps)
			for _, c := range []struct {
				what      string
				got, want float64
			}{
				{"m", st.M[i], m[i]}, {"v", st.V[i], v[i]}, {"m̂", mHat[i], mh}, {"v̂", vHat[i], vh},
				{"step size", size[i], -dw}, {"ΔW", p.Value.Data[i] - before[i], dw},
			} {
				if !near(c.got, c.want) {
					t.Errorf("step %d: %s[%d] = %v, want %v", step+1, c.what, i, c.got, c.want)
				}
			}
		}
	}
	// At t = 1, m̂ = g and v̂ = g², so every entry with a gradient moved by
	// about lr, whatever the gradient's size: Adam's first step.
	if got := w[2] - p.Value.Data[2]; math.Abs(got) > 2*lr {
		t.Errorf("w[2] moved by %v over two steps, want at most 2 lr", got)
	}
}

// TestStateIsACopy checks that reading the state does not expose the
// optimizer's own slices.
func TestStateIsACopy(t *testing.T) {
	p := tinyParam([]float64{1, 2, 3}, []float64{1, 1, 1})
	opt := NewAdam(0.1)
	opt.Step([]*engine.Node{p})
	st := opt.State(p.Value)
	st.M[0], st.V[0] = 99, 99
	if again := opt.State(p.Value); again.M[0] == 99 || again.V[0] == 99 {
		t.Errorf("State returned the optimizer's own moments: %+v", again)
	}
	if none := opt.State(engine.New(3)); none.M != nil {
		t.Errorf("State of a parameter never stepped = %+v, want no moments", none)
	}
}
