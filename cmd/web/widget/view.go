package widget

import (
	"fmt"
	"slices"
	"strings"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/viz"
)

// graphMessage lays g out (in package viz) with every scope expanded and
// converts the layout to the protocol's graph message.
func graphMessage(kind string, g *engine.Graph, steps int) *protocol.Graph {
	return layoutMessage(kind, g, steps, viz.LayoutGraph(g, viz.Options{}))
}

// layoutMessage converts l, a layout of g, to the protocol's graph message.
func layoutMessage(kind string, g *engine.Graph, steps int, l viz.Layout) *protocol.Graph {
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
			Shape: nonNil(b.Shape), X: b.X, Y: b.Y, W: b.W, H: b.H, Collapsed: b.Collapsed, Members: b.Members,
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
		m.Scopes = append(m.Scopes, protocol.Scope{Name: s.Name, Kind: s.Kind, X: s.X, Y: s.Y, W: s.W, H: s.H, Collapsed: s.Collapsed})
	}
	return m
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// heatmap returns the view of t that package viz computes (a scalar is
// 1×1, a vector one row, a higher-rank tensor its last two axes for index 0
// of the leading ones: the first example of a batch), in protocol form.
// Non-finite cells (a causal mask's -inf) hold 0 and are marked in Masked,
// because JSON has no infinity.
func heatmap(t *engine.Tensor) *protocol.Heatmap { return heatmapAt(t, nil) }

// heatmapAt is heatmap for the slice at the leading indices index (missing
// ones are 0), such as [0, c] for channel c of a [B, C, H, W] feature map.
// The caption says which slice it is. It panics if index does not fit t.
func heatmapAt(t *engine.Tensor, index []int) *protocol.Heatmap {
	v := viz.Heatmap(t, viz.HeatmapOptions{Index: index})
	h := &protocol.Heatmap{Rows: v.Rows, Cols: v.Cols, Data: v.Data, Min: v.Min, Max: v.Max, Mean: v.Mean, Norm: v.Norm}
	if slices.Contains(v.Masked, true) {
		h.Masked = v.Masked
	}
	if len(v.Shape) > 2 {
		var lead strings.Builder
		for _, i := range v.Index {
			fmt.Fprintf(&lead, "%d, ", i)
		}
		h.Caption = fmt.Sprintf("[%s:, :] of %s", lead.String(), shapeText(v.Shape))
	}
	return h
}

// shapeText writes a shape as "[2, 3, 4]".
func shapeText(shape []int) string {
	return strings.ReplaceAll(fmt.Sprint(shape), " ", ", ")
}
