// Package enginetest holds what tests of several packages build on the
// engine: a wrong gradient planted on purpose, and a softmax written out
// from its definition.
package enginetest

import (
	"math"

	"stepgraph/engine"
)

// BrokenBackward wraps an op and scales its backward by 3/2: a wrong
// gradient planted on purpose, which a gradient check must flag.
type BrokenBackward struct{ engine.Op }

// Backward implements engine.Op with the wrapped op's backward of 1.5
// times dout.
func (b BrokenBackward) Backward(din []*engine.Tensor, dout, out *engine.Tensor, in ...*engine.Tensor) {
	scaled := dout.Clone()
	for i := range scaled.Data {
		scaled.Data[i] *= 1.5
	}
	b.Op.Backward(din, scaled, out, in...)
}

// SoftmaxOver is the softmax of one row of scores over the allowed keys
// alone, 0 at the others, computed from its definition.
func SoftmaxOver(scores []float64, allowed []bool) []float64 {
	m := math.Inf(-1)
	for k, v := range scores {
		if allowed[k] && v > m {
			m = v
		}
	}
	out, sum := make([]float64, len(scores)), 0.0
	for k, v := range scores {
		if allowed[k] {
			out[k] = math.Exp(v - m)
			sum += out[k]
		}
	}
	for k := range out {
		out[k] /= sum
	}
	return out
}
