package transformer

import "stepgraph/engine"

// embed adds token plus learned positional embeddings:
//
//	x[b, t] = tok_emb[ids[b, t]] + pos_emb[t]
//
// prefix is "" for the encoder-only and decoder-only models and "enc." or
// "dec." for the encoder-decoder. pos is the input node of position ids
// 0..T-1.
func (b *builder) embed(prefix string, ids, pos *engine.Node) *engine.Node {
	tok := b.g.Apply(prefix+"embed.tok", &engine.Embedding{}, b.param(prefix+"tok_emb"), ids) // [B, T, d]
	at := b.g.Apply(prefix+"embed.pos", &engine.Embedding{}, b.param(prefix+"pos_emb"), pos)  // [T, d]
	return b.g.Apply(prefix+"embed.sum", &engine.Add{}, tok, at)                              // [B, T, d], pos broadcast over B
}
