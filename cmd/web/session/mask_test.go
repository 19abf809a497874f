package session

import (
	"math"
	"strings"
	"testing"

	"stepgraph/cmd/web/protocol"
)

// expectMaskError reads messages until the error answering request id, and
// checks its code and that its message contains want.
func (c *client) expectMaskError(id int64, code protocol.Code, want string) {
	c.t.Helper()
	for {
		var e protocol.ErrorMsg
		c.expect(protocol.TypeError, &e)
		if e.ID != id {
			continue
		}
		if e.Code != code || !strings.Contains(e.Message, want) || e.Request != protocol.TypeMask {
			c.t.Errorf("request %d: error %s %q (request %q), want %s with %q", id, e.Code, e.Message, e.Request, code, want)
		}
		return
	}
}

// TestLabMaskEdit edits the default lab's mask over a real websocket: the
// first edit answers the graph (its mask nodes now edited-mask), the
// cursor and the maps, with the edited row renormalised; bad edits are
// refused with a clear error, and the connection still answers a step.
func TestLabMaskEdit(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	configureLab(t, c, nil)
	c.lab(protocol.Request{Type: protocol.TypeRun, ID: 2, To: protocol.RunToForward})
	var (
		ran    protocol.Node
		before protocol.Attention
	)
	c.expect(protocol.TypeNode, &ran)
	c.expect(protocol.TypeAttention, &before)

	c.lab(protocol.Request{Type: protocol.TypeMask, ID: 3, Mask: &protocol.MaskEdit{Attention: "layers.0.attn", Row: 3, Col: 1, Allowed: false}})
	var (
		g protocol.Graph
		n protocol.Node
		a protocol.Attention
	)
	if m := c.expect(protocol.TypeGraph, &g); m.ID != 3 {
		t.Errorf("graph answers request %d, want 3", m.ID)
	}
	c.expect(protocol.TypeNode, &n)
	c.expect(protocol.TypeAttention, &a)
	for _, box := range g.Nodes {
		if strings.HasSuffix(box.Name, ".masked") && box.Op != "edited-mask" {
			t.Errorf("graph node %s has op %q, want edited-mask", box.Name, box.Op)
		}
	}
	if n.Step.Index != ran.Step.Index || n.Step.Node != ran.Step.Node {
		t.Errorf("cursor %+v after the edit, want it where it was, %+v", n.Step, ran.Step)
	}
	l := a.Layers[0]
	if !l.Edited || l.Preset != "custom" || !l.Causal {
		t.Errorf("layer %s: edited %v, preset %q, causal %v; want edited, custom, causal", l.Name, l.Edited, l.Preset, l.Causal)
	}
	for _, h := range l.Heads {
		p, old := h.Probs, before.Layers[0].Heads[h.Head].Probs
		if p == nil || !h.Mask[3][1] {
			t.Fatalf("head %d: probs %v, mask %v after the edit", h.Head, p, h.Mask)
		}
		sum := 0.0
		for k := range p.Cols {
			sum += p.Data[3*p.Cols+k]
		}
		if p.Data[3*p.Cols+1] != 0 || math.Abs(sum-1) > 1e-4 { // the wire rounds to 6 digits
			t.Errorf("head %d row 3: %v, want 0 at key 1 and a sum of 1", h.Head, p.Data[3*p.Cols:4*p.Cols])
		}
		if p.Data[0] != old.Data[0] || p.Data[3*p.Cols] == old.Data[3*p.Cols] {
			t.Errorf("head %d: row 0 changed or row 3 did not", h.Head)
		}
	}

	// Bad edits, each refused, the connection usable.
	c.lab(protocol.Request{Type: protocol.TypeMask, ID: 4, Mask: &protocol.MaskEdit{Attention: "layers.0.attn", Row: 6, Col: 0}})
	c.expectMaskError(4, protocol.CodeOutOfRange, "outside the 6×6 mask")
	c.lab(protocol.Request{Type: protocol.TypeMask, ID: 5, Mask: &protocol.MaskEdit{Attention: "layers.0.attn", Row: 0, Col: 0}})
	c.expectMaskError(5, protocol.CodeBlockedRow, "row 0")
	c.lab(protocol.Request{Type: protocol.TypeMask, ID: 6, Mask: &protocol.MaskEdit{Attention: "layers.2.attn", Preset: protocol.MaskNone}})
	c.expectMaskError(6, protocol.CodeUnknownNode, `no attention "layers.2.attn"`)
	c.send(`{"type":"mask","widget":"lab","id":7,"attention":"layers.0.attn","row":1,"col":0,"allowed":"yes"}`)
	c.expectMaskError(7, protocol.CodeBadField, `"allowed"`)
	c.lab(protocol.Request{Type: protocol.TypeTrain, ID: 8, Action: protocol.TrainStart, Steps: 100000})
	c.lab(protocol.Request{Type: protocol.TypeMask, ID: 9, Mask: &protocol.MaskEdit{Attention: "layers.0.attn", Preset: protocol.MaskCausal}})
	c.expectMaskError(9, protocol.CodeBusy, "training")
	c.lab(protocol.Request{Type: protocol.TypeTrain, ID: 10, Action: protocol.TrainStop})
	for {
		var met protocol.LabMetrics
		if m := c.expect(protocol.TypeMetrics, &met); m.ID == 10 {
			break
		}
	}
	c.lab(protocol.Request{Type: protocol.TypeStep, ID: 11, Dir: protocol.DirForward})
	for {
		var n protocol.Node
		if m := c.expect(protocol.TypeNode, &n); m.ID == 11 {
			break
		}
	}
	// A preset after training: in place, no graph.
	c.lab(protocol.Request{Type: protocol.TypeMask, ID: 12, Mask: &protocol.MaskEdit{Attention: "layers.0.attn", Preset: protocol.MaskPadding, Length: 4}})
	for {
		m := c.next()
		if m.Type == protocol.TypeGraph {
			t.Errorf("a second edit sent a graph")
		}
		if m.Type == protocol.TypeAttention && m.ID == 12 {
			var a protocol.Attention
			c.decode(m, &a)
			if l := a.Layers[0]; l.Preset != "padding" || l.Length != 4 || !l.Heads[0].Mask[0][4] || l.Heads[0].Mask[5][3] {
				t.Errorf("after padding 4: preset %q length %d mask %v", l.Preset, l.Length, l.Heads[0].Mask)
			}
			break
		}
	}
}
