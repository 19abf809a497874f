package widget

import (
	"context"
	"slices"
	"testing"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/enginetest"
	"stepgraph/exhibit"
)

// check sends a check request to w, waits for the check to end, and
// returns the gradcheck messages it sent, or the refusal.
func check(t *testing.T, w *adapter, rec *recorder, req protocol.Request) ([]*protocol.GradCheck, *protocol.Error) {
	t.Helper()
	req.Type, req.Widget = protocol.TypeCheck, "lab"
	rec.take()
	if e := w.Handle(&req); e != nil {
		return nil, e
	}
	w.waitCheck()
	var out []*protocol.GradCheck
	for _, m := range rec.take() {
		switch m := m.(type) {
		case *protocol.GradCheck:
			if m.ID != req.ID {
				t.Errorf("gradcheck of %s answers id %d, want %d", m.Node, m.ID, req.ID)
			}
			out = append(out, m)
		case *protocol.ErrorMsg:
			t.Fatalf("check %+v: error %+v", req, m)
		default:
			t.Errorf("check %+v sent a %s message: a check changes no view", req, m.Head().Type)
		}
	}
	return out, nil
}

// nodeJSON returns the JSON of w's node message now.
func nodeJSON(t *testing.T, w *adapter) string {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	b, err := protocol.MarshalMessage(w.nodeMessage())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCheckLab checks every node of the default lab that takes a gradient,
// at the end of the backward pass, through the adapter: each gradcheck
// matches, carries exactly the numbers the exhibit computes, and leaves
// the view as it was.
func TestCheckLab(t *testing.T) {
	w, rec := newWidget(t, "lab", nil)
	w.Handle(&protocol.Request{Type: protocol.TypeRun, Widget: "lab", To: protocol.RunToEnd})
	for _, n := range w.ex.Stepping().Graph().Nodes {
		if n.Grad == nil {
			continue
		}
		w.Handle(&protocol.Request{Type: protocol.TypeSelect, Widget: "lab", Node: n.Name})
		before := nodeJSON(t, w)
		ms, e := check(t, w, rec, protocol.Request{ID: 5, Node: n.Name})
		if e != nil || len(ms) != 1 {
			t.Fatalf("check %s: %d messages, %v", n.Name, len(ms), e)
		}
		m := ms[0]
		if !m.Match || m.Worst > protocol.Float(m.Tolerance) || m.Tolerance != exhibit.GradCheckTolerance {
			t.Errorf("check %s: match %v, worst %g, tolerance %g", n.Name, m.Match, m.Worst, m.Tolerance)
		}
		want, _ := w.ex.Stepping().CheckGradient(n.Name, exhibit.MaxCheckEntries)
		if m.Checked != len(want.Entries) || m.Size != n.Value.Size() || m.Step != w.ex.Stepping().Stepper().Total() || m.All || m.Progress != nil {
			t.Errorf("check %s: %d of %d entries at step %d (all %v), want %d at the end", n.Name, m.Checked, m.Size, m.Step, m.All, len(want.Entries))
		}
		for i, e := range m.Entries {
			x := want.Entries[i]
			if e.Index != x.Index || float64(e.Autograd) != x.Autograd || float64(e.Numeric) != x.Numeric || float64(e.Autograd) != n.Grad.Data[e.Index] {
				t.Errorf("check %s entry %d = %+v, the exhibit computes %+v", n.Name, i, e, x)
			}
		}
		if after := nodeJSON(t, w); after != before {
			t.Errorf("the node message of %s changed with a check", n.Name)
		}
	}
}

// TestCheckAllLab checks every parameter of the default lab at once: one
// gradcheck a parameter in graph order with its progress, then the final
// one with every row and the totals, all matching.
func TestCheckAllLab(t *testing.T) {
	w, rec := newWidget(t, "lab", nil)
	w.Handle(&protocol.Request{Type: protocol.TypeRun, Widget: "lab", To: protocol.RunToEnd})
	before := nodeJSON(t, w)
	ms, e := check(t, w, rec, protocol.Request{ID: 8, All: true})
	params := w.ex.Stepping().Graph().Params()
	if e != nil || len(ms) != len(params)+1 {
		t.Fatalf("check all: %d messages, %v; want %d", len(ms), e, len(params)+1)
	}
	final := ms[len(ms)-1]
	size := 0
	for i, p := range params {
		m := ms[i]
		size += p.Value.Size()
		if m.Node != p.Name || !m.All || m.Progress == nil || *m.Progress != (protocol.Progress{Done: i + 1, Total: len(params)}) || !m.Match {
			t.Errorf("message %d: %s, all %v, progress %+v, match %v; want %s, %d of %d, a match", i, m.Node, m.All, m.Progress, m.Match, p.Name, i+1, len(params))
		}
		if m.Checked != min(p.Value.Size(), exhibit.MaxCheckEntries) {
			t.Errorf("%s: %d entries checked of %d", p.Name, m.Checked, p.Value.Size())
		}
	}
	if !final.Final || !final.Match || final.Node != "" || len(final.Params) != len(params) || final.Size != size || len(final.Entries) != 0 {
		t.Errorf("final message: final %v, match %v, node %q, %d rows, size %d, %d entries; want %d rows of %d entries", final.Final, final.Match, final.Node, len(final.Params), final.Size, len(final.Entries), len(params), size)
	}
	if final.Checked > protocol.MaxCheckPasses/2 {
		t.Errorf("the check ran %d entries, more than the cap of %d passes allows", final.Checked, protocol.MaxCheckPasses)
	}
	if after := nodeJSON(t, w); after != before {
		t.Errorf("the node message changed with a check of every parameter")
	}
}

// TestCheckFlagsABrokenOp breaks the backward of the lab's ReLU, runs the
// timeline again, and checks: match false for the parameters before it,
// true for those after it, and false in the final message of all.
func TestCheckFlagsABrokenOp(t *testing.T) {
	w, rec := newWidget(t, "lab", nil)
	act := w.ex.Stepping().Graph().MustNode("layers.0.ffn.act")
	act.Op = enginetest.BrokenBackward{Op: act.Op}
	w.Handle(&protocol.Request{Type: protocol.TypeRun, Widget: "lab", To: protocol.RunToEnd})
	for name, match := range map[string]bool{"layers.0.ffn.w1": false, "layers.0.ffn.hidden": false, "layers.0.ffn.w2": true} {
		ms, e := check(t, w, rec, protocol.Request{Node: name})
		if e != nil || len(ms) != 1 || ms[0].Match != match {
			t.Errorf("with a broken ReLU, check %s = %+v, %v; want match %v", name, ms, e, match)
		}
	}
	ms, _ := check(t, w, rec, protocol.Request{All: true})
	final := ms[len(ms)-1]
	bad := map[string]bool{}
	for _, r := range final.Params {
		if !r.Match {
			bad[r.Node] = true
		}
	}
	if final.Match || !bad["layers.0.ffn.w1"] || !bad["tok_emb"] || bad["layers.0.ffn.w2"] || bad["head.w"] {
		t.Errorf("with a broken ReLU, the check of every parameter says match %v, mismatches %v", final.Match, bad)
	}
}

// TestCheckRefusals checks a check's refusals through the adapter: an
// unknown node, an input, a gradient not complete yet, every parameter
// before the end of the backward pass, a check while training; and, while
// a check waits for the pool's heavy lane, a second check and every
// request that would move the values, but not a select.
func TestCheckRefusals(t *testing.T) {
	w, rec := newWidget(t, "lab", nil)
	req := func(typ string, r protocol.Request) *protocol.Error {
		r.Type, r.Widget = typ, "lab"
		return w.Handle(&r)
	}
	for _, c := range []struct {
		r    protocol.Request
		code protocol.Code
	}{
		{protocol.Request{Node: "nope"}, protocol.CodeUnknownNode},
		{protocol.Request{Node: "input_ids"}, protocol.CodeNoGradient},
		{protocol.Request{Node: "layers.0.attn.wq"}, protocol.CodeNoGradient},
		{protocol.Request{All: true}, protocol.CodeNoGradient},
	} {
		if _, e := check(t, w, rec, c.r); e == nil || e.Code != c.code {
			t.Errorf("check %+v at the start = %v, want %s", c.r, e, c.code)
		}
	}
	req(protocol.TypeRun, protocol.Request{To: protocol.RunToEnd})

	// Training: the weights move.
	if e := req(protocol.TypeTrain, protocol.Request{Action: protocol.TrainStart}); e != nil {
		t.Fatal(e)
	}
	if _, e := check(t, w, rec, protocol.Request{Node: "head.w"}); e == nil || e.Code != protocol.CodeBusy {
		t.Errorf("check while training = %v, want busy", e)
	}
	req(protocol.TypeTrain, protocol.Request{Action: protocol.TrainStop})

	// A check waits for the heavy lane, which a job of the test holds.
	started, release := make(chan struct{}), make(chan struct{})
	go w.env.Pool.DoIn(context.Background(), pool.Heavy, func() { close(started); <-release })
	<-started
	if e := req(protocol.TypeCheck, protocol.Request{All: true}); e != nil {
		t.Fatal(e)
	}
	for _, c := range []struct {
		typ string
		r   protocol.Request
	}{
		{protocol.TypeCheck, protocol.Request{Node: "head.w"}},
		{protocol.TypeCheck, protocol.Request{All: true}},
		{protocol.TypeStep, protocol.Request{Dir: protocol.DirForward, Count: 1}},
		{protocol.TypeBack, protocol.Request{Count: 1}},
		{protocol.TypeReset, protocol.Request{}},
		{protocol.TypeSeek, protocol.Request{Index: 3}},
		{protocol.TypeSet, protocol.Request{Name: "lr", Value: "0.1"}},
		{protocol.TypeTrain, protocol.Request{Action: protocol.TrainStart}},
		{protocol.TypeOptimize, protocol.Request{}},
		{protocol.TypeMask, protocol.Request{Mask: &protocol.MaskEdit{Attention: "layers.0.attn", Preset: "none"}}},
	} {
		if e := req(c.typ, c.r); e == nil || e.Code != protocol.CodeBusy {
			t.Errorf("%s %+v while a check runs = %v, want busy", c.typ, c.r, e)
		}
	}
	if e := w.LoadWeights(nil); e == nil || e.Code != protocol.CodeBusy {
		t.Errorf("a weights upload while a check runs = %v, want busy", e)
	}
	if e := req(protocol.TypeSelect, protocol.Request{Node: "head.w"}); e != nil {
		t.Errorf("select while a check runs = %v, want it answered", e)
	}
	close(release)
	w.waitCheck()
	var last *protocol.GradCheck
	for _, m := range rec.take() {
		if g, ok := m.(*protocol.GradCheck); ok {
			last = g
		}
	}
	if last == nil || !last.Final || !last.Match {
		t.Errorf("the check that waited ended with %+v, want the final message, a match", last)
	}
	if e := req(protocol.TypeStep, protocol.Request{Dir: protocol.DirForward, Count: 1}); e != nil {
		t.Errorf("step after the check = %v", e)
	}
}

// TestCheckEveryKind checks one parameter of every kind's default widget
// at the end of its timeline: each kind answers a check, and matches.
func TestCheckEveryKind(t *testing.T) {
	for _, k := range exhibit.Kinds {
		w, rec := newWidget(t, k.Name(), nil)
		w.Handle(&protocol.Request{Type: protocol.TypeRun, Widget: "lab", To: protocol.RunToEnd})
		s := w.ex.Stepping()
		// The first parameter with a gradient; the quant kind's integer
		// graph has none, and its loss is checked.
		i := slices.IndexFunc(s.Graph().Nodes, func(n *engine.Node) bool { return n.Grad != nil && n.Kind == engine.KindParam })
		p := s.Graph().LossNode()
		if i >= 0 {
			p = s.Graph().Nodes[i]
		}
		ms, e := check(t, w, rec, protocol.Request{Node: p.Name})
		if e != nil || len(ms) != 1 || ms[0].Checked == 0 || !ms[0].Match {
			t.Errorf("%s: check %s = %v, %v", k.Name(), p.Name, ms, e)
			continue
		}
		t.Logf("%s: %s %s, worst %.3g, match %v", k.Name(), p.Name, ms[0].Note, float64(ms[0].Worst), ms[0].Match)
	}
}
