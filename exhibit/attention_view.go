package exhibit

import (
	"strings"

	"stepgraph/engine"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
)

// AttentionView is every attention of a transformer graph for the stepped
// sequence, in execution order (for the encoder-decoder, each decoder
// layer's self-attention before its cross-attention), and in each its
// heads.
type AttentionView struct {
	Tokens    []string // the query sequence
	SrcTokens []string // the encoder's source, nil without an encoder
	Layers    []AttentionLayer
}

// AttentionLayer is one attention block: the self- or cross-attention of
// one layer.
type AttentionLayer struct {
	Name   string // its scope: "layers.0.attn", "dec.layers.0.cross_attn"
	Layer  int
	Kind   string // "self", "masked-self" or "cross"
	Cross  bool   // keys come from the encoder
	Causal bool   // the model's own mask hides future keys (edited or not)
	// Preset names the mask in use, shared by every head: MaskCausal,
	// MaskPadding (with Length), MaskNone or, after cell edits that match
	// no preset, MaskCustom. Edited says that the learner changed it
	// (MaskEditor).
	Preset string
	Length int
	Edited bool
	// Queries and Keys label the rows and columns of the maps and the
	// mask: one token per position.
	Queries, Keys []string
	Heads         []AttentionHead
}

// AttentionHead is one head. Scores (QK^T/sqrt(d)) and Probs are nil until
// the cursor has computed them in the current run; Mask is true where a
// key is hidden from a query, nil when no key is.
type AttentionHead struct {
	Head          int
	Scores, Probs *Map
	Mask          [][]bool
}

func (*AttentionView) view() {}

// attentionOf returns the attention view of a transformer graph that s
// steps, with the learner's masks ms (nil for none). The causal mask is
// part of the model, so a masked layer always carries it, and an edited
// one carries its pattern. Rows are labelled with the query tokens, columns with the
// key tokens: tokens for self-attention, srcTokens (nil without an
// encoder) for cross-attention and on both axes of the encoder-decoder's
// encoder.
func attentionOf(s *Stepping, tokens, srcTokens []string, ms masks) *AttentionView {
	g := s.g
	v := &AttentionView{Tokens: tokens, SrcTokens: srcTokens}
	index := map[string]int{}
	for _, ref := range s.attentionNodes().refs {
		i, ok := index[ref.Scope]
		if !ok {
			i = len(v.Layers)
			index[ref.Scope] = i
			l := AttentionLayer{Name: ref.Scope, Layer: ref.Layer, Cross: ref.Kind == "cross", Causal: ref.Causal, Preset: MaskNone}
			if ref.Causal {
				l.Preset = MaskCausal
			}
			if m := ms[ref.Scope]; m != nil && ref.Edited {
				l.Causal, l.Preset, l.Length, l.Edited = m.causal, m.preset, m.length, true
			}
			l.Kind = attentionKind(ref, l.Causal)
			v.Layers = append(v.Layers, l)
		}
		queries, keys := attentionAxes(ref, tokens, srcTokens)
		head := AttentionHead{Head: ref.Head}
		scores, probs := g.MustNode(ref.Scores), g.MustNode(ref.Probs)
		rows, cols := fitAxis(Axis{Name: "query", Labels: queries}, probs.Shape[len(probs.Shape)-2]), fitAxis(Axis{Name: "key", Labels: keys}, probs.Shape[len(probs.Shape)-1])
		v.Layers[i].Queries, v.Layers[i].Keys = rows.Labels, cols.Labels
		if s.st.ForwardDone(scores) {
			head.Scores = &Map{Tensor: scores.Value, Rows: rows, Cols: cols}
		}
		if s.st.ForwardDone(probs) {
			head.Probs = &Map{Tensor: probs.Value, Rows: rows, Cols: cols}
		}
		tq, tk := probs.Shape[len(probs.Shape)-2], probs.Shape[len(probs.Shape)-1] // [B, Tq, Tk]
		switch m := ms[ref.Scope]; {
		case m != nil && ref.Edited:
			head.Mask = blockedOf(m.pattern)
		case ref.Causal:
			head.Mask = causalMask(tq, tk)
		}
		v.Layers[i].Heads = append(v.Layers[i].Heads, head)
	}
	return v
}

// attentionKind names an attention: "cross" when its keys come from the
// encoder, "masked-self" when a causal mask hides the future keys, else
// "self".
func attentionKind(ref transformer.AttnRef, causal bool) string {
	switch {
	case ref.Kind == "cross":
		return "cross"
	case causal:
		return "masked-self"
	}
	return "self"
}

// attentionAxes returns the tokens along the queries and the keys of an
// attention: the source on both axes of an encoder-decoder's encoder, the
// source along the keys of cross-attention, the input otherwise.
func attentionAxes(ref transformer.AttnRef, tokens, srcTokens []string) (queries, keys []string) {
	switch {
	case ref.Stack == "enc":
		return srcTokens, srcTokens
	case ref.Kind == "cross":
		return tokens, srcTokens
	}
	return tokens, tokens
}

// causalMask marks the keys after each query: true where j > i.
func causalMask(rows, cols int) [][]bool {
	mask := make([][]bool, rows)
	for i := range mask {
		mask[i] = make([]bool, cols)
		for j := i + 1; j < cols; j++ {
			mask[i][j] = true
		}
	}
	return mask
}

// blockedOf returns the keys p hides from each query (true where
// blocked), or nil when it hides none.
func blockedOf(p *engine.MaskPattern) [][]bool {
	mask, any := make([][]bool, p.Tq), false
	for i := range mask {
		mask[i] = make([]bool, p.Tk)
		for k := range mask[i] {
			mask[i][k] = !p.At(i, k)
			any = any || mask[i][k]
		}
	}
	if !any {
		return nil
	}
	return mask
}

// tokenText shows the ids of one sequence of a task as letters, one string
// per position ("|" for the separator).
func tokenText(l task.Layout, ids []int) []string {
	return strings.Split(l.Task.Format(ids), "")
}

// attentionNodes are the attention heads of a stepped graph, and the
// nodes whose values an AttentionView shows (each head's scores and
// probabilities).
type attentionNodes struct {
	refs  []transformer.AttnRef
	nodes []*engine.Node
}

// attentionNodes returns the attention heads of s's graph, found once.
func (s *Stepping) attentionNodes() *attentionNodes {
	if s.attention == nil {
		a := &attentionNodes{refs: transformer.AttentionNodes(s.g)}
		for _, ref := range a.refs {
			a.nodes = append(a.nodes, s.g.MustNode(ref.Scores), s.g.MustNode(ref.Probs))
		}
		s.attention = a
	}
	return s.attention
}
