package widget

import (
	"fmt"
	"math"
	"strings"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/viz"
)

// graphMessage lays g out (in package viz) and converts the layout to the
// protocol's graph message.
func graphMessage(kind string, g *engine.Graph, steps int) *protocol.Graph {
	l := viz.LayoutGraph(g, viz.Options{})
	m := &protocol.Graph{
		Header: protocol.Header{Type: protocol.TypeGraph},
		Kind:   kind, Width: l.Width, Height: l.Height, Steps: steps, SVG: string(viz.GraphSVG(l)),
		Nodes:  make([]protocol.GraphNode, 0, len(l.Nodes)),
		Edges:  make([]protocol.GraphEdge, 0, len(l.Edges)),
		Scopes: make([]protocol.Scope, 0, len(l.Scopes)),
	}
	for _, b := range l.Nodes {
		n := protocol.GraphNode{
			ID: b.ID, Name: b.Name, Label: b.Label, Op: b.Op, Kind: b.Kind, Scope: b.Scope,
			Shape: nonNil(b.Shape), X: b.X, Y: b.Y, W: b.W, H: b.H,
		}
		if b.ID >= 0 && b.ID < len(g.Nodes) {
			n.Formula = g.Nodes[b.ID].Info().Formula
			if n.Op == "" {
				n.Op = g.Nodes[b.ID].Info().Name
			}
		}
		m.Nodes = append(m.Nodes, n)
	}
	for _, e := range l.Edges {
		m.Edges = append(m.Edges, protocol.GraphEdge{From: e.From, To: e.To, Label: e.Label, Points: e.Points})
	}
	for _, s := range l.Scopes {
		m.Scopes = append(m.Scopes, protocol.Scope{Name: s.Name, Kind: s.Kind, X: s.X, Y: s.Y, W: s.W, H: s.H})
	}
	return m
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// heatmap returns a 2-D view of t: a scalar is 1×1, a vector one row, a
// matrix itself, and a higher-rank tensor its last two axes at index 0 of
// every leading axis (the first example of a batch). Infinite cells (a
// causal mask's -inf) are marked in Masked and hold 0, because JSON has no
// infinity; NaN cells are marked the same way. Statistics cover the finite
// cells.
func heatmap(t *engine.Tensor) *protocol.Heatmap {
	rows, cols := 1, 1
	caption := ""
	switch r := t.Rank(); {
	case r == 1:
		cols = t.Shape[0]
	case r >= 2:
		rows, cols = t.Shape[r-2], t.Shape[r-1]
		if r > 2 {
			idx := strings.Repeat("0, ", r-2)
			caption = fmt.Sprintf("[%s:, :] of %s", idx, shapeText(t.Shape))
		}
	}
	data := t.Data[:rows*cols] // the leading zero indices come first in row-major order
	h := &protocol.Heatmap{Rows: rows, Cols: cols, Data: make([]float64, len(data)), Caption: caption}
	var sum, sq float64
	n := 0
	h.Min, h.Max = math.Inf(1), math.Inf(-1)
	for i, v := range data {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			if h.Masked == nil {
				h.Masked = make([]bool, len(data))
			}
			h.Masked[i] = true
			continue
		}
		h.Data[i] = v
		h.Min, h.Max = math.Min(h.Min, v), math.Max(h.Max, v)
		sum += v
		sq += v * v
		n++
	}
	if n == 0 {
		h.Min, h.Max = 0, 0
	} else {
		h.Mean = sum / float64(n)
	}
	h.Norm = math.Sqrt(sq)
	return h
}

// shapeText writes a shape as "[2, 3, 4]".
func shapeText(shape []int) string {
	return strings.ReplaceAll(fmt.Sprint(shape), " ", ", ")
}
