package exhibit

import (
	"fmt"
	"sort"
	"strings"

	"stepgraph/engine"
	"stepgraph/engine/transformer"
)

// The mask presets a learner chooses from; MaskCustom names the pattern
// that cell edits leave when it is none of them.
const (
	MaskCausal  = "causal"  // query i reads keys 0..i
	MaskPadding = "padding" // every query reads keys 0..Length-1; the rest is padding
	MaskNone    = "none"    // every query reads every key
	MaskCustom  = "custom"  // the learner's own pattern
)

// MaskEdit is one change of an attention's mask: a preset, or one cell.
type MaskEdit struct {
	Attention string // the attention's scope, as AttentionLayer.Name: "layers.0.attn"
	Preset    string // MaskCausal, MaskPadding or MaskNone; "" for a cell edit
	Length    int    // MaskPadding: keys at positions >= Length are blocked
	Row, Col  int    // a cell edit: the query (row) and the key (column)
	Allowed   bool   // a cell edit: whether the query may read the key
}

// MaskEditor is an exhibit whose attention masks the learner edits: the
// lab and the attention kind.
//
// A mask belongs to one attention and applies to every head of it, as a
// padding or causal mask does in a real model. It edits the stepped run
// only: training, and the lab's held-out samples, use the model's own
// mask, and a rebuild of the model drops the edits. The first edit of an
// attention rebuilds the stepped graph with an engine.Mask node on each
// of its heads ("<head>.masked", op "edited-mask", in place of the causal
// mask where the model has one), so the graph shows the mask as edited;
// later edits change the pattern in place.
type MaskEditor interface {
	// EditMask changes one attention's mask and recomputes the stepped
	// run at the cursor, as though the cursor had stepped there again. It
	// reports whether the graph changed (and must be drawn again). On
	// error nothing changes.
	EditMask(edit MaskEdit) (relaid bool, e *Error)
}

// editedMask is the learner's mask of one attention.
type editedMask struct {
	pattern *engine.MaskPattern // read by the graph's Mask ops, changed in place
	causal  bool                // the model's own mask there is causal
	preset  string              // MaskCausal, MaskPadding, MaskNone or MaskCustom
	length  int                 // for MaskPadding
}

// masks are the edited masks of a stepped graph, by attention scope; nil
// until the first edit.
type masks map[string]*editedMask

// patterns returns the patterns to build a graph with.
func (ms masks) patterns() transformer.Masks {
	out := transformer.Masks{}
	for scope, m := range ms {
		out[scope] = m.pattern
	}
	return out
}

// edit applies e to the masks of the run s steps, whose tokens label the
// queries in messages. When the attention's graph already applies an
// edited mask, the pattern changes in place and the run is recomputed at
// the cursor; else the edited mask is added to ms and rebuild says that
// the caller must build the graph anew with ms.patterns(). On error
// nothing changes.
func (ms masks) edit(s *Stepping, e MaskEdit, tokens, srcTokens []string) (rebuild bool, err *Error) {
	var refs []transformer.AttnRef
	for _, ref := range s.attentionNodes().refs {
		if ref.Scope == e.Attention {
			refs = append(refs, ref)
		}
	}
	if len(refs) == 0 {
		return false, at(Errorf(UnknownNode, "no attention %q in this model; its attentions are %s", e.Attention, attentionNames(s)), "attention")
	}
	ref := refs[0]
	probs := s.g.MustNode(ref.Probs)
	tq, tk := probs.Shape[len(probs.Shape)-2], probs.Shape[len(probs.Shape)-1] // [B, Tq, Tk]
	cur := ms[e.Attention]
	if cur == nil {
		cur = &editedMask{causal: ref.Causal, preset: MaskNone, pattern: engine.NewMaskPattern(tq, tk)}
		if ref.Causal {
			cur.preset, cur.pattern = MaskCausal, engine.CausalPattern(tq, tk)
		}
	}
	next := &editedMask{causal: cur.causal}
	switch e.Preset {
	case MaskCausal:
		next.pattern = engine.CausalPattern(tq, tk)
	case MaskNone:
		next.pattern = engine.NewMaskPattern(tq, tk)
	case MaskPadding:
		p, perr := engine.PaddingPattern(tq, tk, e.Length)
		if perr != nil {
			return false, at(Errorf(OutOfRange, "%s: %v", e.Attention, perr), "length")
		}
		next.pattern = p
	case "":
		if e.Row < 0 || e.Row >= tq || e.Col < 0 || e.Col >= tk {
			field := "row"
			if e.Row >= 0 && e.Row < tq {
				field = "col"
			}
			return false, at(Errorf(OutOfRange, "mask cell (row %d, col %d) is outside the %d×%d mask of %s (rows 0 to %d, columns 0 to %d)",
				e.Row, e.Col, tq, tk, e.Attention, tq-1, tk-1), field)
		}
		next.pattern = cur.pattern.Clone()
		if perr := next.pattern.Set(e.Row, e.Col, e.Allowed); perr != nil {
			queries, _ := attentionAxes(ref, tokens, srcTokens)
			return false, at(Errorf(BlockedRow, "refused: row %d (query %s) of %s would have every key blocked, and a softmax over no keys is undefined; allow another key of that row first",
				e.Row, tokenAt(queries, e.Row), e.Attention), "allowed")
		}
	default:
		return false, at(Errorf(BadValue, "mask preset %q must be causal, padding or none", e.Preset), "preset")
	}
	next.preset, next.length = presetOf(next.pattern)
	if ms[e.Attention] == nil || !ref.Edited {
		ms[e.Attention] = next
		return true, nil
	}
	copy(cur.pattern.Allowed, next.pattern.Allowed)
	cur.preset, cur.length = next.preset, next.length
	s.last = s.st.Refresh(s.g.MustNode(ref.Masked)) // the heads come in order: head 0's mask runs first
	return false, nil
}

