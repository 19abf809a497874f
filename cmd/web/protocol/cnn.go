package protocol

// TypeMaps is the message type the cnn widget adds (docs/protocol.md,
// widget kind "cnn"): the image it is stepped on and the feature maps of
// its highlighted node.
const TypeMaps = "maps"

// Maps shows what a convolutional network sees, after every request that
// moves its cursor or changes its model: the stepped image, the network's
// guess for it, and, when the highlighted node holds pictures, one heatmap
// per picture.
//
// A node holds pictures when its value has rank 4: the input or a feature
// map [B, C, H, W] gives one heatmap per channel of its first (and only)
// example; a kernel [C_out, C_in, k, k] gives one per pair of output and
// input channel. Each heatmap's caption says which slice it is.
type Maps struct {
	Header
	Image   *Heatmap `json:"image"`   // the stepped image, [H, W] of its first channel
	Example int      `json:"example"` // its index in the training set (the widget's image option)
	Label   string   `json:"label"`   // the image's class
	Classes []string `json:"classes"` // every class name, in label order
	// Probs are the softmax of the logits for each class, once the logits
	// are computed in the current run; null before.
	Probs []float64 `json:"probs"`
	// Node is the highlighted node's name when it holds pictures, "" when
	// no node is highlighted or it holds none.
	Node string `json:"node"`
	// Channels are the node's value, one heatmap per picture, once it is
	// computed in the current run; empty before.
	Channels []*Heatmap `json:"channels"`
	// Grads are the node's gradient, picture by picture, once it is
	// complete in the current run; empty before.
	Grads []*Heatmap `json:"grads"`
	// Sizes is the output-size formula of every convolution layer, filled
	// in with the widget's options: one entry a layer, in order.
	Sizes []ConvSize `json:"sizes"`
	// Slide is the first convolution's kernel sliding over the image, with
	// every output cell's multiply-add, when the node is convs.0.conv and
	// computed in the current run; null otherwise.
	Slide *Slide `json:"slide"`
}

// Slide is output channel 0 of convs.0.conv as the kernel slides over the
// zero-padded image: output cell (r, c) is
// bias + Σ_{u,v} weight[u, v] · padded[stride·r + u, stride·c + v].
type Slide struct {
	Kernel int      `json:"kernel"`
	Stride int      `json:"stride"`
	Pad    int      `json:"pad"`
	Bias   float64  `json:"bias"`
	Padded *Heatmap `json:"padded"` // the image with pad zeros on every side
	Weight *Heatmap `json:"weight"` // the kernel of output channel 0, [kernel, kernel]
	Output *Heatmap `json:"output"` // channel 0 of convs.0.conv, as the engine computed it
	// Terms are the products weight[u, v] · padded[...] of each output
	// cell (row-major), kernel cell u·kernel + v within it.
	Terms []Numbers `json:"terms"`
	// Sums are bias plus each cell's terms, as the server adds them.
	Sums Numbers `json:"sums"`
}

// ConvSize is one convolution layer's output-size formula with its
// numbers: conv = floor((in + 2·pad − kernel) / stride) + 1, then
// out = floor((conv − pool) / pool) + 1 (out = conv when pool is 0).
type ConvSize struct {
	Layer    int `json:"layer"`    // 0 for convs.0
	Channels int `json:"channels"` // its output channels
	In       int `json:"in"`       // side of its input
	Kernel   int `json:"kernel"`
	Stride   int `json:"stride"`
	Pad      int `json:"pad"`
	Conv     int `json:"conv"` // side of its feature maps before the pool
	Pool     int `json:"pool"` // pool window and stride; 0 without a pool
	Out      int `json:"out"`  // side after the pool
}
