package session

import (
	"math"
	"testing"

	"stepgraph/cmd/web/protocol"
)

// expectError reads messages until an error comes, and checks that it
// refuses request id of type typ with code.
func (c *client) expectError(id int64, typ string, code protocol.Code) protocol.ErrorMsg {
	c.t.Helper()
	var e protocol.ErrorMsg
	c.expect(protocol.TypeError, &e)
	if e.Code != code || e.ID != id || e.Request != typ || e.Message == "" {
		c.t.Errorf("error %+v, want %s for %s id %d, with a reason", e, code, typ, id)
	}
	return e
}

// expectAnswer reads messages until one of type typ answers request id.
func (c *client) expectAnswer(id int64, typ string, v any) {
	c.t.Helper()
	for {
		if m := c.expect(typ, v); m.ID == id {
			return
		}
	}
}

// TestOptimizeOverTheSocket sends optimize requests to the lab over a
// real websocket: an unknown node, a node that is not a parameter and a
// step while training each get an error, and the connection goes on
// answering; a step from the middle of the forward pass runs the backward
// pass first, and its ΔW is Adam's first step, about lr on every entry
// whose gradient is not 0.
func TestOptimizeOverTheSocket(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	configureLab(t, c, nil)

	c.lab(protocol.Request{Type: protocol.TypeOptimize, ID: 2, Node: "no.such.node"})
	c.expectError(2, protocol.TypeOptimize, protocol.CodeUnknownNode)
	c.lab(protocol.Request{Type: protocol.TypeOptimize, ID: 3, Node: "input_ids"})
	c.expectError(3, protocol.TypeOptimize, protocol.CodeBadField)
	c.lab(protocol.Request{Type: protocol.TypeOptimize, ID: 4, Node: "layers.0.attn.q"})
	c.expectError(4, protocol.TypeOptimize, protocol.CodeBadField)

	// Still usable: a step of the forward pass, then a step of the optimizer.
	c.lab(protocol.Request{Type: protocol.TypeStep, ID: 5, Dir: protocol.DirForward, Count: 3})
	var n protocol.Node
	c.expectAnswer(5, protocol.TypeNode, &n)
	c.lab(protocol.Request{Type: protocol.TypeOptimize, ID: 6, Node: "layers.0.attn.wq"})
	var o protocol.Optimizer
	c.expectAnswer(6, protocol.TypeOptimizer, &o)
	if o.Node != "layers.0.attn.wq" || o.Optimizer != "adam" || o.T != 1 || o.LR != 0.01 || !o.RanBackward {
		t.Errorf("optimizer = node %q %s t %d lr %v ran backward %v; want layers.0.attn.wq, adam, 1, 0.01, true", o.Node, o.Optimizer, o.T, o.LR, o.RanBackward)
	}
	if o.M == nil || o.V == nil || o.MHat == nil || o.VHat == nil || o.StepSize == nil || o.Velocity != nil || o.Before.Rows != 16 || o.Before.Cols != 16 {
		t.Fatalf("optimizer message lacks Adam's maps or has SGD's: %+v", o)
	}
	for i, d := range o.Delta.Data {
		// The wire rounds to 6 significant digits (a relative 5e-6), the
		// subtraction of weights near 0.3 loses about 1e-16 more.
		if diff := o.After.Data[i] - o.Before.Data[i]; math.Abs(diff-d) > 1e-5*math.Abs(o.Before.Data[i])+1e-7 {
			t.Fatalf("delta[%d] = %v, want after - before = %v", i, d, diff)
		}
		// Adam's first step: m̂ = g and v̂ = g², so each entry moves by
		// -lr·g/(|g|+ε), about lr against the gradient's sign whatever its
		// size. The wire's rounding allows a relative 1e-5.
		if g := o.Grad.Data[i]; g != 0 {
			want := -0.01 * g / (math.Abs(g) + 1e-8)
			if math.Abs(d-want) > 1e-5*math.Abs(want) {
				t.Fatalf("delta[%d] = %v for gradient %v, want -lr·g/(|g|+ε) = %v", i, d, g, want)
			}
		}
	}
	c.expectAnswer(6, protocol.TypeNode, &n)
	if !n.Step.Done || n.Node == nil || n.Node.Name != "layers.0.attn.wq" {
		t.Errorf("node after optimize = %+v, want the end of the timeline with the parameter inspected", n.Step)
	}
	var met protocol.LabMetrics
	c.expectAnswer(6, protocol.TypeMetrics, &met)

	// Busy while the lab trains, though it steps meanwhile.
	c.lab(protocol.Request{Type: protocol.TypeTrain, ID: 7, Action: protocol.TrainStart, Rate: 1})
	c.lab(protocol.Request{Type: protocol.TypeOptimize, ID: 8})
	c.expectError(8, protocol.TypeOptimize, protocol.CodeBusy)
	c.lab(protocol.Request{Type: protocol.TypeStep, ID: 9, Dir: protocol.DirForward})
	c.expectAnswer(9, protocol.TypeNode, &n)
	c.lab(protocol.Request{Type: protocol.TypeTrain, ID: 10, Action: protocol.TrainStop})
	c.expectAnswer(10, protocol.TypeMetrics, &met)
	trained := met.Step

	// And answered again once it stops, the optimizer's count going on
	// from training's: without a node, the inspected parameter.
	c.lab(protocol.Request{Type: protocol.TypeSelect, ID: 11, Node: "layers.0.ffn.w1"})
	c.expectAnswer(11, protocol.TypeNode, &n)
	c.lab(protocol.Request{Type: protocol.TypeOptimize, ID: 12})
	c.expectAnswer(12, protocol.TypeOptimizer, &o)
	if o.T != trained+2 || o.Node != "layers.0.ffn.w1" || o.RanBackward {
		t.Errorf("optimizer after %d training steps = node %q t %d ran backward %v, want the inspected layers.0.ffn.w1 at t %d, at the end already", trained, o.Node, o.T, o.RanBackward, trained+2)
	}
}
