package exhibit

import (
	"math"
	"testing"

	"stepgraph/engine/quant"
)

// TestQuantErrorViewSQNR checks the per-node SQNR that colours the quant
// exhibit's graph against engine/quant's metrics of independently rebuilt
// float and integer models on every held-out point: quant.Compare for op
// nodes, quant.WeightErrors for the weights (under their .q nodes). Every
// node with an error must be in the view, in its band, and the highlighted
// node's comparison must be float - quantized.
func TestQuantErrorViewSQNR(t *testing.T) {
	for _, opts := range []map[string]string{
		{}, {"bits": "4"}, {"pass": "static"}, {"pass": "static", "bits": "4", "granularity": "per-channel"},
		{"pass": "qat", "bits": "4"}, {"pass": "static", "view": "prepared"},
	} {
		q := build[*Quant](t, "quant", opts)
		s := quantScheme(q.values)
		want := map[string]quant.Error{}
		ref, err := q.float.graph(q.float.model, q.float.test.Len())
		if err != nil {
			t.Fatal(err)
		}
		ref.Forward()
		for _, e := range quant.Compare(ref, quantIntegerGraph(t, q)) {
			want[e.Name] = e.Error
		}
		m := q.float.model
		if q.values.Str("pass") == "qat" {
			if m, _, err = q.float.fineTune(s); err != nil {
				t.Fatal(err)
			}
		}
		wg, err := m.Build(1)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range quant.WeightErrors(wg, s) {
			want[e.Name] = e.Error
		}

		v := q.Views()[0].(*QuantErrorView)
		if len(v.Nodes) < 6 { // 3 linears and 3 weights at least
			t.Fatalf("%v: %d nodes with an error, want every linear and weight", opts, len(v.Nodes))
		}
		seen := map[string]bool{}
		for _, n := range v.Nodes {
			w, ok := want[n.Of]
			if !ok {
				t.Errorf("%v: node %s has an error of %q, which engine/quant does not measure", opts, n.Name, n.Of)
				continue
			}
			seen[n.Of] = true
			// The same Measure of the same float64 values: equal to the bit
			// (both infinite when the node is exact).
			if n.SQNR != w.SQNR && !(math.IsInf(n.SQNR, 1) && math.IsInf(w.SQNR, 1)) {
				t.Errorf("%v: SQNR(%s) = %v dB, want %v as quant.Measure gives", opts, n.Name, n.SQNR, w.SQNR)
			}
			if n.MSE != w.MSE || n.MaxAbs != w.MaxAbs {
				t.Errorf("%v: error(%s) = %v, want %v", opts, n.Name, n.Error, w)
			}
			if b := quantBand(w.SQNR); n.Band != b {
				t.Errorf("%v: band(%s) = %d, want %d", opts, n.Name, n.Band, b)
			}
			if q.step.Graph().Node(n.Name).ID != n.ID {
				t.Errorf("%v: %s has id %d, want the stepped graph's", opts, n.Name, n.ID)
			}
		}
		// Every op node and weight of the stepped integer graph that
		// engine/quant measures is coloured.
		if q.values.Str("view") == "integer" {
			for _, n := range q.step.Graph().Nodes {
				if _, ok := want[quantErrorName(n.Name)]; ok && !seen[quantErrorName(n.Name)] {
					t.Errorf("%v: node %s is not coloured", opts, n.Name)
				}
			}
		}
		for _, name := range []string{"logits", "layers.1.w.q"} {
			if q.step.Graph().Node(name) == nil {
				continue
			}
			if e := q.step.Select(name); e != nil {
				t.Fatal(e)
			}
			c := q.Views()[0].(*QuantErrorView).Node
			if c == nil || c.Name != name {
				t.Fatalf("%v: select %s: comparison of %+v", opts, name, c)
			}
			fl, qu, d := c.Float.Tensor, c.Quantized.Tensor, c.Error.Tensor
			for i := range d.Data {
				if d.Data[i] != fl.Data[i]-qu.Data[i] {
					t.Fatalf("%v: %s error[%d] = %v, want %v - %v", opts, name, i, d.Data[i], fl.Data[i], qu.Data[i])
				}
			}
			if name == "logits" && (fl.Shape[0] != quantBatch || qu.Shape[0] != quantBatch) {
				t.Errorf("%v: logits compared on %v and %v, want the %d stepped examples", opts, fl.Shape, qu.Shape, quantBatch)
			}
		}
	}
}
