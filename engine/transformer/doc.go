// Package transformer builds the transformer of the reference spec
// (shared/reference/SPEC.md) as an engine graph, in three variants:
// encoder-only (unmasked self-attention, one class prediction per token),
// decoder-only (causal self-attention, next-token prediction) and
// encoder-decoder (an encoder over src_ids, and a decoder with causal
// self-attention plus cross-attention to the encoder's memory). Blocks are
// pre-LN, the feed-forward activation is ReLU or tanh-GELU, and the loss is
// cross-entropy averaged over all B*T positions.
//
// Use New(cfg, seed) to get a Model (its parameters initialised exactly as
// the spec says), Build(batch, T, tSrc) for a graph that shares the model's
// parameters, Feed to put token ids into the graph, then Forward and
// Backward on the graph (or step it with engine.Stepper).
//
// # Parameter names
//
// Parameters, in init order, for the encoder-only and decoder-only models
// (l = 0..Layers-1):
//
//	tok_emb [V, d], pos_emb [MaxLen, d]
//	layers.l.ln1.g [d], layers.l.ln1.b [d]
//	layers.l.attn.wq [d, d], .bq [d], .wk [d, d], .bk [d], .wv [d, d], .bv [d], .wo [d, d], .bo [d]
//	layers.l.ln2.g [d], layers.l.ln2.b [d]
//	layers.l.ffn.w1 [d, dff], .b1 [dff], .w2 [dff, d], .b2 [d]
//	ln_f.g [d], ln_f.b [d]
//	head.w [d, V], head.b [V]
//
// For the encoder-decoder:
//
//	enc.tok_emb [VSrc, d], enc.pos_emb [MaxLen, d]
//	enc.layers.l.{ln1, attn, ln2, ffn}.*      (as above, l < LEnc)
//	enc.ln_f.g, enc.ln_f.b
//	dec.tok_emb [V, d], dec.pos_emb [MaxLen, d]
//	dec.layers.l.ln1.{g,b}, dec.layers.l.self_attn.{wq,bq,wk,bk,wv,bv,wo,bo},
//	dec.layers.l.ln2.{g,b}, dec.layers.l.cross_attn.{wq,bq,wk,bk,wv,bv,wo,bo},
//	dec.layers.l.ln3.{g,b}, dec.layers.l.ffn.{w1,b1,w2,b2}   (l < LDec)
//	dec.ln_f.g, dec.ln_f.b
//	head.w [d, V], head.b [V]
//
// Linear layers compute Y = X W + b with W of shape [d_in, d_out].
//
// # Node names
//
// Graph nodes are named by scope, so a view can fold a layer, an attention
// or a head. A linear layer is two nodes: "<name>_xw" (X W) and "<name>"
// (plus the bias). For a block "layers.0" (or "enc.layers.0"):
//
//	embed.tok, embed.pos, embed.sum         token rows, position rows, their sum
//	layers.0.ln1                            LayerNorm before attention
//	layers.0.attn.q, .k, .v                 projections [B, T, d]
//	layers.0.attn.head.j.q, .k, .v          head j's columns [B, T, dh]
//	layers.0.attn.head.j.q_scaled           q / sqrt(dh)
//	layers.0.attn.head.j.scores             scaled Q K^T [B, Tq, Tk]
//	layers.0.attn.head.j.masked             causal only: scores with -inf above the diagonal
//	layers.0.attn.head.j.probs              softmax of each row [B, Tq, Tk]
//	layers.0.attn.head.j.out                probs V [B, Tq, dh]
//	layers.0.attn.concat, layers.0.attn.out heads side by side, then W_O
//	layers.0.resid1                         x + attention
//	layers.0.ln2, layers.0.ffn.hidden, layers.0.ffn.act, layers.0.ffn.out
//	layers.0.resid2                         x + feed-forward
//	ln_f, logits, loss
//
// The encoder-decoder prefixes its nodes with "enc." and "dec."; a decoder
// block has self_attn (causal), cross_attn (keys and values from enc.ln_f),
// ln3 and resid3. AttentionNodes lists every head's nodes.
//
// # Bounds
//
// Config.Validate and Build enforce the bounds documented on the Max
// constants (d <= 256, heads <= 16, layers <= 6, V <= 512, MaxLen <= 128,
// dff <= 1024, batch <= 64, and at most MaxGraphFloats floats per graph).
package transformer
