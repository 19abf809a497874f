package viz

import "stepgraph/engine"

// StepView tells the UI how to style the boxes of a layout after a step
// of a stepper: the box of the node that just ran, the boxes whose values
// are computed, and the boxes whose gradients are known. The page's script
// turns these into classes on the [data-node] elements of GraphSVG (for
// example .sg-current, .sg-forward-done and .sg-grad-known).
type StepView struct {
	Index int    `json:"index"` // steps done, 0 after a reset
	Total int    `json:"total"` // steps in a full forward and backward run
	Phase string `json:"phase"` // "forward" or "backward"
	// Current is the Box.ID of the node that just ran, or nil after a
	// reset. For a node inside a collapsed scope, it is the scope's box.
	Current *int `json:"current"`
	// Forward lists the boxes whose values are computed: inputs and
	// parameters always, an op once the forward pass has run it. A
	// collapsed box is listed once all of its nodes are.
	Forward []int `json:"forward"`
	// Grad lists the boxes whose gradients are complete (every user has
	// added its part). A collapsed box is listed once all of its nodes
	// that take a gradient are, if it has any.
	Grad []int `json:"grad"`
}

// StepViewOf returns the view of stepper s after the event ev that it
// returned, for the boxes of layout l. The layout must have been made from
// s's graph.
func StepViewOf(l Layout, s *engine.Stepper, ev engine.Event) StepView {
	g := s.Graph()
	v := StepView{Index: ev.Index, Total: ev.Total, Phase: ev.Phase.String(), Forward: []int{}, Grad: []int{}}
	for _, b := range l.Nodes {
		members := b.Members
		if !b.Collapsed {
			members = []int{b.ID}
		}
		forward, grads, known := true, 0, 0
		for _, id := range members {
			n := g.Nodes[id]
			forward = forward && s.ForwardDone(n)
			if n.NeedsGrad() {
				grads++
				if s.GradKnown(n) {
					known++
				}
			}
			if id == ev.Node {
				cur := b.ID
				v.Current = &cur
			}
		}
		if forward {
			v.Forward = append(v.Forward, b.ID)
		}
		if grads > 0 && known == grads {
			v.Grad = append(v.Grad, b.ID)
		}
	}
	return v
}
