package engine

import (
	"fmt"
	"slices"
)

// Phase says which pass a step belongs to.
type Phase int

const (
	PhaseForward  Phase = iota // computing values, inputs to loss
	PhaseBackward              // computing gradients, loss to inputs
)

// String returns "forward" or "backward".
func (p Phase) String() string {
	if p == PhaseBackward {
		return "backward"
	}
	return "forward"
}

// GradWrite records one gradient written by a backward step into an input.
type GradWrite struct {
	Node  int // ID of the input whose gradient grew
	Count int // how many of the input's users have now added to it (1..Users)
	Users int // how many users the input has; Count < Users means more is to come
}

// Accumulated reports whether this write added to a gradient that already
// held another user's contribution (the += of a fan-out).
func (w GradWrite) Accumulated() bool { return w.Count > 1 }

// Event tells what one step ran.
type Event struct {
	Index  int         // 1-based position on the timeline after this step; 0 means reset
	Total  int         // number of steps in a full forward and backward run
	Phase  Phase       // the pass this step belongs to
	Node   int         // ID of the node that ran, -1 after a reset
	Name   string      // its name
	Op     string      // its op name
	Writes []GradWrite // backward only: the input gradients this step added to
	// Seed is set on the first step of the backward pass, which runs no
	// op: it seeds the loss's own gradient, dL/dL = 1.
	Seed bool
	Done bool // true when the cursor is at the end of the timeline
}

// Stepper is a cursor over one run of a graph: first every op node forward
// in topological order, the last of them the loss; then, when the graph
// has a loss, the seed step that sets dL/dL = 1, and every op node
// backward in reverse order.
// Stepping to the end gives exactly the values and gradients of
// Graph.Forward followed by Graph.Backward, because it runs the same code in
// the same order.
//
// The cursor moves on with Next (and NextBackward, RunForward, RunToEnd)
// and back in time with Undo; Seek and Reset jump. The words forward and
// backward name the two passes, never a direction of the cursor.
type Stepper struct {
	g     *Graph
	order []*Node // op and loss nodes in topological order
	index []int   // per node ID, its position in order, or -1 for leaves
	pos   int     // steps done: 0..Total()
	// contributions counts, per node ID, the users whose backward step has
	// run in the current backward pass.
	contributions []int
}

// NewStepper returns a stepper at the start of the timeline.
func NewStepper(g *Graph) *Stepper {
	s := &Stepper{g: g, contributions: make([]int, len(g.Nodes)), index: make([]int, len(g.Nodes))}
	for _, n := range g.Nodes {
		s.index[n.ID] = -1
		if n.Op != nil {
			s.index[n.ID] = len(s.order)
			s.order = append(s.order, n)
		}
	}
	return s
}

// Graph returns the graph the stepper runs.
func (s *Stepper) Graph() *Graph { return s.g }

// Pos returns the number of steps done.
func (s *Stepper) Pos() int { return s.pos }

// Total returns the number of steps in a full run: each op node once
// forward, and, if the graph has a loss, the seed step and each op node
// once backward.
func (s *Stepper) Total() int {
	if s.g.loss == nil {
		return len(s.order)
	}
	return 2*len(s.order) + 1
}

// Phase returns the pass the cursor is in: forward up to and with the
// step that computes the loss, backward from the seed step on.
func (s *Stepper) Phase() Phase {
	if s.pos <= len(s.order) {
		return PhaseForward
	}
	return PhaseBackward
}

// Done reports whether the cursor is at the end of the timeline.
func (s *Stepper) Done() bool { return s.pos >= s.Total() }

// ForwardDone reports whether node n has its value for the current run.
func (s *Stepper) ForwardDone(n *Node) bool {
	if n.Op == nil {
		return true
	}
	return s.pos > s.index[n.ID]
}

// GradKnown reports whether node n's gradient is complete: every user has
// pushed its part into it (for the loss, once the seed step has run).
func (s *Stepper) GradKnown(n *Node) bool {
	if n.Grad == nil || s.pos <= len(s.order) || s.g.loss == nil {
		return false
	}
	if n == s.g.loss {
		return true
	}
	return len(n.Users) > 0 && s.contributions[n.ID] == len(n.Users)
}

// Contributions returns how many users of n have added to its gradient in
// the current backward pass.
func (s *Stepper) Contributions(n *Node) int { return s.contributions[n.ID] }

// Reset moves the cursor to the start. Values are kept until recomputed;
// gradients are zeroed.
func (s *Stepper) Reset() Event {
	s.pos = 0
	clear(s.contributions)
	s.g.ZeroGrad()
	return Event{Index: 0, Total: s.Total(), Node: -1}
}

