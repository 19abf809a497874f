package quant

import "stepgraph/engine"

// IsLinear reports whether node n is a linear layer the passes rewrite: a
// MatMul (without TransB) whose second input is a 2-D parameter, the weight
// W [in, out]. Products of two activations, such as attention's Q K^T, are
// left alone.
func IsLinear(n *engine.Node) bool {
	mm, ok := n.Op.(*engine.MatMul)
	if !ok || mm.TransB || len(n.Inputs) != 2 {
		return false
	}
	w := n.Inputs[1]
	return w.Kind == engine.KindParam && len(w.Shape) == 2
}

// Linears returns the linear nodes of g, in topological order.
func Linears(g *engine.Graph) []*engine.Node {
	var out []*engine.Node
	for _, n := range g.Nodes {
		if IsLinear(n) {
			out = append(out, n)
		}
	}
	return out
}

// rewriter copies a source graph into a new one node by node, in the same
// topological order and with the same names, letting a pass replace nodes.
// Inputs are copied first-come with their current values; parameters are
// copied when first used and keep sharing their tensors with the model.
type rewriter struct {
	dst    *engine.Graph
	frozen bool                          // copy every parameter as a frozen one
	m      map[*engine.Node]*engine.Node // source node -> its copy
	made   map[string]*engine.Node       // nodes the pass inserted, by name
}

// rewrite copies src, asking replace for each op node first. replace returns
// the node that stands in for n in the new graph, or nil to copy n as it is.
//
// The new graph reuses the op values of src (ops keep per-node state for the
// backward pass), so src must not run again: give a pass a freshly built
// graph, such as the result of a model's Build.
func rewrite(src *engine.Graph, frozen bool, replace func(r *rewriter, n *engine.Node) *engine.Node) *engine.Graph {
	r := &rewriter{dst: engine.NewGraph(), frozen: frozen, m: map[*engine.Node]*engine.Node{}, made: map[string]*engine.Node{}}
	for _, n := range src.Nodes {
		switch {
		case n.Kind == engine.KindInput:
			r.m[n] = r.dst.Input(n.Name, n.Shape...)
			r.m[n].Value.CopyFrom(n.Value)
		case n.Op == nil: // a parameter: copied when first used
		default:
			if c := replace(r, n); c != nil {
				r.m[n] = c
				continue
			}
			ins := r.inputs(n)
			if n.Kind == engine.KindLoss {
				r.m[n] = r.dst.Loss(n.Name, n.Op, ins...)
			} else {
				r.m[n] = r.dst.Apply(n.Name, n.Op, ins...)
			}
		}
	}
	return r.dst
}

// node returns the copy of source node n, copying a parameter on first use.
func (r *rewriter) node(n *engine.Node) *engine.Node {
	if c := r.m[n]; c != nil {
		return c
	}
	if n.Kind != engine.KindParam {
		panic("quant: rewrite reached node " + n.Name + " before its copy")
	}
	if r.frozen || !n.NeedsGrad() {
		r.m[n] = r.dst.Frozen(n.Name, n.Value)
	} else {
		r.m[n] = r.dst.Param(n.Name, n.Value)
	}
	return r.m[n]
}

// inputs returns the copies of n's inputs.
func (r *rewriter) inputs(n *engine.Node) []*engine.Node {
	ins := make([]*engine.Node, len(n.Inputs))
	for i, in := range n.Inputs {
		ins[i] = r.node(in)
	}
	return ins
}

// once returns the inserted node of this name, making it with mk the first
// time. A weight or activation that feeds several linear layers (the Q, K
// and V projections read one LayerNorm output) gets one inserted node.
func (r *rewriter) once(name string, mk func() *engine.Node) *engine.Node {
	if n := r.made[name]; n != nil {
		return n
	}
	r.made[name] = mk()
	return r.made[name]
}
