package transformer

import (
	"fmt"
	"math"

	"stepgraph/engine"
)

// attention adds multi-head attention MHA(xq, xkv) under scope, for example
// "layers.0.attn" or "dec.layers.1.cross_attn". Queries come from xq, keys
// and values from xkv: the same node for self-attention, the encoder's
// memory for cross-attention. With h heads of size dh = d/h:
//
//	Q = xq Wq + bq ;  K = xkv Wk + bk ;  V = xkv Wv + bv
//	O_j = softmax(Q_j K_j^T / sqrt(dh)) V_j     (head j: columns j*dh..)
//	out = [O_0 | ... | O_{h-1}] Wo + bo
func (b *builder) attention(scope string, xq, xkv *engine.Node, causal bool) *engine.Node {
	q := b.linear(scope+".q", xq, scope+".wq", scope+".bq")  // [B, Tq, d]
	k := b.linear(scope+".k", xkv, scope+".wk", scope+".bk") // [B, Tk, d]
	v := b.linear(scope+".v", xkv, scope+".wv", scope+".bv") // [B, Tk, d]
	heads := make([]*engine.Node, b.m.Heads)
	for j := range heads {
		heads[j] = b.head(fmt.Sprintf("%s.head.%d", scope, j), j, q, k, v, causal, b.masks[scope]) // [B, Tq, dh]
	}
	o := b.g.Apply(scope+".concat", &engine.Concat{}, heads...) // [B, Tq, d]
	return b.linear(scope+".out", o, scope+".wo", scope+".bo")  // [B, Tq, d]
}

// head adds scaled dot-product attention for head j under scope (for
// example "layers.0.attn.head.1"):
//
//	scores = (Q_j / sqrt(dh)) K_j^T ;  [masked = causal(scores)] ;
//	probs = softmax(scores) ;  out = probs V_j
//
// With a learner's pattern (BuildMasked), masked = mask(scores) applies it
// instead of the causal mask, with or without causal.
//
// Scaling Q_j before the product gives the same scores as scaling Q_j K_j^T
// after it, at a cost of [Tq, dh] multiplications instead of [Tq, Tk].
func (b *builder) head(scope string, j int, q, k, v *engine.Node, causal bool, mask *engine.MaskPattern) *engine.Node {
	dh := b.m.HeadSize()
	qj := b.g.Apply(scope+".q", &engine.SplitHead{Head: j, Size: dh}, q)                 // [B, Tq, dh]
	kj := b.g.Apply(scope+".k", &engine.SplitHead{Head: j, Size: dh}, k)                 // [B, Tk, dh]
	vj := b.g.Apply(scope+".v", &engine.SplitHead{Head: j, Size: dh}, v)                 // [B, Tk, dh]
	qs := b.g.Apply(scope+".q_scaled", &engine.Scale{C: 1 / math.Sqrt(float64(dh))}, qj) // [B, Tq, dh]
	s := b.g.Apply(scope+".scores", &engine.MatMul{TransB: true}, qs, kj)                // [B, Tq, Tk]
	switch {
	case mask != nil:
		s = b.g.Apply(scope+".masked", &engine.Mask{P: mask}, s) // [B, Tq, Tk], -inf where the pattern blocks
	case causal:
		s = b.g.Apply(scope+".masked", &engine.CausalMask{}, s) // [B, Tq, Tk], -inf where key > query
	}
	p := b.g.Apply(scope+".probs", &engine.Softmax{}, s)    // [B, Tq, Tk], rows sum to 1
	return b.g.Apply(scope+".out", &engine.MatMul{}, p, vj) // [B, Tq, dh]
}
