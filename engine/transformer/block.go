package transformer

import "stepgraph/engine"

// selfBlock adds a pre-LN block under scope (for example "layers.0" or
// "enc.layers.1"): self-attention, then the feed-forward network, each
// reading a LayerNorm of the residual stream and adding its result back.
// The decoder-only model masks the attention (causal, unless NoCausalMask);
// the encoders do not.
func (b *builder) selfBlock(scope string, x *engine.Node, causal bool) *engine.Node {
	h := b.layerNorm(scope+".ln1", x)                                       // [B, T, d]
	x = b.add(scope+".resid1", x, b.attention(scope+".attn", h, h, causal)) // x = x + attn(ln1(x))
	h = b.layerNorm(scope+".ln2", x)                                        // [B, T, d]
	x = b.add(scope+".resid2", x, b.ffn(scope+".ffn", h))                   // x = x + ffn(ln2(x))
	return x
}

// decoderBlock adds an encoder-decoder decoder block under scope (for
// example "dec.layers.0"): causal self-attention (unless NoCausalMask), cross-attention whose
// keys and values come from the encoder's memory, then the feed-forward
// network.
func (b *builder) decoderBlock(scope string, x, mem *engine.Node) *engine.Node {
	h := b.layerNorm(scope+".ln1", x)                                                  // [B, T, d]
	x = b.add(scope+".resid1", x, b.attention(scope+".self_attn", h, h, b.m.causal())) // x = x + self_attn(ln1(x))
	h = b.layerNorm(scope+".ln2", x)                                                   // [B, T, d]
	x = b.add(scope+".resid2", x, b.attention(scope+".cross_attn", h, mem, false))     // x = x + cross_attn(ln2(x), mem)
	h = b.layerNorm(scope+".ln3", x)                                                   // [B, T, d]
	x = b.add(scope+".resid3", x, b.ffn(scope+".ffn", h))                              // x = x + ffn(ln3(x))
	return x
}
