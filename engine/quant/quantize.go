package quant

import (
	"math"

	"stepgraph/engine"
)

// Quantize maps x to integers on p's grid:
//
//	q = clamp(roundHalfEven(float32(x) / s) + z, qmin, qmax)
//
// with the float32 division of SPEC.md section 7. Int4 values are kept one
// per byte here; Memory counts them packed two per byte. It panics if p does
// not fit x's shape.
func Quantize(x *engine.Tensor, p Params) []int8 {
	q := make([]int8, x.Size())
	QuantizeTo(q, nil, x.Data, x.Shape, p)
	return q
}

// QuantizeTo writes the integers of x (of the given shape) into dst and, if
// clipped is not nil, sets clipped[i] when x[i] was outside the grid and got
// clamped. A NaN maps to the zero point. It panics if p does not fit the
// shape.
func QuantizeTo(dst []int8, clipped []bool, x []float64, shape []int, p Params) {
	p.check(shape)
	qmin, qmax := p.Scheme.Range()
	n, stride := groups(shape, p.Axis)
	for i, v := range x {
		g := (i / stride) % n
		r := math.RoundToEven(float64(float32(v)/p.Scale[g])) + float64(p.Zero[g])
		if r != r {
			r = float64(p.Zero[g])
		}
		c := min(max(r, float64(qmin)), float64(qmax))
		if clipped != nil {
			clipped[i] = c != r
		}
		dst[i] = int8(c)
	}
}

// Dequantize maps integers back to real numbers, x' = float32((q - z) s),
// as a tensor of the given shape. It panics if p does not fit the shape.
func Dequantize(q []int8, shape []int, p Params) *engine.Tensor {
	out := engine.New(shape...)
	DequantizeTo(out.Data, q, shape, p)
	return out
}

// DequantizeTo writes the real numbers of q (of the given shape) into dst.
func DequantizeTo(dst []float64, q []int8, shape []int, p Params) {
	p.check(shape)
	n, stride := groups(shape, p.Axis)
	for i, v := range q {
		g := (i / stride) % n
		dst[i] = float64(float32(int32(v)-int32(p.Zero[g])) * p.Scale[g])
	}
}

// RoundTrip returns dequantize(quantize(x)) with the grid chosen from x's
// own range, and that grid. This is what fake quantization computes.
func RoundTrip(x *engine.Tensor, s Scheme) (*engine.Tensor, Params) {
	p := ParamsFor(x, s)
	return Dequantize(Quantize(x, p), x.Shape, p), p
}
