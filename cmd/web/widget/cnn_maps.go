package widget

import (
	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
)

// views implements classifierKind: after every node message the cnn sends
// its maps message.
func (w *cnnWidget) views(id int64) { w.env.Emit(id, w.maps()) }

// maps returns what the network sees in the current run: the stepped
// image and its class, the probabilities once the logits are computed,
// and the pictures of the highlighted node when it holds any and has
// computed them in this run.
func (w *cnnWidget) maps() *protocol.Maps {
	s, g := w.step, w.step.g
	label := int(g.MustNode("y").Value.Data[0])
	m := &protocol.Maps{
		Header:  protocol.Header{Type: protocol.TypeMaps},
		Image:   heatmap(g.MustNode("x").Value), // [1, 1, H, W] -> [H, W]
		Example: w.opts.(cnnOptions).Image, Label: w.train.Names[label], Classes: w.train.Names,
		Channels: []*protocol.Heatmap{}, Grads: []*protocol.Heatmap{},
	}
	if logits := g.MustNode("logits"); s.st.ForwardDone(logits) {
		p := engine.New(logits.Shape...) // [1, classes]
		(&engine.Softmax{}).Forward(p, logits.Value)
		m.Probs = p.Data
	}
	if s.highlight < 0 {
		return m
	}
	n := g.Nodes[s.highlight]
	if n.Value.Rank() != 4 {
		return m
	}
	m.Node = n.Name
	if !s.st.ForwardDone(n) {
		return m // its value belongs to an earlier run
	}
	m.Channels = pictures(n.Value)
	if s.st.GradKnown(n) {
		m.Grads = pictures(n.Grad)
	}
	return m
}

// pictures returns the 2-D slices [a, c, :, :] of a rank-4 tensor, a
// outermost: for feature maps [1, C, H, W] of the one stepped image, its C
// channels; for a kernel [C_out, C_in, k, k], every pair of output and
// input channels.
func pictures(t *engine.Tensor) []*protocol.Heatmap {
	var hs []*protocol.Heatmap
	for a := range t.Shape[0] {
		for c := range t.Shape[1] {
			hs = append(hs, heatmapAt(t, []int{a, c}))
		}
	}
	return hs
}
