package engine

import (
	"fmt"
	"slices"
)

// Graph is a computational graph whose nodes are kept in topological order:
// a node is added only after all of its inputs. Build it once per model
// configuration, then run it many times with new input values.
type Graph struct {
	Nodes  []*Node
	byName map[string]*Node
	loss   *Node
}

// NewGraph returns an empty graph.
func NewGraph() *Graph { return &Graph{byName: map[string]*Node{}} }

func (g *Graph) add(n *Node) *Node {
	if _, dup := g.byName[n.Name]; dup {
		panic(fmt.Sprintf("engine: duplicate node name %q", n.Name))
	}
	n.ID = len(g.Nodes)
	g.Nodes = append(g.Nodes, n)
	g.byName[n.Name] = n
	return n
}

// Input adds an input node with a zero value of the given shape. Inputs need
// no gradient.
func (g *Graph) Input(name string, shape ...int) *Node {
	return g.add(&Node{Name: name, Kind: KindInput, Shape: slices.Clone(shape), Value: New(shape...)})
}

// Param adds a trainable parameter whose value is the given tensor, shared
// with the caller (a model's parameters can back several graphs).
func (g *Graph) Param(name string, value *Tensor) *Node {
	return g.add(&Node{Name: name, Kind: KindParam, Shape: slices.Clone(value.Shape), Value: value, Grad: New(value.Shape...)})
}

// Frozen adds a parameter that receives no gradient, such as a teacher's
// weight during distillation.
func (g *Graph) Frozen(name string, value *Tensor) *Node {
	return g.add(&Node{Name: name, Kind: KindParam, Shape: slices.Clone(value.Shape), Value: value})
}

// Apply adds the node name = op(inputs...). It panics if the input shapes do
// not fit the op.
func (g *Graph) Apply(name string, op Op, inputs ...*Node) *Node {
	return g.apply(KindOp, name, op, inputs)
}

// Loss adds the scalar loss node name = op(inputs...). A graph has at most
// one loss; the backward pass starts from it.
func (g *Graph) Loss(name string, op Op, inputs ...*Node) *Node {
	if g.loss != nil {
		panic(fmt.Sprintf("engine: graph already has loss %q", g.loss.Name))
	}
	n := g.apply(KindLoss, name, op, inputs)
	if len(n.Shape) != 0 {
		panic(fmt.Sprintf("engine: loss %q has shape %v, want a scalar", name, n.Shape))
	}
	g.loss = n
	return n
}

func (g *Graph) apply(kind Kind, name string, op Op, inputs []*Node) *Node {
	shapes := make([][]int, len(inputs))
	needs := false
	for i, in := range inputs {
		shapes[i] = in.Shape
		needs = needs || in.NeedsGrad()
	}
	shape := op.Shape(shapes...)
	n := &Node{Name: name, Kind: kind, Op: op, Inputs: slices.Clone(inputs), Shape: shape, Value: New(shape...)}
	if needs || kind == KindLoss {
		n.Grad = New(shape...)
	}
	g.add(n)
	for _, in := range inputs {
		in.Users = append(in.Users, n)
	}
	return n
}

// Node returns the node with the given name, or nil.
func (g *Graph) Node(name string) *Node { return g.byName[name] }

// MustNode returns the node with the given name. It panics if there is none.
func (g *Graph) MustNode(name string) *Node {
	n := g.byName[name]
	if n == nil {
		panic(fmt.Sprintf("engine: no node %q", name))
	}
	return n
}

// LossNode returns the loss node, or nil.
func (g *Graph) LossNode() *Node { return g.loss }

// Params returns the parameter nodes in the order they were added.
func (g *Graph) Params() []*Node {
	var ps []*Node
	for _, n := range g.Nodes {
		if n.Kind == KindParam {
			ps = append(ps, n)
		}
	}
	return ps
}

// ForwardNode computes one node from its inputs. Leaves are left alone.
func (g *Graph) ForwardNode(n *Node) {
	if n.Op == nil {
		return
	}
	ins := make([]*Tensor, len(n.Inputs))
	for i, in := range n.Inputs {
		ins[i] = in.Value
	}
	n.Op.Forward(n.Value, ins...)
}

// BackwardNode pushes n's gradient into the gradients of its inputs (+=).
func (g *Graph) BackwardNode(n *Node) {
	if n.Op == nil || n.Grad == nil {
		return
	}
	ins := make([]*Tensor, len(n.Inputs))
	dins := make([]*Tensor, len(n.Inputs))
	for i, in := range n.Inputs {
		ins[i] = in.Value
		dins[i] = in.Grad
	}
	n.Op.Backward(dins, n.Grad, n.Value, ins...)
}

// Forward runs every node in topological order and returns the loss value,
// or 0 if the graph has no loss.
func (g *Graph) Forward() float64 {
	for _, n := range g.Nodes {
		g.ForwardNode(n)
	}
	if g.loss != nil {
		return g.loss.Value.Data[0]
	}
	return 0
}

// ForwardAfter recomputes every op node after n in topological order,
// taking n's value as it is, and returns the loss value (0 without a
// loss). It is how a change to one node's value reaches the loss without
// recomputing the node itself: a gradient check perturbs n so.
func (g *Graph) ForwardAfter(n *Node) float64 {
	for _, m := range g.Nodes[n.ID+1:] {
		g.ForwardNode(m)
	}
	if g.loss != nil {
		return g.loss.Value.Data[0]
	}
	return 0
}

// ZeroGrad sets every gradient to zero.
func (g *Graph) ZeroGrad() {
	for _, n := range g.Nodes {
		if n.Grad != nil {
			n.Grad.Zero()
		}
	}
}

// SeedGrad zeroes all gradients and sets d loss / d loss = 1.
func (g *Graph) SeedGrad() {
	if g.loss == nil {
		panic("engine: backward on a graph without a loss")
	}
	g.ZeroGrad()
	g.loss.Grad.Data[0] = 1
}

// Backward computes the gradient of the loss with respect to every node that
// needs one, visiting nodes in reverse topological order. Call Forward first.
func (g *Graph) Backward() {
	g.SeedGrad()
	for i := len(g.Nodes) - 1; i >= 0; i-- {
		g.BackwardNode(g.Nodes[i])
	}
}
