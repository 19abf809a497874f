package exhibit

import (
	"strconv"
	"strings"

	"stepgraph/engine"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
)

// viewShape returns the rows and columns of the 2-D view of a tensor of
// this shape, as viz.Heatmap takes it: the last two axes; one row for a
// vector, 1×1 for a scalar.
func viewShape(shape []int) (rows, cols int) {
	switch r := len(shape); {
	case r == 0:
		return 1, 1
	case r == 1:
		return 1, shape[0]
	default:
		return shape[r-2], shape[r-1]
	}
}

// fitAxis returns a, its labels dropped unless there is one per entry of
// an axis of n entries.
func fitAxis(a Axis, n int) Axis {
	if a.Labels != nil && len(a.Labels) != n {
		a.Labels = nil
	}
	return a
}

// sequenceAxes names the axes of node n of a transformer graph, whose
// attention heads are heads (found once per graph), stepped on one
// sequence of layout l, whose model reads input (and, for an
// encoder-decoder's encoder, src): the queries and keys of attention
// maps; the positions of every activation [B, T, ·], labelled with their
// tokens; the vocabulary along logits and embeddings; inputs and outputs
// of weight matrices.
func sequenceAxes(heads []transformer.AttnRef, n *engine.Node, l task.Layout, input, src []string) (rows, cols Axis) {
	r, c := viewShape(n.Shape)
	rows, cols = sequenceAxesOf(heads, n, l, input, src)
	return fitAxis(rows, r), fitAxis(cols, c)
}

func sequenceAxesOf(heads []transformer.AttnRef, n *engine.Node, l task.Layout, input, src []string) (rows, cols Axis) {
	for _, ref := range heads {
		if n.Name == ref.Scores || n.Name == ref.Masked || n.Name == ref.Probs {
			q, k := attentionAxes(ref, input, src)
			return Axis{Name: "query", Labels: q}, Axis{Name: "key", Labels: k}
		}
	}
	// The symbols are spelled out only for the nodes that show them.
	tokens, vocab := input, l.V
	if strings.HasPrefix(n.Name, "enc.") || strings.HasPrefix(n.Name, "src_") {
		tokens, vocab = src, l.VSrc
	}
	out := func() Axis { return Axis{Name: "symbol", Labels: vocabulary(l, l.V)} }
	last := n.Name[strings.LastIndex(n.Name, ".")+1:]
	position, feature := Axis{Name: "position", Labels: tokens}, Axis{Name: "feature"}
	switch {
	case last == "tok_emb":
		return Axis{Name: "symbol", Labels: vocabulary(l, vocab)}, feature
	case last == "pos_emb":
		return position, feature
	case n.Name == "head.w":
		return feature, out()
	case n.Name == "head.b":
		return Axis{}, out()
	case n.Kind == engine.KindParam && len(n.Shape) == 2:
		return Axis{Name: "input"}, Axis{Name: "output"}
	case n.Kind == engine.KindParam:
		return Axis{}, feature
	case n.Kind == engine.KindInput && len(n.Shape) == 2: // ids or targets [B, T]
		return Axis{Name: "example"}, position
	case len(n.Shape) == 1: // positions [T]
		return Axis{}, position
	case strings.HasPrefix(last, "logits"):
		return position, out()
	case len(n.Shape) >= 2:
		return position, feature
	}
	return Axis{}, Axis{}
}

// vocabulary returns the symbols of a vocabulary of v ids, as the task
// writes them: a, b, ... and "|" for the separator.
func vocabulary(l task.Layout, v int) []string {
	if v == 0 {
		return nil
	}
	ids := make([]int, v)
	for i := range ids {
		ids[i] = i
	}
	return tokenText(l, ids)
}

// classifierAxes names the axes of node n of a classifier's stepped
// graph: its rows are the examples of the batch, and its columns the
// point's coordinates (x), the classes (logits), or units.
func classifierAxes(n *engine.Node, classes []string) (rows, cols Axis) {
	r, c := viewShape(n.Shape)
	last := n.Name[strings.LastIndex(n.Name, ".")+1:]
	switch {
	case n.Kind == engine.KindParam && len(n.Shape) == 2:
		rows, cols = Axis{Name: "input"}, Axis{Name: "output"}
	case n.Kind == engine.KindParam:
		cols = Axis{Name: "unit"}
	case len(n.Shape) == 4: // [B, C, H, W]: a picture of one channel
		rows, cols = Axis{Name: "row"}, Axis{Name: "column"}
	case n.Name == "y":
		cols = Axis{Name: "example"}
	case len(n.Shape) == 2 && last == "logits":
		rows, cols = Axis{Name: "example", Labels: numbered(r)}, Axis{Name: "class", Labels: classes}
	case n.Name == "x" && len(n.Shape) == 2 && c == 2:
		rows, cols = Axis{Name: "example", Labels: numbered(r)}, Axis{Name: "coordinate", Labels: []string{"x", "y"}}
	case len(n.Shape) == 2:
		rows, cols = Axis{Name: "example", Labels: numbered(r)}, Axis{Name: "unit"}
	}
	return fitAxis(rows, r), fitAxis(cols, c)
}

// numbered returns "0", "1", ... n-1.
func numbered(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}
