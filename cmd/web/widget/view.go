package widget

import (
	"fmt"
	"slices"
	"strings"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/exhibit"
)

// sendGraph sends the graph as the exhibit draws it, with its options.
func (a *adapter) sendGraph(id int64) {
	d := a.ex.Drawing()
	a.env.Emit(id, &protocol.Graph{
		Header: protocol.Header{Type: protocol.TypeGraph}, Kind: a.kind.Name(), Layout: d.Layout,
		Steps: a.ex.Stepping().Stepper().Total(), SVG: string(d.SVG),
		Options: a.kind.Options.Text(a.ex.Values()),
	})
}

// nodeMessage returns the node message of the current cursor.
func (a *adapter) nodeMessage() *protocol.Node {
	s := a.ex.Stepping()
	st := s.Stepper()
	m := &protocol.Node{Header: protocol.Header{Type: protocol.TypeNode}, Step: cursor(s), Forward: []int{}, Backward: []int{}}
	for _, n := range s.Graph().Nodes {
		if n.Op != nil && st.ForwardDone(n) {
			m.Forward = append(m.Forward, n.ID)
		}
		if st.GradKnown(n) {
			m.Backward = append(m.Backward, n.ID)
		}
	}
	if n := s.Highlight(); n != nil {
		m.Node = a.nodeView(n)
	}
	return m
}

// cursor returns the stepper's position on the timeline, with the
// gradients its last step added to.
func cursor(s *exhibit.Stepping) protocol.Cursor {
	st, last := s.Stepper(), s.Last()
	c := protocol.Cursor{Index: st.Pos(), Total: st.Total(), Phase: st.Phase().String(), Done: st.Done(), Node: last.Node, Seed: last.Seed}
	if st.Pos() == 0 {
		c.Node = -1
	}
	for _, w := range last.Writes {
		c.Writes = append(c.Writes, protocol.GradWrite{Node: w.Node, Count: w.Count, Users: w.Users})
	}
	return c
}

// nodeView returns n with its value and gradient.
func (a *adapter) nodeView(n *engine.Node) *protocol.NodeView {
	st := a.ex.Stepping().Stepper()
	info := n.Info()
	v := &protocol.NodeView{
		ID: n.ID, Name: n.Name, Op: info.Name, Formula: info.Formula, MathML: a.mathML(n), Kind: n.Kind.String(),
		Shape: shapeOf(n.Shape), Users: len(n.Users), Computed: st.ForwardDone(n), GradKnown: st.GradKnown(n),
		Value: heatmap(exhibit.MapOf(a.ex, n, false)),
	}
	if n.Grad != nil {
		v.Grad = heatmap(exhibit.MapOf(a.ex, n, true))
	}
	return v
}

// mathML returns the MathML of n's formula, rendered once for every
// session (formulas.go). A formula the renderer does not know is shown as
// TeX instead ("").
func (a *adapter) mathML(n *engine.Node) string { return formulaML(n.Info().Formula) }

func shapeOf(s []int) []int { return append([]int{}, s...) }

// heatmap returns the protocol's view of map m, as package viz computes
// it. Non-finite cells (a causal mask's -inf) hold 0 and are marked in
// Masked, because JSON has no infinity. The caption says which slice of a
// larger tensor it is.
func heatmap(m exhibit.Map) *protocol.Heatmap {
	v := m.Heatmap()
	h := &protocol.Heatmap{
		Rows: v.Rows, Cols: v.Cols, Data: v.Data, Min: v.Min, Max: v.Max, Mean: v.Mean, Norm: v.Norm,
		RowAxis: m.Rows.Name, ColAxis: m.Cols.Name,
	}
	if m.Rows.Labels != nil {
		h.RowLabels = v.RowLabels
	}
	if m.Cols.Labels != nil {
		h.ColLabels = v.ColLabels
	}
	if slices.Contains(v.Masked, true) {
		h.Masked = v.Masked
	}
	if len(v.Shape) > 2 {
		var lead strings.Builder
		for _, i := range v.Index {
			fmt.Fprintf(&lead, "%d, ", i)
		}
		h.Caption = fmt.Sprintf("[%s:, :] of %s", lead.String(), strings.ReplaceAll(fmt.Sprint(v.Shape), " ", ", "))
	}
	return h
}

