package quant

import (
	"fmt"
	"math"

	"stepgraph/engine"
)

// PerTensor is the Axis of parameters that share one scale over the whole
// tensor.
const PerTensor = -1

// Params fix one tensor's grid: a scale and a zero point per group. With
// Axis == PerTensor there is one group; otherwise the index along Axis picks
// the group (Axis 1 of a weight W[in, out] gives one group per output
// column). Scales are float32 and zero points fit in a signed byte, as they
// would be stored next to the integers.
type Params struct {
	Scheme Scheme
	Axis   int
	Scale  []float32
	Zero   []int8 // all 0 for a symmetric scheme
}

// ParamsFor chooses the grid from x's own range: per-tensor, or per index of
// the last axis when the scheme is per-channel. It panics if the scheme is
// invalid.
func ParamsFor(x *engine.Tensor, s Scheme) Params {
	axis := PerTensor
	if s.PerChannel && x.Rank() > 0 {
		axis = x.Rank() - 1
	}
	return ParamsAlong(x, s, axis)
}

// ParamsAlong chooses the grid from x's own range with one group per index
// of the given axis (PerTensor for one group), whatever the scheme's
// PerChannel says. It panics if the axis is out of range.
func ParamsAlong(x *engine.Tensor, s Scheme, axis int) Params {
	lo, hi := groupRange(x.Data, x.Shape, axis)
	return ParamsFromRange(lo, hi, s, axis)
}

// ParamsFromRange builds the grid that covers [lo[g], hi[g]] for each group
// g, as an observer reports it. It panics if lo and hi differ in length or
// the scheme is invalid.
//
// Symmetric: s = absmax / qmax with absmax = max(|lo|, |hi|), z = 0.
// Asymmetric: the range is stretched to include 0, s = (hi - lo) / (qmax -
// qmin) and z = qmin - round(lo / s), so that the real 0 is exactly an
// integer. Both compute in float32; a range of zeros gets s = 1 and z = 0.
func ParamsFromRange(lo, hi []float64, s Scheme, axis int) Params {
	if len(lo) != len(hi) {
		panic(fmt.Sprintf("quant: range with %d lows and %d highs", len(lo), len(hi)))
	}
	qmin, qmax := s.Range()
	p := Params{Scheme: s, Axis: axis, Scale: make([]float32, len(lo)), Zero: make([]int8, len(lo))}
	for g := range lo {
		l, h := min(float32(lo[g]), 0), max(float32(hi[g]), 0)
		if s.Symmetric {
			p.Scale[g] = max(-l, h) / float32(qmax) // float32 division, SPEC section 7
			if p.Scale[g] == 0 {
				p.Scale[g] = 1
			}
			continue
		}
		scale := (h - l) / float32(qmax-qmin)
		if scale == 0 { // a range of zeros: keep the zero point at 0
			p.Scale[g] = 1
			continue
		}
		z := float64(qmin) - math.RoundToEven(float64(l/scale))
		p.Scale[g] = scale
		p.Zero[g] = int8(min(max(z, float64(qmin)), float64(qmax)))
	}
	return p
}

// groupRange returns the smallest and largest value of each group of x
// (after rounding to float32, as the quantizer sees them).
func groupRange(x []float64, shape []int, axis int) (lo, hi []float64) {
	n, stride := groups(shape, axis)
	lo, hi = make([]float64, n), make([]float64, n)
	for g := range lo {
		lo[g], hi[g] = math.Inf(1), math.Inf(-1)
	}
	for i, v := range x {
		g := (i / stride) % n
		v = float64(float32(v))
		lo[g], hi[g] = min(lo[g], v), max(hi[g], v)
	}
	for g := range lo {
		if lo[g] > hi[g] { // an empty group
			lo[g], hi[g] = 0, 0
		}
	}
	return lo, hi
}

// groups returns the number of groups along axis, and the distance in the
// flat data between consecutive indices of that axis. Element i belongs to
// group (i / stride) % n.
func groups(shape []int, axis int) (n, stride int) {
	if axis == PerTensor {
		return 1, 1
	}
	if axis < 0 || axis >= len(shape) {
		panic(fmt.Sprintf("quant: axis %d for shape %v", axis, shape))
	}
	stride = 1
	for _, d := range shape[axis+1:] {
		stride *= d
	}
	return shape[axis], max(stride, 1)
}

// check panics unless p has one scale per group of a tensor of this shape.
func (p Params) check(shape []int) {
	n, _ := groups(shape, p.Axis)
	if len(p.Scale) != n || len(p.Zero) != n {
		panic(fmt.Sprintf("quant: %d scales and %d zero points for %d groups of shape %v", len(p.Scale), len(p.Zero), n, shape))
	}
}
