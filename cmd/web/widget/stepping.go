package widget

import (
	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/mathml"
)

// stepping is the part every graph widget shares: a graph, a stepper over
// it, and the node the learner looks at. It answers step, back, run, reset
// and select. It is not safe for concurrent use; its widget locks it.
type stepping struct {
	g         *engine.Graph
	st        *engine.Stepper
	last      engine.Event // event of the last step, or of the reset
	highlight int          // node shown in the inspector, -1 for none
}

func newStepping(g *engine.Graph) *stepping {
	st := engine.NewStepper(g)
	return &stepping{g: g, st: st, last: st.Reset(), highlight: -1}
}

// handles reports whether req is a stepping request.
func handles(req *protocol.Request) bool {
	switch req.Type {
	case protocol.TypeStep, protocol.TypeBack, protocol.TypeRun, protocol.TypeReset, protocol.TypeSelect:
		return true
	}
	return false
}

// apply moves the cursor as req asks and returns the node message that
// answers it.
func (s *stepping) apply(req *protocol.Request) (*protocol.Node, *protocol.Error) {
	switch req.Type {
	case protocol.TypeStep:
		for i := 0; i < req.Count && !s.st.Done(); i++ {
			if req.Dir == protocol.DirBackward {
				s.last = s.st.NextBackward()
			} else {
				s.last = s.st.Next()
			}
		}
		s.highlight = s.last.Node
	case protocol.TypeBack:
		for i := 0; i < req.Count && s.st.Pos() > 0; i++ {
			s.last = s.st.Undo()
		}
		s.highlight = s.last.Node
	case protocol.TypeRun:
		if req.To == protocol.RunToForward {
			s.last = s.st.RunForward()
		} else {
			s.last = s.st.RunToEnd()
		}
		s.highlight = s.last.Node
	case protocol.TypeReset:
		s.last = s.st.Reset()
		s.highlight = -1
	case protocol.TypeSelect:
		n := s.g.Node(req.Node)
		if n == nil {
			return nil, protocol.Errorf(protocol.CodeUnknownNode, "no node %q in this graph", req.Node)
		}
		s.highlight = n.ID
	}
	return s.message(), nil
}

// stepAndEmit moves s's cursor as a stepping request asks and emits the
// node message that answers it.
func stepAndEmit(env Env, s *stepping, req *protocol.Request) *protocol.Error {
	m, e := s.apply(req)
	if e != nil {
		return e
	}
	env.Emit(req.ID, m)
	return nil
}

// answerStep is stepAndEmit followed by the message extra makes of the new
// state (a widget's attention maps), also as the answer to req.
func answerStep[M protocol.Message](env Env, s *stepping, req *protocol.Request, extra func() M) *protocol.Error {
	if e := stepAndEmit(env, s, req); e != nil {
		return e
	}
	env.Emit(req.ID, extra())
	return nil
}

// emitGraph emits the graph message of s's graph, laid out for a widget of
// kind, then the node message of its cursor, both as the answer to id:
// what every widget but the lab sends first.
func emitGraph(env Env, id int64, kind string, s *stepping) {
	env.Emit(id, graphMessage(kind, s.g, s.st.Total()))
	env.Emit(id, s.message())
}

// restart moves the cursor to the start without changing the highlight, for
// when the model changed under the graph (after training).
func (s *stepping) restart() {
	s.last = s.st.Reset()
}

// message returns the node message of the current state.
func (s *stepping) message() *protocol.Node {
	m := &protocol.Node{
		Header: protocol.Header{Type: protocol.TypeNode},
		Step: protocol.Cursor{
			Index: s.st.Pos(), Total: s.st.Total(), Phase: s.st.Phase().String(),
			Done: s.st.Done(), Node: s.last.Node,
		},
		Forward:  []int{},
		Backward: []int{},
	}
	if s.st.Pos() == 0 {
		m.Step.Node = -1
	}
	for _, w := range s.last.Writes {
		m.Step.Writes = append(m.Step.Writes, protocol.GradWrite{Node: w.Node, Count: w.Count, Users: w.Users})
	}
	for _, n := range s.g.Nodes {
		if n.Op != nil && s.st.ForwardDone(n) {
			m.Forward = append(m.Forward, n.ID)
		}
		if s.st.GradKnown(n) {
			m.Backward = append(m.Backward, n.ID)
		}
	}
	if s.highlight >= 0 {
		m.Node = s.view(s.g.Nodes[s.highlight])
	}
	return m
}

// view returns n with its value and gradient.
func (s *stepping) view(n *engine.Node) *protocol.NodeView {
	info := n.Info()
	v := &protocol.NodeView{
		ID: n.ID, Name: n.Name, Op: info.Name, Formula: info.Formula, Kind: n.Kind.String(),
		Shape: nonNil(n.Shape), Users: len(n.Users), Computed: s.st.ForwardDone(n), GradKnown: s.st.GradKnown(n),
		Value: heatmap(n.Value),
	}
	if info.Formula != "" {
		// A formula the renderer does not know is shown as TeX instead.
		v.MathML, _ = mathml.Render(info.Formula, true)
	}
	if n.Grad != nil {
		v.Grad = heatmap(n.Grad)
	}
	return v
}
