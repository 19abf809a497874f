package exhibit

import (
	"hash/fnv"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
	"stepgraph/engine/quant"
)

// The gradient check of the stepped graph, at the cursor: for a node whose
// gradient the backward pass has completed, the gradient autograd computed
// against central differences of the loss, in float64, at some of the
// node's entries (engine/gradcheck). Each entry costs two forward passes
// of the ops after the node, so the work is capped.
const (
	// MaxCheckEntries is the most entries a check of one node looks at: a
	// node with more is checked at a seeded sample of that many.
	MaxCheckEntries = 64
	// MaxCheckPasses is the most forward passes one check request runs,
	// two an entry: a check of every parameter shares them out, at most
	// MaxCheckEntries a parameter and at least one.
	MaxCheckPasses = 4096
)

// GradCheckTolerance is the largest relative error of an entry that
// matches (engine/gradcheck's Tolerance).
const GradCheckTolerance = gradcheck.Tolerance

// GradCheck is the check of one node's gradient: the engine's report (the
// node, its size, the entries checked with autograd, numeric and their
// relative error, the worst), and how the entries were chosen.
type GradCheck struct {
	gradcheck.Report
	Kind      string  // the node's kind: "parameter", "op", "loss"
	Shape     []int   // the node's shape
	Sampled   bool    // a seeded sample of the entries, not all of them
	Seed      uint32  // the sample's seed (checkSeed of the name)
	Tolerance float64 // the largest relative error that matches
}

// Match reports whether every checked entry is within the tolerance.
func (c GradCheck) Match() bool { return c.Report.Match() }

// CheckGradient checks the gradient of node name at the cursor at up to
// max entries (all of a node that has no more, else a seeded sample). The
// node's gradient must be complete (Stepper.GradKnown). It leaves every
// value and gradient of the graph as it was. An unknown node is
// UnknownNode; a node that takes no gradient, or whose gradient is not
// complete yet, is NoGradient; a graph that calibrates (observes) is
// Unsupported.
func (s *Stepping) CheckGradient(name string, max int) (GradCheck, *Error) {
	if e := s.Checkable(name); e != nil {
		return GradCheck{}, e
	}
	n := s.g.Node(name)
	if max < 1 {
		panic("exhibit: CheckGradient with no entries to check")
	}
	max = min(max, MaxCheckEntries)
	size, seed := n.Value.Size(), checkSeed(n.Name)
	if s.beforeWrite != nil {
		s.beforeWrite() // the check nudges values in place, a parameter's too
	}
	r := gradcheck.Node(s.g, n, gradcheck.Sample(size, max, seed), gradcheck.Step)
	return GradCheck{
		Report: r, Kind: n.Kind.String(), Shape: append([]int(nil), n.Shape...),
		Sampled: size > max, Seed: seed, Tolerance: gradcheck.Tolerance,
	}, nil
}

// Checkable reports why a check of node name's gradient at the cursor
// is refused, with a reason for the learner, or nil when its gradient is
// complete: UnknownNode, NoGradient, or Unsupported for a graph whose
// forward pass moves observers.
func (s *Stepping) Checkable(name string) *Error {
	n := s.g.Node(name)
	if n == nil {
		return Errorf(UnknownNode, "no node %q in this graph", name)
	}
	st := s.st
	switch {
	case observes(s.g):
		return Errorf(Unsupported, "this graph calibrates: each forward pass moves its observers' ranges, so a check, which runs the graph again and again, would change them; check the float or the integer graph instead")
	case n.Grad == nil && n.Kind == engine.KindInput:
		return Errorf(NoGradient, "%q is an input (data fed in from outside, such as token ids): it takes no gradient, so there is nothing to check", n.Name)
	case n.Grad == nil:
		return Errorf(NoGradient, "no gradient flows into %q: nothing it depends on is learned, so there is nothing to check", n.Name)
	case st.GradKnown(n):
		return nil
	case st.Phase() == engine.PhaseForward:
		return Errorf(NoGradient, "the gradient of %q is not computed yet: run the forward pass and the backward pass until it is complete, then check it", n.Name)
	case n == s.g.LossNode():
		return Errorf(NoGradient, "the gradient of %q is not complete yet", n.Name)
	}
	return Errorf(NoGradient, "the gradient of %q is not complete yet: %d of the %d nodes that read it have added their parts; step the backward pass on", n.Name, st.Contributions(n), len(n.Users))
}

// CheckPlan is what a check of every parameter looks at: the parameters
// that take a gradient, in graph order, and the entries checked of each.
type CheckPlan struct {
	Params  []string
	Entries int // at most this many entries of each parameter
}

// PlanParamCheck returns the plan of a check of every parameter at the
// cursor, or NoGradient when a parameter's gradient is not complete yet
// (the backward pass must have reached every one). The entries of each are
// MaxCheckPasses shared out, two passes an entry, at most MaxCheckEntries.
func (s *Stepping) PlanParamCheck() (CheckPlan, *Error) {
	var p CheckPlan
	var pending []string
	for _, n := range s.g.Params() {
		switch {
		case n.Grad == nil: // frozen, a teacher's weight: no gradient to check
		case s.st.GradKnown(n):
			p.Params = append(p.Params, n.Name)
		default:
			pending = append(pending, n.Name)
		}
	}
	if len(pending) > 0 {
		return CheckPlan{}, Errorf(NoGradient, "the gradients of %d of the %d parameters are not complete yet (%q first): run the backward pass to its end, then check every parameter", len(pending), len(pending)+len(p.Params), pending[0])
	}
	if len(p.Params) == 0 {
		return CheckPlan{}, Errorf(NoGradient, "this graph has no parameter that takes a gradient")
	}
	p.Entries = ParamEntries(len(p.Params))
	return p, nil
}

// ParamEntries returns the entries of each parameter a check of params
// parameters looks at: MaxCheckPasses forward passes shared out, two an
// entry, at most MaxCheckEntries and at least one.
func ParamEntries(params int) int {
	return max(1, min(MaxCheckEntries, MaxCheckPasses/2/max(params, 1)))
}

// observes reports whether running g forward changes more than its values:
// an observer of static quantization's calibration, or a fake-quant node
// that observes its ranges, records every pass.
func observes(g *engine.Graph) bool {
	for _, n := range g.Nodes {
		switch op := n.Op.(type) {
		case *quant.Observe:
			return true
		case *engine.FakeQuant:
			if a, ok := op.Q.(*quant.ActQuantizer); ok && a.Observing {
				return true
			}
		}
	}
	return false
}

// checkSeed is the seed of the sample of node name's entries: FNV-1a of
// the name, so that checking a node again looks at the same entries.
func checkSeed(name string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32()
}
