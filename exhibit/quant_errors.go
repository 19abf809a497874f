package exhibit

import (
	"math"

	"stepgraph/engine"
	"stepgraph/engine/quant"
)

// QuantErrorEdges are the edges, in dB, of the bands the graph's nodes are
// coloured by: band 0 is below the first edge (the most error), band
// len(QuantErrorEdges) at or above the last. 10 dB is a tenth of the
// signal's power lost to noise; int8 post-training passes reach 30-40 dB on
// the quant exhibit's logits, int4 6-9 dB (TestQuantReport).
var QuantErrorEdges = []float64{10, 20, 30, 40}

// QuantErrorView is the quantization error of the stepped graph, node by
// node, for the graph's colours and legend, and the highlighted node's
// float and quantized values with their difference.
type QuantErrorView struct {
	Unit  string            // "dB"
	Over  string            // what the errors are measured on: "every held-out point", "the stepped example"
	Edges []float64         // QuantErrorEdges
	Nodes []QuantNodeError  // the stepped graph's nodes that have an error, in graph order
	Node  *QuantNodeCompare // the highlighted node's values; nil when it has no error

	Calibration *QuantCalibration // the static pass's calibration; nil for the others
}

func (*QuantErrorView) view() {}

// QuantNodeError is one node's error: the report's numbers (engine/quant's
// Measure on every held-out point) under the name it is measured as.
type QuantNodeError struct {
	ID   int    // the stepped graph's node
	Name string // its name
	Of   string // the name of the error: the node's own, or a weight's for its .q or .fq node
	quant.Error
	Band int // the colour band of SQNR: the number of edges at or below it
}

// Exact says the quantized values equal the float ones (SQNR +Inf).
func (e QuantNodeError) Exact() bool { return math.IsInf(e.SQNR, 1) }

// QuantNodeCompare is the float against the quantized values of one node,
// and the error map Float - Quantized. For a weight, the float weight and
// its round trip through the scheme; for an op node, its value in the float
// and the integer model on the first quantBatch held-out points (the
// stepped examples), or the whole value when it has no batch axis (the
// loss, over every held-out point).
type QuantNodeCompare struct {
	QuantNodeError
	Float, Quantized, Error Map
}

// quantErrorName returns the name a stepped node's error is reported
// under: a weight's .q or .fq node reports the weight's round trip.
func quantErrorName(name string) string {
	for _, suffix := range []string{".q", ".fq"} {
		if len(name) > len(suffix) && name[len(name)-len(suffix):] == suffix {
			return name[:len(name)-len(suffix)]
		}
	}
	return name
}

// quantBand returns the colour band of an SQNR in dB.
func quantBand(sqnr float64) int {
	b := 0
	for _, e := range QuantErrorEdges {
		if sqnr >= e {
			b++
		}
	}
	return b
}

// errorView builds the error view of graph g (the stepped graph) with
// highlighted node hl (or nil), its errors measured on over.
func (r *quantReport) errorView(g *engine.Graph, hl *engine.Node, over string, axes func(*engine.Node) (Axis, Axis)) *QuantErrorView {
	v := &QuantErrorView{Unit: "dB", Over: over, Edges: QuantErrorEdges, Nodes: []QuantNodeError{}, Calibration: r.calibration}
	for _, n := range g.Nodes {
		// A node's own error first: the transformer's queries end in .q
		// too ("layers.0.attn.q"), and are op nodes measured by name.
		of := n.Name
		if _, own := r.nodeErrors[of]; !own {
			of = quantErrorName(n.Name)
		}
		e, ok := r.nodeErrors[of]
		if !ok {
			continue
		}
		ne := QuantNodeError{ID: n.ID, Name: n.Name, Of: of, Error: e, Band: quantBand(e.SQNR)}
		v.Nodes = append(v.Nodes, ne)
		if n == hl {
			rows, cols := axes(n)
			v.Node = r.compare(ne, rows, cols)
		}
	}
	return v
}

// compare returns the float and quantized values of node ne.
func (r *quantReport) compare(ne QuantNodeError, rows, cols Axis) *QuantNodeCompare {
	var fl, qu *engine.Tensor
	if w, ok := r.weights[ne.Of]; ok {
		fl, qu = w[0], w[1]
	} else {
		fl, qu = r.rows[ne.Of][0], r.rows[ne.Of][1]
	}
	d := fl.Clone()
	for i, x := range qu.Data {
		d.Data[i] -= x
	}
	m := func(t *engine.Tensor) Map { return Map{Tensor: t, Rows: rows, Cols: cols} }
	return &QuantNodeCompare{QuantNodeError: ne, Float: m(fl), Quantized: m(qu), Error: m(d)}
}

// leading returns a copy of the first k entries of t's leading (batch)
// axis, or t itself when it has no axis or k of it (the loss: a scalar,
// small).
func leading(t *engine.Tensor, k int) *engine.Tensor {
	if t.Rank() < 1 || t.Shape[0] <= k {
		return t
	}
	shape := append([]int{k}, t.Shape[1:]...)
	return engine.FromData(append([]float64{}, t.Data[:t.Size()/t.Shape[0]*k]...), shape...)
}
