package transformer

import (
	"fmt"

	"stepgraph/engine"
)

// builder adds one model's nodes to a graph. Its methods are the layers of
// the model, in the order a reader meets them: linear and LayerNorm here,
// then embeddings, attention, the feed-forward network and the blocks.
type builder struct {
	m      *Model
	g      *engine.Graph
	params map[string]*engine.Node // parameter nodes by spec name
	masks  Masks                   // the learner's masks by attention scope (BuildMasked), nil for the model's own
}

// param returns the parameter node of the given spec name. It panics if the
// model has no such parameter (a bug in this package).
func (b *builder) param(name string) *engine.Node {
	n := b.params[name]
	if n == nil {
		panic(fmt.Sprintf("transformer: no parameter %q", name))
	}
	return n
}

// linear adds Y = X W + b as two nodes: name+"_xw" = X W, then name = X W + b.
func (b *builder) linear(name string, x *engine.Node, w, bias string) *engine.Node {
	xw := b.g.Apply(name+"_xw", &engine.MatMul{}, x, b.param(w)) // [..., d_out]
	return b.g.Apply(name, &engine.Add{}, xw, b.param(bias))     // [..., d_out]
}

// layerNorm adds the node name = LayerNorm(x) with gain name+".g" and bias
// name+".b", normalising over the last axis.
func (b *builder) layerNorm(name string, x *engine.Node) *engine.Node {
	op := &engine.LayerNorm{Eps: b.m.eps()}
	return b.g.Apply(name, op, x, b.param(name+".g"), b.param(name+".b")) // same shape as x
}

// add adds the residual connection name = x + y.
func (b *builder) add(name string, x, y *engine.Node) *engine.Node {
	return b.g.Apply(name, &engine.Add{}, x, y) // same shape as x
}
