package transformer

import (
	"strconv"
	"strings"

	"stepgraph/engine"
)

// AttnRef names the nodes of one attention head in a built graph.
type AttnRef struct {
	Scope  string // the attention's scope, e.g. "layers.0.attn" or "dec.layers.1.cross_attn"
	Stack  string // "" for encoder-only and decoder-only models, else "enc" or "dec"
	Layer  int    // layer index within its stack
	Kind   string // "self" or "cross"
	Causal bool   // whether the model's causal mask hides future keys (engine.CausalMask)
	Edited bool   // whether a learner's mask (engine.Mask, BuildMasked) replaces the model's
	Head   int    // head index j
	Scores string // scaled Q K^T [B, Tq, Tk]
	Masked string // the masked scores, or "" without a mask
	Probs  string // softmax probabilities [B, Tq, Tk]
}

// AttentionNodes lists every attention head of g in execution order: layer
// by layer (for the encoder-decoder, all encoder layers first, then each
// decoder layer's self-attention before its cross-attention), heads in
// order within an attention.
func AttentionNodes(g *engine.Graph) []AttnRef {
	var refs []AttnRef
	for _, n := range g.Nodes {
		scope, ok := strings.CutSuffix(n.Name, ".probs")
		if !ok {
			continue
		}
		i := strings.LastIndex(scope, ".head.")
		if i < 0 {
			continue
		}
		head, err := strconv.Atoi(scope[i+len(".head."):])
		if err != nil {
			continue
		}
		r := AttnRef{Scope: scope[:i], Head: head, Kind: "self", Scores: scope + ".scores", Probs: n.Name}
		if mn := g.Node(scope + ".masked"); mn != nil {
			r.Masked = mn.Name
			_, r.Edited = mn.Op.(*engine.Mask)
			r.Causal = !r.Edited
		}
		if strings.HasSuffix(r.Scope, ".cross_attn") {
			r.Kind = "cross"
		}
		// Scope is [stack.]layers.l.<attn>.
		parts := strings.Split(r.Scope, ".")
		if parts[0] == "enc" || parts[0] == "dec" {
			r.Stack, parts = parts[0], parts[1:]
		}
		if len(parts) >= 2 && parts[0] == "layers" {
			r.Layer, _ = strconv.Atoi(parts[1])
		}
		refs = append(refs, r)
	}
	return refs
}
