package exhibit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"stepgraph/engine"
	"stepgraph/viz"
)

// Drawing is a graph as drawn: its layout and its SVG. Every exhibit whose
// stepped graph has the same structure (and the same folded scopes) shares
// one drawing, made once: many learners on one lesson, or a class in the
// Lab's default model, hold one copy. A drawing never changes.
type Drawing struct {
	Layout viz.Layout
	SVG    []byte
}

// drawings keeps the drawings of the graphs in use, by structure.
var drawings = newMemo[string, *Drawing](256, nil)

// drawingOf returns the drawing of g with the scopes folded, shared with
// every graph of the same structure.
func drawingOf(g *engine.Graph, folded []string) *Drawing {
	d, _ := drawings.getOr(structure(g)+"\x00"+strings.Join(folded, ","), func() (*Drawing, error) {
		l := viz.LayoutGraph(g, viz.Options{Collapsed: folded})
		return &Drawing{Layout: l, SVG: viz.GraphSVG(l)}, nil
	})
	return d
}

// structure returns a fingerprint of what a drawing of g shows: every
// node's name, kind, op, formula, shape and inputs, in order.
func structure(g *engine.Graph) string {
	h := sha256.New()
	for _, n := range g.Nodes {
		info := n.Info()
		fmt.Fprintf(h, "%s|%d|%s|%s|%v|", n.Name, n.Kind, info.Name, info.Formula, n.Shape)
		for _, in := range n.Inputs {
			fmt.Fprintf(h, "%d,", in.ID)
		}
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