// heatmaps converts a list of maps.
func heatmaps(ms []exhibit.Map) []*protocol.Heatmap {
	hs := make([]*protocol.Heatmap, len(ms))
	for i, m := range ms {
		hs[i] = heatmap(m)
	}
	return hs
}

// viewMessage converts one of an exhibit's views to its message.
func viewMessage(v exhibit.View) protocol.Message {
	switch v := v.(type) {
	case *exhibit.AttentionView:
		m := &protocol.Attention{Header: protocol.Header{Type: protocol.TypeAttention}, Tokens: v.Tokens, SrcTokens: v.SrcTokens, Layers: []protocol.AttentionLayer{}}
		for _, l := range v.Layers {
			pl := protocol.AttentionLayer{Name: l.Name, Layer: l.Layer, Kind: l.Kind, Cross: l.Cross, Causal: l.Causal, Preset: l.Preset, Length: l.Length, Edited: l.Edited, Queries: l.Queries, Keys: l.Keys}
			for _, h := range l.Heads {
				ph := protocol.AttentionHead{Head: h.Head, Mask: h.Mask}
				if h.Scores != nil {
					ph.Scores = heatmap(*h.Scores)
				}
				if h.Probs != nil {
					ph.Probs = heatmap(*h.Probs)
				}
				pl.Heads = append(pl.Heads, ph)
			}
			m.Layers = append(m.Layers, pl)
		}
		return m
	case *exhibit.MapsView:
		return &protocol.Maps{
			Header: protocol.Header{Type: protocol.TypeMaps}, Image: heatmap(v.Image), Example: v.Example, Label: v.Label,
			Classes: v.Classes, Probs: v.Probs, Node: v.Node, Channels: heatmaps(v.Channels), Grads: heatmaps(v.Grads),
			Sizes: convSizes(v.Sizes), Slide: slideMessage(v.Slide),
		}
	case *exhibit.NeuronsView:
		return &protocol.Neurons{
			Header: protocol.Header{Type: protocol.TypeNeurons}, Layer: v.Layer, Node: v.Node,
			Lo: v.Lo, Hi: v.Hi, Grid: v.Grid, Units: heatmaps(v.Units),
		}
	case *exhibit.QuantErrorView:
		return quantErrorMessage(v)
	}
	panic(fmt.Sprintf("widget: no message for the view %T", v))
}

// metrics returns the metrics message of the exhibit: the lab's, with its
// samples, when the exhibit has samples, else the generic one.
func (a *adapter) metrics(running bool) protocol.Message {
	x := a.ex.Metrics(running)
	m := protocol.Metrics{Header: protocol.Header{Type: protocol.TypeMetrics}, Step: x.Step, RunEnd: x.RunEnd, Running: x.Running, Values: x.Values}
	if x.Samples == nil {
		return &m
	}
	lm := &protocol.LabMetrics{
		Metrics: m, Loss: x.Values["loss"], Accuracy: x.Values["accuracy"], StepsPerSec: x.Values["stepsPerSec"],
		Training: x.Running, Samples: make([]protocol.Sample, len(x.Samples)),
	}
	for i, s := range x.Samples {
		lm.Samples[i] = protocol.Sample{Input: s.Input, Target: s.Target, Predicted: s.Predicted, Correct: s.Correct}
	}
	return lm
}

// convSizes converts the output-size formulas of a cnn's layers.
func convSizes(ss []exhibit.ConvSize) []protocol.ConvSize {
	out := make([]protocol.ConvSize, len(ss))
	for i, s := range ss {
		out[i] = protocol.ConvSize{Layer: s.Layer, Channels: s.Channels, In: s.In, Kernel: s.Kernel, Stride: s.Stride, Pad: s.Pad, Conv: s.Conv, Pool: s.Pool, Out: s.Out}
	}
	return out
}

// slideMessage converts a cnn's kernel slide; nil stays nil.
func slideMessage(s *exhibit.KernelSlide) *protocol.Slide {
	if s == nil {
		return nil
	}
	m := &protocol.Slide{
		Kernel: s.Kernel, Stride: s.Stride, Pad: s.Pad, Bias: s.Bias,
		Padded: heatmap(s.Padded), Weight: heatmap(s.Weight), Output: heatmap(s.Output), Sums: s.Sums,
	}
	for _, t := range s.Terms {
		m.Terms = append(m.Terms, t)
	}
	return m
}
