package quant

import (
	"math"

	"stepgraph/engine"
)

// NodeError is the quantization error of one node.
type NodeError struct {
	Name string
	Error
}

// Compare measures, for every op node of got that has a node of the same
// name and shape in ref, how far got's value is from ref's. Run both graphs
// forward on the same inputs first. The passes keep the names of the nodes
// they replace, so a quantized graph compares node by node with the float
// graph it came from.
func Compare(ref, got *engine.Graph) []NodeError {
	var out []NodeError
	for _, n := range got.Nodes {
		r := ref.Node(n.Name)
		if n.Op == nil || r == nil || !engine.SameShape(r.Shape, n.Shape) {
			continue
		}
		out = append(out, NodeError{Name: n.Name, Error: Measure(r.Value.Data, n.Value.Data)})
	}
	return out
}

// WeightErrors returns, for each distinct weight of g's linear layers, the
// error of its round trip through scheme s.
func WeightErrors(g *engine.Graph, s Scheme) []NodeError {
	var out []NodeError
	for _, w := range linearWeights(g) {
		d, _ := RoundTrip(w.Value, s)
		out = append(out, NodeError{Name: w.Name, Error: Measure(w.Value.Data, d.Data)})
	}
	return out
}

// Eval is a model's score on one batch.
type Eval struct {
	Loss     float64
	Accuracy float64 // fraction of scored rows whose argmax logit is the target
}

// Evaluate reads the loss of g and the accuracy of its logits, after a
// Forward. The logits and targets are the loss node's two inputs ([..., C]
// and [...]); targets outside [0, C), such as engine.IgnoreTarget, are not
// scored. Accuracy is NaN when no row is scored. It panics if g has no loss.
func Evaluate(g *engine.Graph) Eval {
	loss := g.LossNode()
	if loss == nil {
		panic("quant: Evaluate on a graph without a loss")
	}
	e := Eval{Loss: loss.Value.Data[0], Accuracy: math.NaN()}
	if len(loss.Inputs) != 2 {
		return e
	}
	z, y := loss.Inputs[0].Value, loss.Inputs[1].Value
	c := z.Dim(-1)
	right, scored := 0, 0
	for r, t := range y.Data {
		if t < 0 || int(t) >= c {
			continue
		}
		scored++
		if engine.Argmax(z.Data[r*c:(r+1)*c]) == int(t) { // row r: [C]
			right++
		}
	}
	if scored > 0 {
		e.Accuracy = float64(right) / float64(scored)
	}
	return e
}

// Memory counts the bytes a model's parameters take.
type Memory struct {
	Float32 int // every parameter as float32: the baseline
	Weights int // the integers of the linear weights (int4 packed two per byte)
	Scales  int // their float32 scales, 4 bytes each
	Zeros   int // their zero points, 1 byte each (asymmetric only)
	Other   int // parameters that stay float32 (biases, embeddings, LayerNorm)
}

// Quantized returns the total bytes of the quantized model.
func (m Memory) Quantized() int { return m.Weights + m.Scales + m.Zeros + m.Other }

// MemoryOf counts the parameter bytes of g (a float graph) quantized with
// scheme s: linear weights become integers plus their grids, everything
// else stays float32. Each parameter counts once, however many nodes use it.
func MemoryOf(g *engine.Graph, s Scheme) Memory {
	var m Memory
	quantized := map[*engine.Node]bool{}
	for _, w := range linearWeights(g) {
		quantized[w] = true
		n := w.Value.Size()
		groups := 1
		if s.PerChannel {
			groups = w.Shape[1]
		}
		m.Weights += (n*s.Bits + 7) / 8
		m.Scales += 4 * groups
		if !s.Symmetric {
			m.Zeros += groups
		}
	}
	for _, p := range g.Params() {
		m.Float32 += 4 * p.Value.Size()
		if !quantized[p] {
			m.Other += 4 * p.Value.Size()
		}
	}
	return m
}

// linearWeights returns the distinct weights of g's linear layers.
func linearWeights(g *engine.Graph) []*engine.Node {
	var out []*engine.Node
	seen := map[*engine.Node]bool{}
	for _, n := range Linears(g) {
		if w := n.Inputs[1]; !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}
