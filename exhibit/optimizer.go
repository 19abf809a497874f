package exhibit

import (
	"fmt"
	"strings"

	"stepgraph/engine"
	"stepgraph/engine/optim"
)

// Optimizing is an exhibit whose learner may take its optimizer's steps
// one at a time, on the stepped example: step, look, step.
type Optimizing interface {
	// OptimizerStep takes one step of the exhibit's optimizer with the
	// gradient of the stepped example (or batch), and reports what it did
	// to the parameter called param ("" for the highlighted node when it
	// is a parameter, else the graph's first parameter). When the cursor
	// is not at the end of the timeline, it first runs the rest of the
	// backward pass, so that the gradient is complete. The step updates
	// every parameter, as a training step does; afterwards the stepped run
	// is recomputed with the new weights, up to the end, and the
	// parameter is highlighted. A name the graph does not have is
	// UnknownNode, a node that is not a trained parameter BadValue; then
	// nothing changes.
	OptimizerStep(param string) (*OptimizerStep, *Error)
}

// OptimizerStep is what one optimizer step did to one parameter. Every
// map is a copy, with the parameter's axes.
type OptimizerStep struct {
	Param     string  // the parameter's node name
	Optimizer string  // "adam" or "sgd"
	LR        float64 // the learning rate
	T         int     // the optimizer's steps so far, this one and training's included
	// RanBackward says the cursor was not at the end of the timeline:
	// the step first ran the rest of the run, so that every gradient was
	// complete.
	RanBackward bool
	// LossBefore and LossAfter are the stepped example's loss at the old
	// weights (whose gradient the step used) and at the new ones.
	LossBefore, LossAfter float64

	Before, Grad, Delta, After Map // W, ∂L/∂W, ΔW = after - before, W after

	// Adam: the moments after the step, their bias-corrected values, and
	// the size of each entry's step, lr·m̂/(√v̂+ε) (ΔW is minus it).
	Beta1, Beta2, Eps          float64
	M, V, MHat, VHat, StepSize *Map
	// SGD with momentum: the velocity after the step (ΔW = -lr·velocity).
	Momentum float64
	Velocity *Map
}

// optimizerStep is OptimizerStep for an exhibit ex that steps with opt.
func optimizerStep(ex Exhibit, opt optim.Optimizer, param string) (*OptimizerStep, *Error) {
	s := ex.Stepping()
	p, e := optimizedParam(s, param)
	if e != nil {
		return nil, e
	}
	out := &OptimizerStep{Param: p.Name, Optimizer: opt.Name(), RanBackward: !s.st.Done()}
	if out.RanBackward {
		s.RunToEnd()
	}
	loss := s.g.LossNode()
	out.LossBefore = loss.Value.Data[0]
	before, grad := p.Value.Clone(), p.Grad.Clone()

	opt.Step(s.g.Params())

	after := p.Value.Clone()
	delta := after.Clone()
	for i := range delta.Data {
		delta.Data[i] -= before.Data[i]
	}
	s.highlight = p.ID
	s.Replay() // the new weights' run, to the end: its gradient is the next step's
	out.LossAfter = loss.Value.Data[0]

	axes := MapOf(ex, p, false)
	mapOf := func(t *engine.Tensor) Map { return Map{Tensor: t, Rows: axes.Rows, Cols: axes.Cols} }
	maybe := func(d []float64) *Map {
		if d == nil {
			return nil
		}
		m := mapOf(engine.FromData(d, p.Shape...))
		return &m
	}
	out.Before, out.Grad, out.Delta, out.After = mapOf(before), mapOf(grad), mapOf(delta), mapOf(after)
	st := opt.State(p.Value)
	out.LR, out.T = st.LR, st.T
	switch st.Name {
	case "adam":
		mHat, vHat, size := st.Corrected()
		out.Beta1, out.Beta2, out.Eps = st.Beta1, st.Beta2, st.Eps
		out.M, out.V, out.MHat, out.VHat, out.StepSize = maybe(st.M), maybe(st.V), maybe(mHat), maybe(vHat), maybe(size)
	case "sgd":
		out.Momentum, out.Velocity = st.Momentum, maybe(st.Velocity)
	}
	return out, nil
}

// optimizedParam returns the parameter an optimizer step shows: the node
// called name, or without a name the highlighted node if it is a trained
// parameter, else the graph's first.
func optimizedParam(s *Stepping, name string) (*engine.Node, *Error) {
	trained := func(n *engine.Node) bool { return n.Kind == engine.KindParam && n.Grad != nil }
	if name == "" {
		if n := s.Highlight(); n != nil && trained(n) {
			return n, nil
		}
		for _, n := range s.g.Params() {
			if trained(n) {
				return n, nil
			}
		}
		return nil, Errorf(Unsupported, "this graph has no parameter that trains")
	}
	n := s.g.Node(name)
	if n == nil {
		return nil, Errorf(UnknownNode, "no node %q in this graph", name)
	}
	if !trained(n) {
		return nil, Errorf(BadValue, "node %q is %s, not a parameter: the optimizer updates parameters only (such as %s)", name, whatNode(n), firstParams(s.g, 3))
	}
	return n, nil
}

// whatNode says what kind of node n is, for a refusal.
func whatNode(n *engine.Node) string {
	switch {
	case n.Kind == engine.KindInput:
		return "an input"
	case n.Kind == engine.KindParam:
		return "a frozen parameter, which takes no gradient,"
	case n.Op != nil:
		return fmt.Sprintf("computed by %s", n.Info().Name)
	}
	return "not a parameter"
}

// firstParams names up to k trained parameters of g.
func firstParams(g *engine.Graph, k int) string {
	var names []string
	for _, n := range g.Params() {
		if n.Grad != nil && len(names) < k {
			names = append(names, n.Name)
		}
	}
	return strings.Join(names, ", ")
}

// OptimizerStep implements Optimizing. The weights are no longer the
// seed's.
func (l *Lab) OptimizerStep(param string) (*OptimizerStep, *Error) {
	if e := l.notQuantized("step the optimizer"); e != nil {
		return nil, e
	}
	l.lm.own()
	out, e := optimizerStep(l, l.opt, param)
	if e == nil {
		l.fresh = false
	}
	return out, e
}

// OptimizerStep implements Optimizing for the mlp and cnn kinds.
func (c *classifier) OptimizerStep(param string) (*OptimizerStep, *Error) {
	ex, ok := c.kind.(Exhibit)
	if !ok {
		return nil, Errorf(Internal, "exhibit: a classifier kind that is no exhibit")
	}
	out, e := optimizerStep(ex, c.opt, param)
	if e == nil {
		c.fresh = false
	}
	return out, e
}

// OptimizerStep implements Optimizing.
func (a *Attention) OptimizerStep(param string) (*OptimizerStep, *Error) {
	return optimizerStep(a, a.opt, param)
}
