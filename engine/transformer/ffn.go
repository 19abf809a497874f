package transformer

import "stepgraph/engine"

// ffn adds the position-wise feed-forward network under scope (for example
// "layers.0.ffn"):
//
//	hidden = x W1 + b1 ;  act = relu(hidden) or gelu_tanh(hidden) ;  out = act W2 + b2
func (b *builder) ffn(scope string, x *engine.Node) *engine.Node {
	h := b.linear(scope+".hidden", x, scope+".w1", scope+".b1")       // [B, T, dff]
	a := b.g.Apply(scope+".act", engine.ActivationByName(b.m.Act), h) // [B, T, dff]
	return b.linear(scope+".out", a, scope+".w2", scope+".b2")        // [B, T, d]
}
