package widget

import (
	"encoding/json"
	"math"
	"testing"

	"stepgraph/cmd/web/protocol"
)

// TestQuantErrorMessage checks the quantError message of a quant widget:
// sent with the graph and after a select, every node's SQNR as the
// metrics report it (sqnr:<name>, engine/quant's Measure), and the
// selected node's float, quantized and error maps.
func TestQuantErrorMessage(t *testing.T) {
	w, rec := newWidget(t, "quant", map[string]string{"bits": "4"})
	w.Start(1)
	msgs := rec.take()
	qe, mt := last[*protocol.QuantError](msgs), last[*protocol.Metrics](msgs)
	if qe == nil || mt == nil {
		t.Fatalf("configure sent no quantError or metrics: %v", msgs)
	}
	if qe.Unit != "dB" || len(qe.Edges) == 0 || len(qe.Nodes) == 0 || qe.Node != nil {
		t.Fatalf("quantError = %+v, want dB bands, nodes and no node before a select", qe)
	}
	for _, n := range qe.Nodes {
		want, ok := mt.Values["sqnr:"+n.Of]
		switch {
		case !ok && !n.Exact:
			t.Errorf("%s: no sqnr:%s in metrics and not exact", n.Name, n.Of)
		case ok && (n.SQNR == nil || *n.SQNR != want):
			t.Errorf("%s: sqnr = %v, want %v as in metrics", n.Name, n.SQNR, want)
		}
	}
	if e := w.Handle(&protocol.Request{Type: protocol.TypeSelect, ID: 2, Node: "logits"}); e != nil {
		t.Fatal(e)
	}
	qe = last[*protocol.QuantError](rec.take())
	if qe == nil || qe.Node == nil || qe.Node.Name != "logits" || qe.Node.Float == nil || qe.Node.Quantized == nil || qe.Node.Error == nil {
		t.Fatalf("select logits: quantError %+v, want the logits compared", qe)
	}
	if qe.Node.Float.Rows != 4 || qe.Node.Float.Cols != 3 {
		t.Errorf("logits float map %dx%d, want 4x3 (the stepped examples by class)", qe.Node.Float.Rows, qe.Node.Float.Cols)
	}
	for i, d := range qe.Node.Error.Data {
		// Heatmap cells are rounded to 6 significant digits on the wire
		// only; here they are exact float64.
		if got := float64(qe.Node.Float.Data[i]) - float64(qe.Node.Quantized.Data[i]); math.Abs(got-float64(d)) > 1e-12 {
			t.Fatalf("error[%d] = %v, want float - quantized = %v", i, d, got)
		}
	}
	b, err := json.Marshal(qe)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	json.Unmarshal(b, &raw)
	for _, k := range []string{"unit", "edges", "nodes", "node"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("quantError JSON has no %q: %s", k, b)
		}
	}
}
