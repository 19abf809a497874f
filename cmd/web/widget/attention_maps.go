package widget

import (
	"strings"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
)

// attentionMaps returns the attention message of a transformer graph that
// s steps: every attention of the graph in execution order (for the
// encoder-decoder, each decoder layer's self-attention before its
// cross-attention), and in each its heads. The causal mask is part of the
// model, so a masked layer always carries it; a head's scores and
// probabilities appear once the cursor has computed them in the current
// run. Rows are labelled with the query tokens, columns with the key
// tokens: tokens for self-attention, srcTokens (nil without an encoder)
// for cross-attention and on both axes of the encoder-decoder's encoder.
func attentionMaps(s *stepping, tokens, srcTokens []string) *protocol.Attention {
	g := s.g
	m := &protocol.Attention{Header: protocol.Header{Type: protocol.TypeAttention}, Tokens: tokens, SrcTokens: srcTokens}
	index := map[string]int{}
	for _, ref := range transformer.AttentionNodes(g) {
		i, ok := index[ref.Scope]
		if !ok {
			i = len(m.Layers)
			index[ref.Scope] = i
			m.Layers = append(m.Layers, protocol.AttentionLayer{Name: ref.Scope, Layer: ref.Layer, Cross: ref.Kind == "cross", Causal: ref.Causal})
		}
		queries, keys := tokens, tokens
		switch {
		case ref.Stack == "enc": // the encoder of an encoder-decoder reads the source
			queries, keys = srcTokens, srcTokens
		case ref.Kind == "cross":
			keys = srcTokens
		}
		head := protocol.AttentionHead{Head: ref.Head}
		scores, probs := g.MustNode(ref.Scores), g.MustNode(ref.Probs)
		if s.st.ForwardDone(scores) {
			head.Scores = labelled(heatmap(scores.Value), queries, keys)
		}
		if s.st.ForwardDone(probs) {
			head.Probs = labelled(heatmap(probs.Value), queries, keys)
		}
		if ref.Causal {
			tq, tk := probs.Shape[len(probs.Shape)-2], probs.Shape[len(probs.Shape)-1] // [B, Tq, Tk]
			head.Mask = causalMask(tq, tk)
		}
		m.Layers[i].Heads = append(m.Layers[i].Heads, head)
	}
	return m
}

// labelled names the rows and columns of h when the labels fit its size.
func labelled(h *protocol.Heatmap, rows, cols []string) *protocol.Heatmap {
	if len(rows) == h.Rows && len(cols) == h.Cols {
		h.RowLabels, h.ColLabels = rows, cols
	}
	return h
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

// tokenText shows the ids of one sequence of a task as letters, one string
// per position ("|" for the separator).
func tokenText(l task.Layout, ids []int) []string {
	return strings.Split(l.Task.Format(ids), "")
}
