package exhibit

import "stepgraph/engine"

// Stepping is what every exhibit steps: a graph, a stepper over it, the
// event of the last step and the node the learner looks at. The cursor
// moves with Next, NextBackward and Undo, as the stepper's does.
type Stepping struct {
	g         *engine.Graph
	st        *engine.Stepper
	last      engine.Event    // of the last step, or of the reset
	highlight int             // node shown in the inspector, -1 for none
	attention *attentionNodes // the graph's attention heads, found on first use (attention_view.go)
	// beforeWrite, when set, runs before the stepping writes the graph's
	// weights in place (a gradient check's nudges): the lab owns its
	// shared initial weights then (lab_shared.go).
	beforeWrite func()
}

// NewStepping returns a stepping of g with its cursor at the start.
func NewStepping(g *engine.Graph) *Stepping {
	st := engine.NewStepper(g)
	return &Stepping{g: g, st: st, last: st.Reset(), highlight: -1}
}

// Graph returns the stepped graph.
func (s *Stepping) Graph() *engine.Graph { return s.g }

// Stepper returns the stepper.
func (s *Stepping) Stepper() *engine.Stepper { return s.st }

// Last returns the event of the last step (or of the reset).
func (s *Stepping) Last() engine.Event { return s.last }

// Highlight returns the node the learner looks at, or nil.
func (s *Stepping) Highlight() *engine.Node {
	if s.highlight < 0 {
		return nil
	}
	return s.g.Nodes[s.highlight]
}

// Next runs up to count steps of the timeline; the node of the last one
// is highlighted.
func (s *Stepping) Next(count int) {
	for i := 0; i < count && !s.st.Done(); i++ {
		s.last = s.st.Next()
	}
	s.highlight = s.last.Node
}

// NextBackward runs up to count steps of the backward pass, finishing the
// forward pass first.
func (s *Stepping) NextBackward(count int) {
	for i := 0; i < count && !s.st.Done(); i++ {
		s.last = s.st.NextBackward()
	}
	s.highlight = s.last.Node
}

// Undo moves the cursor back in time by up to count steps.
func (s *Stepping) Undo(count int) {
	for i := 0; i < count && s.st.Pos() > 0; i++ {
		s.last = s.st.Undo()
	}
	s.highlight = s.last.Node
}

// RunForward runs the rest of the forward pass.
func (s *Stepping) RunForward() {
	s.last = s.st.RunForward()
	s.highlight = s.last.Node
}

// RunToEnd runs every remaining step.
func (s *Stepping) RunToEnd() {
	s.last = s.st.RunToEnd()
	s.highlight = s.last.Node
}

// Reset moves the cursor to the start and highlights nothing.
func (s *Stepping) Reset() {
	s.last = s.st.Reset()
	s.highlight = -1
}

// Select highlights the node called name.
func (s *Stepping) Select(name string) *Error {
	n := s.g.Node(name)
	if n == nil {
		return Errorf(UnknownNode, "no node %q in this graph", name)
	}
	s.highlight = n.ID
	return nil
}

// Seek moves the cursor to index (0..Total) by replaying the timeline
// from the start, so every value and gradient up to it is computed anew.
// The node of the last step is highlighted.
func (s *Stepping) Seek(index int) *Error {
	if total := s.st.Total(); index < 0 || index > total {
		return Errorf(OutOfRange, "seek index %d past the end of the timeline (%d steps)", index, total)
	}
	s.last = s.st.Seek(index)
	s.highlight = s.last.Node
	return nil
}

// Replay recomputes the run up to the cursor, after the weights or the
// input changed under it, and keeps the highlighted node.
func (s *Stepping) Replay() {
	s.last = s.st.Seek(s.st.Pos())
}

// Restart moves the cursor to the start and keeps the highlighted node,
// for when the model changed under the graph.
func (s *Stepping) Restart() {
	s.last = s.st.Reset()
}

// carryCursor returns where a cursor at pos on a timeline of oldTotal steps
// goes on a new timeline of newTotal steps (after a rebuild). Both
// timelines are a forward pass then a backward pass of equal length, and
// the cursor keeps its place relative to them: at the end it stays at the
// end; in the backward pass it keeps its distance from the start of
// backward; in the forward pass it keeps its index. So a run whose forward
// pass was complete (attention maps shown) has it complete again.
func carryCursor(pos, oldTotal, newTotal int) int {
	oldF, newF := oldTotal/2, newTotal/2
	switch {
	case pos >= oldTotal:
		return newTotal
	case pos >= oldF:
		return min(newF+pos-oldF, newTotal)
	default:
		return min(pos, newF)
	}
}
