package exhibit

import (
	"fmt"
	"slices"
)

// ConvSize is the output-size formula of one convolution layer of a cnn
// exhibit, filled in with the numbers of its options. A square input of
// side In, padded with Pad zeros on each side, gives feature maps of side
//
//	Conv = floor((In + 2·Pad − Kernel) / Stride) + 1
//
// and the pool (windows of side Pool, stride Pool) shrinks them to
//
//	Out = floor((Conv − Pool) / Pool) + 1
//
// (Out = Conv without a pool). The next layer's In is this layer's Out.
type ConvSize struct {
	Layer    int // 0 for convs.0
	Channels int // its output channels
	In       int // side of its input
	Kernel   int
	Stride   int
	Pad      int
	Conv     int // side of its feature maps before the pool
	Pool     int // pool window and stride; 0 without a pool
	Out      int // side after the pool
}

// Fits reports whether the layer has feature maps: both its sides are positive.
func (s ConvSize) Fits() bool { return s.Conv > 0 && s.Out > 0 }

// CNNSizes returns the output-size formula of every convolution layer of
// the cnn options v, layer by layer. It stops after the first layer that
// does not fit (a size of 0 or less), which is then the last entry.
func CNNSizes(v Values) []ConvSize {
	in, k, stride, pad := v.Int("size"), v.Int("kernel"), v.Int("stride"), v.Int("pad")
	pool := 0
	if v.Str("pool") != "none" {
		pool = cnnPoolSize
	}
	var sizes []ConvSize
	for i, ch := range v.Ints("channels") {
		s := ConvSize{Layer: i, Channels: ch, In: in, Kernel: k, Stride: stride, Pad: pad, Pool: pool}
		s.Conv = floorDiv(in+2*pad-k, stride) + 1
		s.Out = s.Conv
		if pool > 0 && s.Conv > 0 {
			s.Out = floorDiv(s.Conv-pool, pool) + 1
		}
		sizes = append(sizes, s)
		if !s.Fits() {
			break
		}
		in = s.Out
	}
	return sizes
}

// floorDiv returns floor(a / b) for b > 0, also when a is negative.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// sizeOptions are the cnn options the output-size formula reads.
var sizeOptions = []string{"size", "kernel", "stride", "pad", "pool", "channels"}

// cnnCombine checks the combinations of the cnn options: the padding
// inside the kernel, then feature maps of at least one pixel in every
// layer, by the output-size formula (CNNSizes).
func cnnCombine(v Values, changed []string) *Error {
	if e := padInsideKernel(v, changed); e != nil {
		return e
	}
	return featureMapsFit(v, changed)
}

// featureMapsFit refuses options whose output-size formula gives a layer
// of no pixels, with the formula filled in, blaming the size option the
// request set (the first in table order), else stride.
func featureMapsFit(v Values, changed []string) *Error {
	sizes := CNNSizes(v)
	s := sizes[len(sizes)-1]
	if s.Fits() {
		return nil
	}
	field := "stride"
	for _, name := range sizeOptions {
		if slices.Contains(changed, name) {
			field = name
			break
		}
	}
	msg := fmt.Sprintf("%s: conv %d gives feature maps of side floor((%d + 2·%d − %d) / %d) + 1 = %d", field, s.Layer, s.In, s.Pad, s.Kernel, s.Stride, s.Conv)
	if s.Conv > 0 {
		msg += fmt.Sprintf(", and the %d×%d pool floor((%d − %d) / %d) + 1 = %d", s.Pool, s.Pool, s.Conv, s.Pool, s.Pool, s.Out)
	}
	return at(Errorf(OutOfRange, "%s, want at least 1 (a smaller kernel or stride, more padding, no pool or fewer layers)", msg), field)
}