// Next runs the next step of the timeline: a node of the forward pass;
// once that pass is complete, the seed step; then a node of the backward
// pass. It moves the cursor one step on. At the end it returns an event
// with Done set and runs nothing.
func (s *Stepper) Next() Event {
	if s.Done() {
		return s.endEvent()
	}
	nf := len(s.order)
	if s.pos < nf {
		n := s.order[s.pos]
		s.g.ForwardNode(n)
		s.pos++
		return s.event(n, PhaseForward, nil)
	}
	if s.pos == nf {
		s.g.SeedGrad() // dL/dL = 1: what every gradient below is a part of
		clear(s.contributions)
		s.pos++
		ev := s.event(s.g.loss, PhaseBackward, nil)
		ev.Seed = true
		return ev
	}
	n := s.order[2*nf-s.pos]
	s.g.BackwardNode(n)
	var writes []GradWrite
	if n.Grad != nil {
		for i, in := range n.Inputs {
			if in.Grad == nil || slices.Contains(n.Inputs[:i], in) {
				continue
			}
			s.contributions[in.ID]++
			writes = append(writes, GradWrite{Node: in.ID, Count: s.contributions[in.ID], Users: len(in.Users)})
		}
	}
	s.pos++
	return s.event(n, PhaseBackward, writes)
}

// NextBackward runs the next step of the backward pass (the UI's "Backprop
// step"), first finishing the forward pass if the cursor is still in it.
// It moves the cursor on; it never goes back in time.
func (s *Stepper) NextBackward() Event {
	s.RunForward()
	return s.Next()
}

// Undo moves the cursor back in time by one step (the UI's "Undo").
// Values are kept, so undoing a forward step is a cursor move; undoing a
// backward step replays the backward pass up to the new cursor, so
// gradients are exactly what they were.
func (s *Stepper) Undo() Event {
	if s.pos == 0 {
		return Event{Index: 0, Total: s.Total(), Node: -1}
	}
	target := s.pos - 1
	nf := len(s.order)
	if target >= nf {
		s.pos = nf
		s.g.ZeroGrad()
		clear(s.contributions)
		for s.pos < target {
			s.Next()
		}
	} else {
		s.pos = target
		s.g.ZeroGrad()
		clear(s.contributions)
	}
	if s.pos == 0 {
		return Event{Index: 0, Total: s.Total(), Node: -1}
	}
	return s.eventAt(s.pos - 1)
}

// eventAt returns the event of step i (0-based), without its writes.
func (s *Stepper) eventAt(i int) Event {
	nf := len(s.order)
	switch {
	case i < nf:
		return s.event(s.order[i], PhaseForward, nil)
	case i == nf:
		ev := s.event(s.g.loss, PhaseBackward, nil)
		ev.Seed = true
		return ev
	}
	return s.event(s.order[2*nf-i], PhaseBackward, nil)
}

// Seek moves the cursor to pos (0..Total) by resetting and stepping, and
// returns the event of the last step run.
func (s *Stepper) Seek(pos int) Event {
	if pos < 0 || pos > s.Total() {
		panic(fmt.Sprintf("engine: seek to %d outside 0..%d", pos, s.Total()))
	}
	ev := s.Reset()
	for s.pos < pos {
		ev = s.Next()
	}
	return ev
}

// Refresh recomputes the run at the cursor after what node n computes
// changed under it (a learner edited the pattern of its mask), as though
// the timeline had been stepped to the cursor again: the values from n up
// to the cursor, those before n being unchanged, and in the backward pass
// every gradient up to the cursor. Nodes the cursor has not reached are
// left for their steps. It returns the event of the last step.
func (s *Stepper) Refresh(n *Node) Event {
	nf := len(s.order)
	for i := max(s.index[n.ID], 0); i < min(s.pos, nf); i++ {
		s.g.ForwardNode(s.order[i])
	}
	if s.pos <= nf {
		return s.endEvent()
	}
	target := s.pos
	s.pos = nf
	s.g.ZeroGrad()
	clear(s.contributions)
	ev := s.endEvent()
	for s.pos < target {
		ev = s.Next()
	}
	return ev
}

// RunForward runs the rest of the forward pass.
func (s *Stepper) RunForward() Event {
	ev := s.endEvent()
	for s.pos < len(s.order) {
		ev = s.Next()
	}
	return ev
}

// RunToEnd runs every remaining step.
func (s *Stepper) RunToEnd() Event {
	ev := s.endEvent()
	for !s.Done() {
		ev = s.Next()
	}
	return ev
}

func (s *Stepper) endEvent() Event {
	if s.pos == 0 {
		return Event{Index: 0, Total: s.Total(), Node: -1, Done: s.Done()}
	}
	return s.eventAt(s.pos - 1)
}

func (s *Stepper) event(n *Node, ph Phase, writes []GradWrite) Event {
	return Event{
		Index: s.pos, Total: s.Total(), Phase: ph,
		Node: n.ID, Name: n.Name, Op: n.Op.Info().Name,
		Writes: writes, Done: s.Done(),
	}
}
