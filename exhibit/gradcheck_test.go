package exhibit

import (
	"slices"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/enginetest"
	"stepgraph/engine/gradcheck"
)

// snapshot is every value and gradient of a graph, to compare after a
// check.
type snapshot [][2][]float64

func snapshotOf(g *engine.Graph) snapshot {
	s := make(snapshot, len(g.Nodes))
	for i, n := range g.Nodes {
		s[i][0] = slices.Clone(n.Value.Data)
		if n.Grad != nil {
			s[i][1] = slices.Clone(n.Grad.Data)
		}
	}
	return s
}

// sameAs fails the test unless g holds exactly the numbers of s, bit for
// bit: a check must put back what it perturbed.
func (s snapshot) sameAs(t *testing.T, g *engine.Graph, after string) {
	t.Helper()
	for i, n := range g.Nodes {
		if !slices.Equal(n.Value.Data, s[i][0]) {
			t.Errorf("after %s, the value of %s changed", after, n.Name)
		}
		if n.Grad != nil && !slices.Equal(n.Grad.Data, s[i][1]) {
			t.Errorf("after %s, the gradient of %s changed", after, n.Name)
		}
	}
}

// TestCheckGradientLab checks every node of the default lab that takes a
// gradient, at the end of the backward pass: each matches, a large one is
// a seeded sample of MaxCheckEntries (the same entries twice), and the
// graph is left exactly as it was.
func TestCheckGradientLab(t *testing.T) {
	l := build[*Lab](t, "lab", nil)
	s := l.Stepping()
	s.RunToEnd()
	before := snapshotOf(s.Graph())
	checked := 0
	for _, n := range s.Graph().Nodes {
		if n.Grad == nil {
			continue
		}
		c, e := s.CheckGradient(n.Name, MaxCheckEntries)
		if e != nil {
			t.Fatalf("CheckGradient(%s) = %v", n.Name, e)
		}
		checked++
		want := min(n.Value.Size(), MaxCheckEntries)
		if len(c.Entries) != want || c.Size != n.Value.Size() || c.Sampled != (n.Value.Size() > MaxCheckEntries) {
			t.Errorf("CheckGradient(%s): %d entries of %d, sampled %v; want %d", n.Name, len(c.Entries), c.Size, c.Sampled, want)
		}
		// The default lab is smooth at its seed: no ReLU input lies within
		// gradcheck.Step of its kink, so every node matches.
		if !c.Match() {
			t.Errorf("CheckGradient(%s) does not match: worst relative error %.3g", n.Name, c.Worst)
		}
		if c.Tolerance != gradcheck.Tolerance || c.Kind != n.Kind.String() {
			t.Errorf("CheckGradient(%s): tolerance %g, kind %s", n.Name, c.Tolerance, c.Kind)
		}
		for _, en := range c.Entries {
			if en.Autograd != n.Grad.Data[en.Index] {
				t.Errorf("CheckGradient(%s) entry %d: autograd %v, the gradient holds %v", n.Name, en.Index, en.Autograd, n.Grad.Data[en.Index])
			}
		}
	}
	if checked != 63 {
		t.Errorf("checked %d nodes, want the 63 of the default lab that take a gradient", checked)
	}
	before.sameAs(t, s.Graph(), "checking every node")

	a, _ := s.CheckGradient("layers.0.ffn.w1", MaxCheckEntries)
	b, _ := s.CheckGradient("layers.0.ffn.w1", MaxCheckEntries)
	if !a.Sampled || a.Size != 1024 || !slices.EqualFunc(a.Entries, b.Entries, func(x, y gradcheck.Entry) bool { return x.Index == y.Index }) {
		t.Errorf("w1 (1024 entries) checked at %d entries, sampled %v, then at other entries", len(a.Entries), a.Sampled)
	}
}

// TestPlanParamCheck checks the plan of a check of every parameter: none
// before the backward pass has reached every parameter; at the end every
// one of the default lab's 22, at MaxCheckEntries each, within
// MaxCheckPasses.
func TestPlanParamCheck(t *testing.T) {
	l := build[*Lab](t, "lab", nil)
	s := l.Stepping()
	s.RunForward()
	s.Next(5)
	if _, e := s.PlanParamCheck(); e == nil || e.Code != NoGradient {
		t.Errorf("PlanParamCheck() 5 steps into the backward pass = %v, want NoGradient", e)
	}
	s.RunToEnd()
	p, e := s.PlanParamCheck()
	if e != nil || len(p.Params) != 22 || p.Entries != MaxCheckEntries {
		t.Fatalf("PlanParamCheck() at the end = %+v, %v; want 22 parameters at %d entries", p, e, MaxCheckEntries)
	}
	if 2*p.Entries*len(p.Params) > MaxCheckPasses {
		t.Errorf("the plan runs %d passes, more than %d", 2*p.Entries*len(p.Params), MaxCheckPasses)
	}
	for _, c := range []struct{ params, want int }{{1, MaxCheckEntries}, {32, MaxCheckEntries}, {178, 11}, {5000, 1}} {
		if got := ParamEntries(c.params); got != c.want {
			t.Errorf("ParamEntries(%d) = %d, want %d", c.params, got, c.want)
		}
	}
}

