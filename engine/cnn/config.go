package cnn

import (
	"fmt"
	"slices"
)

// Bounds on a model, small enough for a shared server.
const (
	MinSize       = 4       // smallest image side
	MaxSize       = 32      // largest image side
	MaxInChannels = 3       // input channels (1 for grayscale, 3 for colour)
	MaxConvs      = 4       // convolution layers
	MaxChannels   = 32      // output channels of a convolution
	MaxKernel     = 7       // convolution kernel side
	MaxStride     = 4       // convolution stride
	MaxPool       = 4       // pooling window and stride
	MaxHidden     = 3       // fully-connected hidden layers
	MaxWidth      = 256     // width of a fully-connected hidden layer
	MaxClasses    = 64      // number of classes
	MaxParams     = 1 << 18 // total scalar parameters
	MaxMACs       = 1 << 22 // multiply-adds of one image's forward pass
	MaxBatch      = 256     // batch size of one graph
)

// Activations lists the activation names a Config accepts.
var Activations = []string{"relu", "tanh", "sigmoid", "gelu_tanh"}

// Pools lists the pooling kinds a Config accepts.
var Pools = []string{"max", "avg", "none"}

// Conv describes one convolution layer with a square kernel.
type Conv struct {
	Out    int // output channels, in [1, MaxChannels]
	Kernel int // kernel side k, in [1, MaxKernel]
	Stride int // in [1, MaxStride]
	Pad    int // zero padding on each side, in [0, Kernel-1]
}

// Config describes a CNN.
type Config struct {
	Size     int    // image height and width, in [MinSize, MaxSize]
	Channels int    // input channels, in [1, MaxInChannels]
	Convs    []Conv // 1 to MaxConvs convolution layers, each followed by Act and the pool
	Pool     string // pooling after each convolution: "max", "avg" or "none"
	PoolSize int    // pool window and stride, in [2, MaxPool]; ignored for "none"
	Act      string // activation: "relu", "tanh", "sigmoid" or "gelu_tanh"
	Hidden   []int  // widths of the fully-connected hidden layers, each in [1, MaxWidth]; at most MaxHidden
	Classes  int    // number of classes, in [2, MaxClasses]
}

// Stage is the shape of one image's feature maps after a convolution layer
// (and its pool).
type Stage struct {
	Channels, Height, Width int
	ConvHeight, ConvWidth   int // before the pool
}

// Stages returns the feature-map shape after each convolution layer. It
// returns an error when a kernel or pool window does not fit the maps it
// slides over.
func (c Config) Stages() ([]Stage, error) {
	h, w := c.Size, c.Size
	var st []Stage
	for i, cv := range c.Convs {
		if h+2*cv.Pad < cv.Kernel || w+2*cv.Pad < cv.Kernel {
			return nil, fmt.Errorf("conv %d: kernel %d larger than its padded %dx%d input", i, cv.Kernel, h+2*cv.Pad, w+2*cv.Pad)
		}
		h, w = (h+2*cv.Pad-cv.Kernel)/cv.Stride+1, (w+2*cv.Pad-cv.Kernel)/cv.Stride+1
		s := Stage{Channels: cv.Out, ConvHeight: h, ConvWidth: w}
		if c.Pool != "none" {
			if h < c.PoolSize || w < c.PoolSize {
				return nil, fmt.Errorf("conv %d: pool window %d larger than its %dx%d feature maps", i, c.PoolSize, h, w)
			}
			h, w = (h-c.PoolSize)/c.PoolSize+1, (w-c.PoolSize)/c.PoolSize+1
		}
		s.Height, s.Width = h, w
		st = append(st, s)
	}
	return st, nil
}

// Features returns the length of the flattened feature vector, C*H*W of the
// last stage, or 0 if the stages do not fit.
func (c Config) Features() int {
	st, err := c.Stages()
	if err != nil || len(st) == 0 {
		return 0
	}
	s := st[len(st)-1]
	return s.Channels * s.Height * s.Width
}

// widths returns the widths of the fully-connected layers: the flattened
// features, the hidden widths, the classes.
func (c Config) widths() []int {
	w := append([]int{c.Features()}, c.Hidden...)
	return append(w, c.Classes)
}

// NumParams returns the number of scalar parameters.
func (c Config) NumParams() int {
	n, cin := 0, c.Channels
	for _, cv := range c.Convs {
		n += cv.Out*cin*cv.Kernel*cv.Kernel + cv.Out
		cin = cv.Out
	}
	w := c.widths()
	for l := 0; l+1 < len(w); l++ {
		n += w[l]*w[l+1] + w[l+1]
	}
	return n
}

// MACs returns the multiply-adds of one image's forward pass through the
// convolutions and linear layers.
func (c Config) MACs() int {
	st, err := c.Stages()
	if err != nil {
		return 0
	}
	n, cin := 0, c.Channels
	for i, cv := range c.Convs {
		n += st[i].ConvHeight * st[i].ConvWidth * cv.Out * cin * cv.Kernel * cv.Kernel
		cin = cv.Out
	}
	w := c.widths()
	for l := 0; l+1 < len(w); l++ {
		n += w[l] * w[l+1]
	}
	return n
}

// Validate reports the first problem with the configuration, or nil.
func (c Config) Validate() error {
	inRange := func(name string, v, lo, hi int) error {
		if v < lo || v > hi {
			return fmt.Errorf("%s = %d outside [%d, %d]", name, v, lo, hi)
		}
		return nil
	}
	errs := []error{
		inRange("size", c.Size, MinSize, MaxSize),
		inRange("channels", c.Channels, 1, MaxInChannels),
		inRange("conv layers", len(c.Convs), 1, MaxConvs),
	}
	for i, cv := range c.Convs {
		errs = append(errs,
			inRange(fmt.Sprintf("conv %d out channels", i), cv.Out, 1, MaxChannels),
			inRange(fmt.Sprintf("conv %d kernel", i), cv.Kernel, 1, MaxKernel),
			inRange(fmt.Sprintf("conv %d stride", i), cv.Stride, 1, MaxStride),
			inRange(fmt.Sprintf("conv %d pad", i), cv.Pad, 0, max(cv.Kernel-1, 0)))
	}
	if !slices.Contains(Pools, c.Pool) {
		errs = append(errs, fmt.Errorf("unknown pool %q (want one of %v)", c.Pool, Pools))
	} else if c.Pool != "none" {
		errs = append(errs, inRange("pool size", c.PoolSize, 2, MaxPool))
	}
	if !slices.Contains(Activations, c.Act) {
		errs = append(errs, fmt.Errorf("unknown activation %q (want one of %v)", c.Act, Activations))
	}
	errs = append(errs, inRange("hidden layers", len(c.Hidden), 0, MaxHidden))
	for i, w := range c.Hidden {
		errs = append(errs, inRange(fmt.Sprintf("hidden layer %d width", i), w, 1, MaxWidth))
	}
	errs = append(errs, inRange("classes", c.Classes, 2, MaxClasses))
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if _, err := c.Stages(); err != nil {
		return err
	}
	if n := c.NumParams(); n > MaxParams {
		return fmt.Errorf("%d parameters, more than %d", n, MaxParams)
	}
	if n := c.MACs(); n > MaxMACs {
		return fmt.Errorf("%d multiply-adds per image, more than %d", n, MaxMACs)
	}
	return nil
}
