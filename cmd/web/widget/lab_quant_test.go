package widget

import (
	"strings"
	"testing"

	"stepgraph/cmd/web/protocol"
)

// TestLabQuantize quantizes a training lab over the protocol: the set
// pauses training and answers with the integer graph, a quantError of the
// stepped example after each node message (one per highlighted node) and
// the report in the metrics; training is then refused with busy, naming
// quant, and quant none brings the float graph back.
func TestLabQuantize(t *testing.T) {
	w, rec := newWidget(t, "lab", nil)
	req := func(typ string, r protocol.Request) *protocol.Error {
		r.Type, r.Widget = typ, "lab"
		return w.Handle(&r)
	}
	if e := req(protocol.TypeTrain, protocol.Request{Action: protocol.TrainStart}); e != nil {
		t.Fatal(e)
	}
	rec.take()
	if e := req(protocol.TypeSet, protocol.Request{Name: "quant", Value: "dynamic"}); e != nil {
		t.Fatal(e)
	}
	w.mu.Lock()
	training := w.training()
	w.mu.Unlock()
	if training {
		t.Error("quantizing left the lab training")
	}
	msgs := rec.take()
	g := last[*protocol.Graph](msgs)
	ints := 0
	for _, n := range g.Nodes {
		if strings.HasPrefix(n.Op, "int8 matmul") {
			ints++
		}
	}
	if ints == 0 {
		t.Fatalf("the graph after quant=dynamic has no int8 matmul: %+v", g.Nodes[:3])
	}
	q := last[*protocol.QuantError](msgs)
	if q == nil || q.Over != "the stepped example" || len(q.Nodes) == 0 {
		t.Fatalf("quantError %+v", q)
	}
	m := last[*protocol.LabMetrics](msgs)
	if m.Running || m.Values["bytes"] <= 0 || m.Values["floatBytes"] <= m.Values["bytes"] || m.Values["int8MatmulNs"] <= 0 {
		t.Errorf("metrics after quantizing: running %v, values %v", m.Running, m.Values)
	}

	// Selecting another node sends its comparison.
	if e := req(protocol.TypeSelect, protocol.Request{Node: "logits"}); e != nil {
		t.Fatal(e)
	}
	q = last[*protocol.QuantError](rec.take())
	if q == nil || q.Node == nil || q.Node.Name != "logits" || q.Node.Float == nil || q.Node.Error == nil {
		t.Fatalf("quantError after selecting logits: %+v", q)
	}

	for _, r := range []struct {
		typ string
		r   protocol.Request
	}{
		{protocol.TypeTrain, protocol.Request{Action: protocol.TrainStart}},
		{protocol.TypeOptimize, protocol.Request{}},
	} {
		if e := req(r.typ, r.r); e == nil || e.Code != protocol.CodeBusy || e.Field != "quant" {
			t.Errorf("%s of a quantized lab = %v, want busy on quant", r.typ, e)
		}
	}
	if e := req(protocol.TypeSet, protocol.Request{Name: "quant", Value: "none"}); e != nil {
		t.Fatal(e)
	}
	for _, n := range last[*protocol.Graph](rec.take()).Nodes {
		if strings.HasPrefix(n.Op, "int") {
			t.Fatalf("quant none still shows %s (%s)", n.Name, n.Op)
		}
	}
	if e := req(protocol.TypeTrain, protocol.Request{Action: protocol.TrainStart}); e != nil {
		t.Errorf("the float lab refuses to train again: %v", e)
	}
}
