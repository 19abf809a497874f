// Package gradcheck compares the gradients of an engine graph with float64
// central differences, in the style of gonum's diff/fd tests.
//
// For a loss L and an element x_i, the central difference is
//
//	(L(x + h e_i) - L(x - h e_i)) / (2h),
//
// whose error is O(h^2) in the step and O(eps/h) in rounding. With h = 1e-5
// in float64 both are about 1e-10 for the smooth functions of this project,
// so an agreement of 1e-6 (relative to max(|g|, 1)) leaves a wide margin
// while any wrong backward formula fails by orders of magnitude more.
package gradcheck

import (
	"fmt"
	"math"

	"stepgraph/engine"
)

// Mismatch is the worst disagreement found for one node.
type Mismatch struct {
	Node     string
	Index    int     // flat index of the worst element
	Analytic float64 // backprop gradient
	Numeric  float64 // central difference
	Err      float64 // |a - n| / max(|n|, 1)
}

func (m Mismatch) String() string {
	return fmt.Sprintf("%s[%d]: backprop %.10g, central difference %.10g (err %.3g)", m.Node, m.Index, m.Analytic, m.Numeric, m.Err)
}

// Graph checks d loss / d node for each named node (every parameter when
// names is empty) and returns the worst disagreement per node. The graph
// must have a loss. The node values are restored afterwards.
func Graph(g *engine.Graph, h float64, names ...string) []Mismatch {
	var nodes []*engine.Node
	if len(names) == 0 {
		nodes = g.Params()
	} else {
		for _, name := range names {
			nodes = append(nodes, g.MustNode(name))
		}
	}
	g.Forward()
	g.Backward()
	analytic := make([][]float64, len(nodes))
	for i, n := range nodes {
		if n.Grad == nil {
			panic(fmt.Sprintf("gradcheck: node %q has no gradient", n.Name))
		}
		analytic[i] = append([]float64(nil), n.Grad.Data...)
	}
	var out []Mismatch
	for i, n := range nodes {
		worst := Mismatch{Node: n.Name, Index: -1}
		for j := range n.Value.Data {
			x := n.Value.Data[j]
			n.Value.Data[j] = x + h
			lp := g.Forward()
			n.Value.Data[j] = x - h
			lm := g.Forward()
			n.Value.Data[j] = x
			num := (lp - lm) / (2 * h)
			a := analytic[i][j]
			err := math.Abs(a-num) / math.Max(math.Abs(num), 1)
			if worst.Index < 0 || err > worst.Err {
				worst = Mismatch{Node: n.Name, Index: j, Analytic: a, Numeric: num, Err: err}
			}
		}
		out = append(out, worst)
	}
	g.Forward()
	return out
}

// Op builds a graph y = op(inputs...) with every input a parameter, adds the
// loss L = sum_i w_i y_i with seeded random weights w (so every output
// element gets a different upstream gradient), and checks every input. An
// input listed in constant is an input node instead (integer ids, targets).
func Op(op engine.Op, seed uint32, h float64, inputs []*engine.Tensor, constant ...int) []Mismatch {
	g := engine.NewGraph()
	nodes := make([]*engine.Node, len(inputs))
	var check []string
	for i, t := range inputs {
		name := fmt.Sprintf("in%d", i)
		isConst := false
		for _, c := range constant {
			isConst = isConst || c == i
		}
		if isConst {
			nodes[i] = g.Input(name, t.Shape...)
			nodes[i].Value.CopyFrom(t)
		} else {
			nodes[i] = g.Param(name, t.Clone())
			check = append(check, name)
		}
	}
	y := g.Apply("y", op, nodes...)
	rng := engine.NewMulberry32(seed)
	w := engine.New(y.Shape...)
	for i := range w.Data {
		w.Data[i] = 2*rng.Next() - 1
	}
	g.Loss("loss", &weightedSum{w: w}, y)
	if len(check) == 0 {
		return nil
	}
	return Graph(g, h, check...)
}

// weightedSum is the loss L = sum_i w_i y_i, whose gradient is w.
type weightedSum struct{ w *engine.Tensor }

func (*weightedSum) Info() engine.OpInfo {
	return engine.OpInfo{Name: "weighted sum", Formula: `L = \sum_i w_i y_i`}
}
func (*weightedSum) Shape(in ...[]int) []int { return []int{} }
func (l *weightedSum) Forward(out *engine.Tensor, in ...*engine.Tensor) {
	s := 0.0
	for i, v := range in[0].Data {
		if !math.IsInf(v, 0) {
			s += l.w.Data[i] * v
		}
	}
	out.Data[0] = s
}
func (l *weightedSum) Backward(din []*engine.Tensor, dout, out *engine.Tensor, in ...*engine.Tensor) {
	if din[0] == nil {
		return
	}
	for i := range din[0].Data {
		din[0].Data[i] += dout.Data[0] * l.w.Data[i]
	}
}

// Random returns a tensor of the given shape with entries uniform in
// [-scale, scale), drawn from a mulberry32 stream seeded with seed.
func Random(seed uint32, scale float64, shape ...int) *engine.Tensor {
	rng := engine.NewMulberry32(seed)
	t := engine.New(shape...)
	for i := range t.Data {
		t.Data[i] = scale * (2*rng.Next() - 1)
	}
	return t
}