// presetOf names a pattern: the preset it equals, else MaskCustom.
func presetOf(p *engine.MaskPattern) (preset string, length int) {
	switch {
	case p.Equal(engine.NewMaskPattern(p.Tq, p.Tk)):
		return MaskNone, 0
	case p.Equal(engine.CausalPattern(p.Tq, p.Tk)):
		return MaskCausal, 0
	}
	for l := 1; l < p.Tk; l++ {
		if q, _ := engine.PaddingPattern(p.Tq, p.Tk, l); p.Equal(q) {
			return MaskPadding, l
		}
	}
	return MaskCustom, 0
}

// tokenAt returns token i quoted, or its position when it has no label.
func tokenAt(tokens []string, i int) string {
	if i < len(tokens) {
		return fmt.Sprintf("%q", tokens[i])
	}
	return fmt.Sprintf("at position %d", i)
}

// attentionNames lists the attentions of s's graph.
func attentionNames(s *Stepping) string {
	seen := map[string]bool{}
	var names []string
	for _, ref := range s.attentionNodes().refs {
		if !seen[ref.Scope] {
			seen[ref.Scope] = true
			names = append(names, ref.Scope)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// restep returns a stepping of g, the stepped graph built anew with a
// mask added or replaced, at old's place: the cursor after the same node
// of the same pass (the new mask nodes shift the timeline), the same node
// highlighted.
func restep(old *Stepping, g *engine.Graph) *Stepping {
	s := NewStepping(g)
	s.beforeWrite = old.beforeWrite
	oldOps, newIndex := opOrder(old.g), map[string]int{}
	for i, n := range opOrder(g) {
		newIndex[n.Name] = i
	}
	p, nf, nf2 := old.st.Pos(), len(oldOps), len(newIndex)
	switch {
	case p == 0:
	case p <= nf: // after forward step p of oldOps[p-1]
		p = newIndex[oldOps[p-1].Name] + 1
	case p == nf+1: // the seed
		p = nf2 + 1
	default: // after the backward step of oldOps[2nf+1-p]
		p = 2*nf2 + 1 - newIndex[oldOps[2*nf+1-p].Name]
	}
	s.last = s.st.Seek(p)
	if h := old.Highlight(); h != nil {
		if n := g.Node(h.Name); n != nil {
			s.highlight = n.ID
		}
	}
	return s
}

// opOrder returns the op nodes of g in topological order: the forward
// steps of its timeline.
func opOrder(g *engine.Graph) []*engine.Node {
	var ops []*engine.Node
	for _, n := range g.Nodes {
		if n.Op != nil {
			ops = append(ops, n)
		}
	}
	return ops
}
