package widget

import (
	"slices"
	"testing"

	"stepgraph/cmd/web/protocol"
)

// TestOptimizeSGDMessage takes one optimizer step of an mlp with SGD
// through the adapter: the answer is the optimizer message with SGD's
// momentum and velocity and no moments, then the node (the parameter at
// the end of the timeline) and the metrics, all answering the request;
// ΔW is -lr·g on the first step.
func TestOptimizeSGDMessage(t *testing.T) {
	w, rec := newWidget(t, "mlp", map[string]string{"optimizer": "sgd", "lr": "0.1"})
	rec.take()
	if e := w.Handle(&protocol.Request{Type: protocol.TypeOptimize, ID: 3, Node: "layers.1.w"}); e != nil {
		t.Fatalf("optimize: %v", e)
	}
	msgs := rec.take()
	var types []string
	for _, m := range msgs {
		types = append(types, m.Head().Type)
		if m.Head().ID != 3 {
			t.Errorf("%s answers id %d, want 3", m.Head().Type, m.Head().ID)
		}
	}
	// The mlp's view, the maps of the highlighted hidden layer's neurons,
	// follows the node: the weights changed.
	if want := []string{protocol.TypeOptimizer, protocol.TypeNode, protocol.TypeNeurons, protocol.TypeMetrics}; !slices.Equal(types, want) {
		t.Fatalf("optimize answers %v, want %v", types, want)
	}
	o := msgs[0].(*protocol.Optimizer)
	if o.Optimizer != "sgd" || o.Momentum == nil || *o.Momentum != 0.9 || o.Velocity == nil || o.M != nil || o.StepSize != nil || o.T != 1 || !o.RanBackward {
		t.Errorf("optimizer message = %+v, want SGD's momentum 0.9 and velocity, no moments, t 1, the backward pass run first", o)
	}
	for i, g := range o.Grad.Data {
		// Both rounded to 6 significant digits on the wire: 1e-5 relative.
		if d := o.Delta.Data[i]; abs(d+0.1*g) > 1e-5*abs(0.1*g)+1e-12 {
			t.Errorf("ΔW[%d] = %v, want -lr·g = %v", i, d, -0.1*g)
		}
	}
	n := msgs[1].(*protocol.Node)
	if !n.Step.Done || n.Node == nil || n.Node.Name != "layers.1.w" {
		t.Errorf("node after optimize = %+v, want the end with layers.1.w inspected", n.Step)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestOptimizeRefusals checks the refusals of the adapter: busy while an
// mlp trains (then answered once it stops), and unsupported for the kinds
// without an optimizer of their own.
func TestOptimizeRefusals(t *testing.T) {
	w, rec := newWidget(t, "mlp", nil)
	if e := w.Handle(&protocol.Request{Type: protocol.TypeTrain, ID: 2, Action: protocol.TrainStart, Rate: 1}); e != nil {
		t.Fatal(e)
	}
	if e := w.Handle(&protocol.Request{Type: protocol.TypeOptimize, ID: 3}); e == nil || e.Code != protocol.CodeBusy {
		t.Errorf("optimize while training = %v, want busy", e)
	}
	if e := w.Handle(&protocol.Request{Type: protocol.TypeTrain, ID: 4, Action: protocol.TrainStop}); e != nil {
		t.Fatal(e)
	}
	rec.take()
	if e := w.Handle(&protocol.Request{Type: protocol.TypeOptimize, ID: 5}); e != nil {
		t.Errorf("optimize after the stop = %v", e)
	}
	if o := last[*protocol.Optimizer](rec.take()); o == nil || o.Node != "layers.0.w" || o.Optimizer != "adam" {
		t.Errorf("optimizer message after the stop = %+v, want Adam on the first parameter", o)
	}

	q, _ := newWidget(t, "quant", nil)
	if e := q.Handle(&protocol.Request{Type: protocol.TypeOptimize, ID: 6}); e == nil || e.Code != protocol.CodeUnsupported {
		t.Errorf("optimize of a quant widget = %v, want unsupported", e)
	}
}
