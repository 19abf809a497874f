package exhibit

import (
	"slices"

	"stepgraph/engine/cnn"
	"stepgraph/engine/data"
)

// Bounds of the cnn exhibit: a network small enough that every feature
// map of the stepped image fits on the page.
const (
	cnnMaxSize     = 16  // image side, from data.MinImageSize
	cnnMaxConvs    = 2   // convolution layers
	cnnMaxChannels = 8   // output channels of a convolution
	cnnMaxKernel   = 5   // kernel side
	cnnMaxStride   = 3   // convolution stride
	cnnMaxPad      = 2   // zero padding, also at most kernel - 1
	cnnPoolSize    = 2   // pooling window and stride
	cnnImages      = 512 // images in the training set
	cnnTestImages  = 256 // images in the held-out set
	cnnNoise       = 0.1 // pixel noise of the images
	cnnTrainBatch  = 16  // images per training step
	cnnEvalBatch   = 128 // images per forward pass when scoring the sets
)

// CNNMaxSteps is the length of a cnn exhibit's run of training when the
// learner does not size it.
const CNNMaxSteps = 600

// CNNOptions is the option table of the "cnn" kind. Every convolution
// layer has the same kernel, stride and padding, and each is followed by
// the activation and the pool.
var CNNOptions = &Table{Kind: "cnn", Options: append([]Option{
	{Name: "data", Label: "Images", Help: "the images: bars, crosses, circles, shapes (all six) or digits (0 to 9)",
		Type: Choice, Choices: data.ImageKinds, Default: "bars", Effect: Rebuild},
	{Name: "size", Label: "Size", Help: "image side in pixels", Type: Int, Min: data.MinImageSize, Max: cnnMaxSize, Default: "12", Effect: Rebuild},
	{Name: "channels", Label: "Channels", Help: "output channels of each convolution layer",
		Type: Ints, Min: 1, Max: cnnMaxChannels, MinLen: 1, MaxLen: cnnMaxConvs, Default: "4", Effect: Rebuild},
	{Name: "kernel", Label: "Kernel", Help: "kernel side", Type: Int, Min: 1, Max: cnnMaxKernel, Default: "3", Effect: Rebuild},
	{Name: "stride", Label: "Stride", Help: "step between two windows of a convolution", Type: Int, Min: 1, Max: cnnMaxStride, Default: "1", Effect: Rebuild},
	{Name: "pad", Label: "Padding", Help: "zeros around the input of a convolution, at most kernel - 1", Type: Int, Min: 0, Max: cnnMaxPad, Default: "1", Effect: Rebuild},
	{Name: "pool", Label: "Pool", Help: "the pooling after each convolution (2×2 windows, stride 2)", Type: Choice, Choices: cnn.Pools, Default: "max", Effect: Rebuild},
	activationOption("relu", cnn.Activations...),
	{Name: "image", Label: "Image", Help: "the training image of the stepped graph; setting it keeps the trained weights and moves the cursor to the start",
		Type: Int, Min: 0, Max: cnnImages - 1, Default: "0", Effect: NewExample},
}, trainingOptions("0.01")...), Combine: cnnCombine}

// padInsideKernel checks that the padding is at most kernel - 1, so that
// every window of a convolution holds at least one pixel of its input,
// blaming pad when the request set it, else kernel.
func padInsideKernel(v Values, changed []string) *Error {
	pad, kernel := v.Int("pad"), v.Int("kernel")
	if pad <= kernel-1 {
		return nil
	}
	field := "kernel"
	if slices.Contains(changed, "pad") {
		field = "pad"
	}
	return at(Errorf(OutOfRange, "%s: pad %d is more than kernel %d - 1 (a window would hold only zeros)", field, pad, kernel), field)
}

// CNN steps and trains a small convolutional network on the images of
// package data, and shows its feature maps (cnn_maps.go).
type CNN struct {
	*classifier
	model *cnn.Model
}

// Model returns the network, which the stepped, training and scoring
// graphs share.
func (c *CNN) Model() *cnn.Model { return c.model }

// NewCNN builds the cnn exhibit of v, options checked by CNNOptions.
func NewCNN(v Values) (Exhibit, *Error) {
	c := &CNN{}
	c.classifier = &classifier{kind: c, kindName: "cnn", every: 10, budget: budget{run: CNNMaxSteps}}
	if e := c.configure(v); e != nil {
		return nil, e
	}
	return c, nil
}

// cnnConfig returns the network v describes, for images of classes classes.
func cnnConfig(v Values, classes int) cnn.Config {
	c := cnn.Config{Size: v.Int("size"), Channels: 1, Pool: v.Str("pool"), PoolSize: cnnPoolSize, Act: v.Str("act"), Classes: classes}
	for _, out := range v.Ints("channels") {
		c.Convs = append(c.Convs, cnn.Conv{Out: out, Kernel: v.Int("kernel"), Stride: v.Int("stride"), Pad: v.Int("pad")})
	}
	return c
}

// build makes the network, its images and its graphs from the options: a
// graph of one image to step through, one of a training batch and one
// that scores the data sets, all sharing the network's parameters.
func (c *CNN) build(v Values) *Error {
	seed := v.Seed("seed")
	train, test, err := data.ImageSplit(v.Str("data"), cnnImages, cnnTestImages, v.Int("size"), cnnNoise, seed)
	if err != nil {
		return at(Errorf(BadValue, "data: %v", err), "data")
	}
	model, err := cnn.New(cnnConfig(v, train.Classes), seed)
	if err != nil {
		return outOfRange(err)
	}
	graphs, e := buildGraphs(model.Build, 1)
	if e != nil {
		return e
	}
	if e := c.load(v, graphs[0], lazy(model.Build, cnnTrainBatch), lazy(model.Build, cnnEvalBatch), train, test); e != nil {
		return e
	}
	c.model = model
	return nil
}

// fill puts the chosen training image into the stepped graph.
func (c *CNN) fill(v Values) {
	g := c.step.g
	c.train.Fill(g.MustNode("x").Value, g.MustNode("y").Value, []int{v.Int("image")})
}

// charts implements classifierKind: the cnn has no charts beyond the loss
// and accuracy.
func (c *CNN) charts() ([]Chart, error) { return nil, nil }
