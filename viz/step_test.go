package viz_test

import (
	"slices"
	"testing"

	"stepgraph/engine"
	"stepgraph/viz"
)

func TestStepView(t *testing.T) {
	g := tinyGraph()
	id := func(name string) int { return g.MustNode(name).ID }
	var ops []int // op nodes in forward order
	var leaves []int
	for _, n := range g.Nodes {
		if n.Op != nil {
			ops = append(ops, n.ID)
		} else {
			leaves = append(leaves, n.ID)
		}
	}
	l := viz.LayoutGraph(g, viz.Options{})
	s := engine.NewStepper(g)

	v := viz.StepViewOf(l, s, s.Reset())
	if v.Current != nil || v.Index != 0 || !sameSet(v.Forward, leaves) || len(v.Grad) != 0 {
		t.Errorf("after reset: current %v, index %d, forward %v, grad %v; want nil, 0, the leaves %v, none", v.Current, v.Index, v.Forward, v.Grad, leaves)
	}
	// Forward steps: each op joins the computed boxes as it runs.
	for k, op := range ops {
		v = viz.StepViewOf(l, s, s.Next())
		want := append(slices.Clone(leaves), ops[:k+1]...)
		if v.Current == nil || *v.Current != op || !sameSet(v.Forward, want) || v.Phase != "forward" {
			t.Fatalf("forward step %d: current %v, forward %v, phase %s; want %d, %v, forward", k+1, v.Current, v.Forward, v.Phase, op, want)
		}
	}
	// The first backward step seeds the loss: its own gradient is known,
	// no other yet.
	v = viz.StepViewOf(l, s, s.Next())
	if *v.Current != id("loss") || !sameSet(v.Grad, []int{id("loss")}) || v.Phase != "backward" {
		t.Errorf("the seed step: current %d, grad %v, phase %s; want loss, [loss], backward", *v.Current, v.Grad, v.Phase)
	}
	// The next runs the loss's backward: logits get their gradient, since
	// the loss is their only user.
	v = viz.StepViewOf(l, s, s.Next())
	if *v.Current != id("loss") || !sameSet(v.Grad, []int{id("loss"), id("logits")}) || v.Phase != "backward" {
		t.Errorf("first backward step: current %d, grad %v, phase %s; want loss, [loss logits], backward", *v.Current, v.Grad, v.Phase)
	}
	// The weight fc1.w has one user, fc1.mm: its gradient is known from
	// the backward step of fc1.mm on. The input x never takes a gradient.
	ranMM := false
	for !s.Done() {
		ev := s.Next()
		v = viz.StepViewOf(l, s, ev)
		ranMM = ranMM || ev.Node == id("fc1.mm")
		if got := slices.Contains(v.Grad, id("fc1.w")); got != ranMM {
			t.Errorf("step %d (%s): fc1.w in grad = %v, want %v", ev.Index, ev.Name, got, ranMM)
		}
		if slices.Contains(v.Grad, id("x")) {
			t.Errorf("step %d: x in grad, want never (x takes no gradient)", ev.Index)
		}
	}
	var needs []int
	for _, n := range g.Nodes {
		if n.NeedsGrad() {
			needs = append(needs, n.ID)
		}
	}
	if !sameSet(v.Grad, needs) {
		t.Errorf("at the end: grad %v, want every node that takes a gradient %v", v.Grad, needs)
	}
}

func TestStepViewCollapsed(t *testing.T) {
	g := tinyGraph()
	l := viz.LayoutGraph(g, viz.Options{Collapsed: []string{"fc1"}})
	var fc1 viz.Box
	for _, b := range l.Nodes {
		if b.Name == "fc1" {
			fc1 = b
		}
	}
	s := engine.NewStepper(g)
	s.Reset()
	// fc1 holds fc1.mm, fc1.add and fc1.act: it is current while any of
	// them runs, and computed only after the last.
	for k := range 3 {
		v := viz.StepViewOf(l, s, s.Next())
		if v.Current == nil || *v.Current != fc1.ID {
			t.Fatalf("forward step %d: current %v, want the fc1 box %d", k+1, v.Current, fc1.ID)
		}
		if got, want := slices.Contains(v.Forward, fc1.ID), k == 2; got != want {
			t.Errorf("forward step %d: fc1 computed = %v, want %v", k+1, got, want)
		}
	}
}

// sameSet reports whether a and b hold the same numbers.
func sameSet(a, b []int) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
