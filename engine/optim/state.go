package optim

import (
	"math"
	"slices"

	"stepgraph/engine"
)

// State is a copy of an optimizer's state for one parameter, for a reader
// who wants to see what the optimizer keeps between steps. The slices are
// row-major like the parameter's value, and nil before the parameter's
// first step.
type State struct {
	Name string  // "sgd" or "adam"
	LR   float64 // the learning rate
	T    int     // steps taken, each a Step call

	// SGD with momentum: v = mu v + g, w = w - lr v.
	Momentum float64
	Velocity []float64

	// Adam: m and v after the last step, and the constants of its update.
	Beta1, Beta2, Eps float64
	M, V              []float64
}

// State implements Optimizer.
func (o *SGD) State(w *engine.Tensor) State {
	return State{Name: o.Name(), LR: o.LR, T: o.t, Momentum: o.Momentum, Velocity: slices.Clone(o.v[w])}
}

// State implements Optimizer.
func (o *Adam) State(w *engine.Tensor) State {
	return State{Name: o.Name(), LR: o.LR, T: o.t, Beta1: o.Beta1, Beta2: o.Beta2, Eps: o.Eps, M: slices.Clone(o.m[w]), V: slices.Clone(o.v[w])}
}

// Corrected returns Adam's bias-corrected moments of s and the step each
// entry took, as Step computes them after t steps:
//
//	m̂ = m / (1 - b1^t) ;  v̂ = v / (1 - b2^t) ;  step = lr m̂ / (sqrt(v̂) + eps)
//
// so that the update was w -= step. It returns nils for a state without
// moments (SGD, or before the first step).
func (s State) Corrected() (mHat, vHat, step []float64) {
	if s.M == nil || s.T == 0 {
		return nil, nil, nil
	}
	c1 := 1 - math.Pow(s.Beta1, float64(s.T))
	c2 := 1 - math.Pow(s.Beta2, float64(s.T))
	mHat, vHat, step = make([]float64, len(s.M)), make([]float64, len(s.M)), make([]float64, len(s.M))
	for i := range s.M {
		mHat[i] = s.M[i] / c1
		vHat[i] = s.V[i] / c2
		step[i] = s.LR * mHat[i] / (math.Sqrt(vHat[i]) + s.Eps)
	}
	return mHat, vHat, step
}