// TestCheckGradientRefuses checks the refusals: an unknown node; an input,
// which takes no gradient; a parameter in the forward pass; a node the
// backward pass has not completed. None changes the graph.
func TestCheckGradientRefuses(t *testing.T) {
	l := build[*Lab](t, "lab", nil)
	s := l.Stepping()
	forward := s.Stepper().Total() / 2 // steps of the forward pass; the seed is the next
	cases := []struct {
		at   int // the cursor
		node string
		code Code // -1: a check, no refusal
	}{
		{10, "nope", UnknownNode},
		{10, "input_ids", NoGradient},
		{10, "layers.0.attn.wq", NoGradient},
		{forward, "loss", NoGradient},                 // before the seed
		{forward + 4, "layers.0.attn.wq", NoGradient}, // three backward steps: far from wq
		{forward + 4, "loss", -1},                     // the loss's gradient is the seed's
		{forward + 4, "logits", -1},                   // the first op backward has run
	}
	for _, c := range cases {
		if e := s.Seek(c.at); e != nil {
			t.Fatal(e)
		}
		before := snapshotOf(s.Graph())
		_, e := s.CheckGradient(c.node, MaxCheckEntries)
		switch {
		case c.code < 0 && e != nil:
			t.Errorf("CheckGradient(%s) = %v, want a check", c.node, e)
		case c.code >= 0 && (e == nil || e.Code != c.code || e.Message == ""):
			t.Errorf("CheckGradient(%s) at step %d = %v, want code %d", c.node, s.Stepper().Pos(), e, c.code)
		}
		before.sameAs(t, s.Graph(), "a refused check")
	}
}

// TestCheckGradientFlagsABrokenOp breaks the backward of the lab's ReLU
// and replays the run: the parameters before it (w1, b1) mismatch by far,
// the parameters after it (w2) still match.
func TestCheckGradientFlagsABrokenOp(t *testing.T) {
	l := build[*Lab](t, "lab", nil)
	s := l.Stepping()
	act := s.Graph().MustNode("layers.0.ffn.act")
	act.Op = enginetest.BrokenBackward{Op: act.Op}
	s.RunToEnd()
	for name, match := range map[string]bool{"layers.0.ffn.w1": false, "layers.0.ffn.b1": false, "layers.0.attn.wq": false, "layers.0.ffn.w2": true, "head.w": true} {
		c, e := s.CheckGradient(name, MaxCheckEntries)
		if e != nil {
			t.Fatalf("CheckGradient(%s) = %v", name, e)
		}
		if c.Match() != match {
			t.Errorf("with a broken ReLU backward, CheckGradient(%s).Match() = %v (worst %.3g), want %v", name, c.Match(), c.Worst, match)
		}
		if !match && c.Worst < 1e-3 {
			t.Errorf("the planted 3/2 misses %s by only %.3g", name, c.Worst)
		}
	}
}

// TestCheckGradientQuant checks the quantization exhibit's graphs: the
// calibration graph of static quantization is refused, since each pass
// moves its observers; through the fake-quant nodes of QAT the
// straight-through gradient is not the derivative of the rounding, and the
// check says so.
func TestCheckGradientQuant(t *testing.T) {
	q := build[*Quant](t, "quant", map[string]string{"pass": "static", "view": "prepared"})
	q.Stepping().RunToEnd()
	if _, e := q.Stepping().CheckGradient("loss", MaxCheckEntries); e == nil || e.Code != Unsupported {
		t.Errorf("a check of the calibration graph = %v, want Unsupported", e)
	}
	q = build[*Quant](t, "quant", map[string]string{"pass": "qat", "view": "prepared"})
	q.Stepping().RunToEnd()
	c, e := q.Stepping().CheckGradient("layers.0.w", MaxCheckEntries)
	if e != nil || c.Match() {
		t.Errorf("a check of layers.0.w through fake quantization = match %v (worst %.3g), %v; want a mismatch: the straight-through estimator is not the derivative", c.Match(), c.Worst, e)
	}
}
