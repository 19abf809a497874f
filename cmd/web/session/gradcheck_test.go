package session

import (
	"context"
	"testing"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
)

// refusal reads messages until an error comes, and checks that it refuses
// request id of type typ with code.
func (c *client) refusal(id int64, typ string, code protocol.Code) protocol.ErrorMsg {
	c.t.Helper()
	var e protocol.ErrorMsg
	c.expect(protocol.TypeError, &e)
	if e.ID != id || e.Request != typ || e.Code != code || e.Message == "" {
		c.t.Errorf("error %+v, want %s for %s request %d, with a message", e, code, typ, id)
	}
	return e
}

// TestCheckOverTheSocket drives the gradient check over a real websocket:
// hello sends its limits; a check of a node without a gradient yet, of an
// input, of an unknown node, and of every parameter before the backward
// pass is refused, each with its own code; at the end of the backward pass
// a check of every parameter streams one gradcheck a parameter and a final
// one, while a second check and a step are refused with busy and a select
// is answered; and the connection then still steps.
func TestCheckOverTheSocket(t *testing.T) {
	ts := newTestServer(t)
	c, hello := ts.dial(t)
	if hello.Limits.MaxCheckEntries != protocol.MaxCheckEntries || hello.Limits.MaxCheckPasses != protocol.MaxCheckPasses {
		t.Errorf("hello limits %+v, want maxCheckEntries %d and maxCheckPasses %d", hello.Limits, protocol.MaxCheckEntries, protocol.MaxCheckPasses)
	}
	g, _, _, _ := configureLab(t, c, nil)

	// Bad input, one request at a time: refusals of one code coalesce.
	for i, r := range []struct {
		req  protocol.Request
		code protocol.Code
	}{
		{protocol.Request{Node: "layers.0.attn.wq"}, protocol.CodeNoGradient}, // at the start: no gradient yet
		{protocol.Request{Node: "nope"}, protocol.CodeUnknownNode},
		{protocol.Request{Node: "input_ids"}, protocol.CodeNoGradient}, // an input takes none
		{protocol.Request{All: true}, protocol.CodeNoGradient},
	} {
		id := int64(2 + i)
		r.req.Type, r.req.ID = protocol.TypeCheck, id
		c.lab(r.req)
		c.refusal(id, protocol.TypeCheck, r.code)
	}
	c.send(`{"type":"check","widget":"lab","id":6,"node":"head.w","all":true}`)
	c.refusal(6, protocol.TypeCheck, protocol.CodeBadField)

	// Half-way through the backward pass, a parameter it has not reached.
	c.lab(protocol.Request{Type: protocol.TypeSeek, ID: 7, Index: g.Steps/2 + 3})
	c.expect(protocol.TypeNode, &protocol.Node{})
	c.lab(protocol.Request{Type: protocol.TypeCheck, ID: 8, Node: "tok_emb"})
	c.refusal(8, protocol.TypeCheck, protocol.CodeNoGradient)

	c.lab(protocol.Request{Type: protocol.TypeRun, ID: 9, To: protocol.RunToEnd})
	c.expect(protocol.TypeMetrics, &protocol.LabMetrics{})

	// The check waits for the pool's heavy lane, which the test holds.
	started, release := make(chan struct{}), make(chan struct{})
	go ts.pool.DoIn(context.Background(), pool.Heavy, func() { close(started); <-release })
	<-started
	c.lab(protocol.Request{Type: protocol.TypeCheck, ID: 10, All: true})
	c.lab(protocol.Request{Type: protocol.TypeCheck, ID: 11, Node: "head.w"})
	c.refusal(11, protocol.TypeCheck, protocol.CodeBusy)
	c.lab(protocol.Request{Type: protocol.TypeStep, ID: 12, Dir: protocol.DirForward, Count: 1})
	c.refusal(12, protocol.TypeStep, protocol.CodeBusy)
	c.lab(protocol.Request{Type: protocol.TypeSelect, ID: 13, Node: "head.w"})
	var sel protocol.Node
	if m := c.expect(protocol.TypeNode, &sel); m.ID != 13 || sel.Node == nil || sel.Node.Name != "head.w" {
		t.Errorf("select while a check runs: %s", m.raw)
	}
	close(release)

	params := 0
	for _, n := range g.Nodes {
		if n.Kind == "parameter" {
			params++
		}
	}
	for done := 1; ; done++ {
		var m protocol.GradCheck
		c.expect(protocol.TypeGradCheck, &m)
		if m.ID != 10 || !m.All || m.Progress == nil || m.Progress.Done != min(done, params) || m.Progress.Total != params || !m.Match {
			t.Fatalf("gradcheck %d: id %d, all %v, progress %+v, match %v; want id 10, %d of %d, a match", done, m.ID, m.All, m.Progress, m.Match, done, params)
		}
		if m.Final {
			if done != params+1 || len(m.Params) != params {
				t.Errorf("the final gradcheck came as message %d with %d rows, want message %d with %d", done, len(m.Params), params+1, params)
			}
			break
		}
	}

	// The connection still steps: back one step, and forward again.
	c.lab(protocol.Request{Type: protocol.TypeBack, ID: 14, Count: 1})
	var n protocol.Node
	if c.expect(protocol.TypeNode, &n); n.ID != 14 || n.Step.Index != g.Steps-1 {
		t.Errorf("back after the check: node %d at %d, want the answer to 14 at %d", n.ID, n.Step.Index, g.Steps-1)
	}
	c.lab(protocol.Request{Type: protocol.TypeStep, ID: 15, Dir: protocol.DirForward, Count: 1})
	if c.expect(protocol.TypeNode, &n); n.ID != 15 || n.Step.Index != g.Steps {
		t.Errorf("step after the check: node %d at %d, want the answer to 15 at %d", n.ID, n.Step.Index, g.Steps)
	}
	c.lab(protocol.Request{Type: protocol.TypeCheck, ID: 16, Node: "layers.0.ffn.w1"})
	var one protocol.GradCheck
	if c.expect(protocol.TypeGradCheck, &one); one.ID != 16 || !one.Match || one.Checked != protocol.MaxCheckEntries || one.Size != 1024 || one.Note != "checked 64 of 1024 entries, seeded sample" {
		t.Errorf("check of w1: %+v", one)
	}
}
