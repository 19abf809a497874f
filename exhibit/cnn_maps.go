package exhibit

import "stepgraph/engine"

// MapsView is what a convolutional network sees in the current run: the
// stepped image and its class, the probabilities once the logits are
// computed, and the pictures of the highlighted node when it holds any
// and has computed them in this run.
//
// A node holds pictures when its value has rank 4: the input or a
// feature map [B, C, H, W] gives one per channel of its first (and only)
// example; a kernel [C_out, C_in, k, k] one per pair of output and input
// channel.
type MapsView struct {
	Image    Map        // the stepped image [1, 1, H, W]
	Example  int        // its index in the training set
	Label    string     // its class
	Classes  []string   // every class name, in label order
	Probs    []float64  // softmax of the logits, nil before they are computed
	Node     string     // the highlighted node when it holds pictures, else ""
	Channels []Map      // its value, picture by picture, once computed
	Grads    []Map      // its gradient, once complete
	Sizes    []ConvSize // the output-size formula of every convolution layer, with the current options
	// Slide is the first convolution's kernel sliding over the image, when
	// the highlighted node is convs.0.conv and computed in this run; else nil.
	Slide *KernelSlide
}

func (*MapsView) view() {}

// views implements classifierKind: every cursor comes with the maps.
func (c *CNN) views() []View { return []View{c.Maps()} }

// Maps returns the maps of the current run.
func (c *CNN) Maps() *MapsView {
	s, g := c.step, c.step.g
	label := int(g.MustNode("y").Value.Data[0])
	m := &MapsView{
		Image:   Map{Tensor: g.MustNode("x").Value},
		Example: c.values.Int("image"), Label: c.train.Names[label], Classes: c.train.Names,
		Channels: []Map{}, Grads: []Map{}, Sizes: CNNSizes(c.values),
	}
	if logits := g.MustNode("logits"); s.st.ForwardDone(logits) {
		p := engine.New(logits.Shape...) // [1, classes]
		(&engine.Softmax{}).Forward(p, logits.Value)
		m.Probs = p.Data
	}
	n := s.Highlight()
	if n == nil || n.Value.Rank() != 4 {
		return m
	}
	m.Node = n.Name
	if !s.st.ForwardDone(n) {
		return m // its value belongs to an earlier run
	}
	m.Channels = pictures(n.Value)
	if n.Name == "convs.0.conv" {
		m.Slide = c.slide()
	}
	if s.st.GradKnown(n) {
		m.Grads = pictures(n.Grad)
	}
	return m
}

// pictures returns the 2-D slices [a, c, :, :] of a rank-4 tensor, a
// outermost.
func pictures(t *engine.Tensor) []Map {
	var ms []Map
	for a := range t.Shape[0] {
		for c := range t.Shape[1] {
			ms = append(ms, Map{Tensor: t, Index: []int{a, c}})
		}
	}
	return ms
}
