package viz

import (
	"strings"

	"stepgraph/engine"
)

// ScopeKind classifies a scope by its name, for styling and for the
// collapse toggles of the UI:
//
//	"embeddings"  embed, enc.embed, tok_emb ...
//	"block"       layers.0, enc.layers.1, blocks.2 (an indexed layer)
//	"attention"   layers.0.attn, dec.layers.0.self_attn, cross_attn
//	"head"        layers.0.attn.head.1 (an indexed attention head)
//	"ffn"         layers.0.ffn, mlp
//	"loss"        loss, logits, and the output head ("head" without index)
//	"other"       anything else
func ScopeKind(name string) string {
	parts := strings.Split(strings.ToLower(name), ".")
	last := parts[len(parts)-1]
	if isIndex(last) && len(parts) > 1 {
		switch parts[len(parts)-2] {
		case "head", "heads":
			return "head"
		case "layers", "layer", "blocks", "block":
			return "block"
		}
		return "other"
	}
	switch {
	case strings.Contains(last, "emb"):
		return "embeddings"
	case strings.Contains(last, "attn") || strings.Contains(last, "attention"):
		return "attention"
	case last == "ffn" || last == "mlp" || last == "ff" || last == "feed_forward":
		return "ffn"
	case last == "loss" || last == "head" || last == "lm_head" || last == "logits" || last == "classifier":
		return "loss"
	}
	return "other"
}

// scopeTable numbers the scopes of a graph: every proper dotted prefix of a
// node name ("layers", "layers.0", "layers.0.attn", ...).
type scopeTable struct {
	names []string
	index map[string]int
	// container marks scopes that only number their children, such as
	// "layers" (of "layers.0") or "layers.0.attn.head": they keep their
	// children together in the layout but get no frame.
	container []bool
}

func newScopeTable(g *engine.Graph) *scopeTable {
	t := &scopeTable{index: map[string]int{}}
	for _, n := range g.Nodes {
		name := n.Name
		for i := 0; i < len(name); i++ {
			if name[i] != '.' {
				continue
			}
			if _, ok := t.index[name[:i]]; !ok {
				t.index[name[:i]] = len(t.names)
				t.names = append(t.names, name[:i])
			}
		}
	}
	t.container = make([]bool, len(t.names))
	for _, s := range t.names {
		if i := strings.LastIndexByte(s, '.'); i >= 0 && isIndex(s[i+1:]) {
			t.container[t.index[s[:i]]] = true
		}
	}
	return t
}

// path returns the scopes that hold a node or scope called name, outer
// first. A name that is itself a scope (a node "layers.0.ln1" with
// parameters "layers.0.ln1.g" and ".b") ends its own path, so that the
// node stays next to its parameters.
func (t *scopeTable) path(name string) []int {
	var p []int
	for i := 0; i < len(name); i++ {
		if name[i] == '.' {
			if s, ok := t.index[name[:i]]; ok {
				p = append(p, s)
			}
		}
	}
	if s, ok := t.index[name]; ok {
		p = append(p, s)
	}
	return p
}

// commonPrefix returns the length of the common prefix of a and b.
func commonPrefix(a, b []int) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
