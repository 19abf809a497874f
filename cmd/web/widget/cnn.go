package widget

import (
	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/cnn"
	"stepgraph/engine/data"
)

// Bounds of the cnn widget: a network small enough that every feature map
// of the stepped image fits on the page.
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

// CNNMaxSteps is the training budget of a cnn widget: training stops by
// itself after this many steps.
const CNNMaxSteps = 600

// cnnPace sends metrics every 10 steps and charts every 50.
var cnnPace = pace{chunk: 10, plotEvery: 5, budget: CNNMaxSteps}

// cnnOptionNames lists the options of the cnn widget.
var cnnOptionNames = []string{"data", "size", "channels", "kernel", "stride", "pad", "pool", "act", "image", "seed", "lr", "optimizer"}

// cnnOptions configure a cnn widget. Every convolution layer has the same
// kernel, stride and padding, and each is followed by the activation and
// the pool.
type cnnOptions struct {
	Data     string // "data": an image kind of package data
	Size     int    // "size": image side in pixels
	Channels []int  // "channels": output channels of each convolution, "4" or "4,8"
	Kernel   int    // "kernel": kernel side k
	Stride   int    // "stride": step s between windows
	Pad      int    // "pad": zeros p around the image
	Pool     string // "pool": max, avg or none (2x2 windows, stride 2)
	Act      string // "act": relu, tanh, sigmoid or gelu_tanh
	Image    int    // "image": the training image the stepped graph shows
	trainOptions
}

func defaultCNNOptions() cnnOptions {
	return cnnOptions{
		Data: "bars", Size: 12, Channels: []int{4}, Kernel: 3, Stride: 1, Pad: 1, Pool: "max", Act: "relu",
		trainOptions: trainOptions{Seed: 1, LR: 0.01, Optimizer: "adam"},
	}
}

// with implements classifierOptions.
func (o cnnOptions) with(name, value string) (classifierOptions, effect, *protocol.Error) {
	var e *protocol.Error
	switch name {
	case "data":
		o.Data, e = enumOption(name, value, data.ImageKinds)
	case "size":
		o.Size, e = intOption(name, value, data.MinImageSize, cnnMaxSize)
	case "channels":
		o.Channels, e = parseWidths(name, value, cnnMaxConvs, cnnMaxChannels)
		if e == nil && len(o.Channels) == 0 {
			e = protocol.Errorf(protocol.CodeOutOfRange, "channels: at least one convolution layer")
		}
	case "kernel":
		o.Kernel, e = intOption(name, value, 1, cnnMaxKernel)
	case "stride":
		o.Stride, e = intOption(name, value, 1, cnnMaxStride)
	case "pad":
		o.Pad, e = intOption(name, value, 0, cnnMaxPad)
	case "pool":
		o.Pool, e = enumOption(name, value, cnn.Pools)
	case "act":
		o.Act, e = activationOption(value)
	case "image":
		o.Image, e = intOption(name, value, 0, cnnImages-1)
		return o, refillExamples, e
	default:
		eff, e := o.trainOptions.set("cnn", cnnOptionNames, name, value)
		return o, eff, e
	}
	return o, rebuildModel, e
}

// training implements classifierOptions.
func (o cnnOptions) training() trainOptions { return o.trainOptions }

// config returns the network the options describe, for images of classes
// classes.
func (o cnnOptions) config(classes int) cnn.Config {
	c := cnn.Config{Size: o.Size, Channels: 1, Pool: o.Pool, PoolSize: cnnPoolSize, Act: o.Act, Classes: classes}
	for _, out := range o.Channels {
		c.Convs = append(c.Convs, cnn.Conv{Out: out, Kernel: o.Kernel, Stride: o.Stride, Pad: o.Pad})
	}
	return c
}

// cnnWidget steps and trains a small convolutional network on the images
// of package data, and shows its feature maps (cnn_maps.go).
type cnnWidget struct {
	*classifier
}

// NewCNN is the factory of the "cnn" widget kind.
func NewCNN(env Env, opts map[string]string) (Widget, *protocol.Error) {
	w := &cnnWidget{}
	w.classifier = newClassifier(env, "cnn", w, cnnPace)
	if e := w.configure(defaultCNNOptions(), opts); e != nil {
		return nil, e
	}
	return w, nil
}

// build makes the network, its images and its graphs from the options: a
// graph of one image to step through, one of a training batch and one that
// scores the data sets, all sharing the network's parameters.
func (w *cnnWidget) build(co classifierOptions) *protocol.Error {
	o := co.(cnnOptions)
	train, test, err := data.ImageSplit(o.Data, cnnImages, cnnTestImages, o.Size, cnnNoise, o.Seed)
	if err != nil {
		return protocol.Errorf(protocol.CodeBadField, "data: %v", err)
	}
	model, err := cnn.New(o.config(train.Classes), o.Seed)
	if err != nil {
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	graphs, e := buildGraphs(model.Build, 1, cnnTrainBatch, cnnEvalBatch)
	if e != nil {
		return e
	}
	return w.load(o, graphs[0], graphs[1], graphs[2], train, test)
}

// fill puts the chosen training image into the stepped graph.
func (w *cnnWidget) fill(co classifierOptions) {
	g := w.step.g
	w.train.Fill(g.MustNode("x").Value, g.MustNode("y").Value, []int{co.(cnnOptions).Image})
}

// plots implements classifierKind: the cnn has no charts beyond the loss
// and accuracy.
func (w *cnnWidget) plots(int64) {}
