package engine

import (
	"fmt"

	"stepgraph/engine/internal/gemm"
)

// Conv2D is a 2-D convolution (strictly, a cross-correlation, as in every
// deep-learning library) over a batch of images in NCHW layout:
//
//	Y[b, o, i, j] = bias[o] + sum_{c, u, v} W[o, c, u, v] X[b, c, i*s + u - p, j*s + v - p]
//
// where s is Stride, p is Pad, and pixels outside the image read as zero.
//
// Inputs: X [B, Cin, H, W], W [Cout, Cin, kh, kw] and an optional bias
// [Cout]. The output is [B, Cout, Ho, Wo] with Ho = (H + 2p - kh)/s + 1
// (rounded down) and likewise Wo.
//
// The op computes the sum as a matrix product ("im2col"): each output
// position's input patch is copied into a column of a matrix, so the
// convolution becomes W [Cout, Cin*kh*kw] times the columns [Cin*kh*kw,
// Ho*Wo]. The columns of several images sit side by side, so one product
// serves a chunk of the batch. The backward pass runs the same product
// transposed.
type Conv2D struct {
	Stride int // step between neighbouring windows, >= 1
	Pad    int // zeros added on every side of the image, >= 0

	cols, dcols, tmp []float64 // scratch for one chunk of images
}

// convScratch caps the scratch matrices at about this many floats (8 MiB):
// the batch is processed in chunks of as many images as fit, at least one.
const convScratch = 1 << 20

// Info describes the op.
func (op *Conv2D) Info() OpInfo {
	return OpInfo{Name: "conv2d", Formula: `Y_{o,i,j} = b_o + \sum_{c,u,v} W_{o,c,u,v}\, X_{c,\, s i + u - p,\, s j + v - p}`}
}

// convDims holds the sizes of one convolution.
type convDims struct {
	b, cin, h, w   int // input
	cout, kh, kw   int // weight
	ho, wo         int // output
	stride, pad    int
	patch, outArea int // cin*kh*kw and ho*wo
}

func (op *Conv2D) dims(in ...[]int) convDims {
	if len(in) != 2 && len(in) != 3 {
		panic(fmt.Sprintf("engine: conv2d takes 2 or 3 inputs, got %d", len(in)))
	}
	x, w := in[0], in[1]
	if len(x) != 4 || len(w) != 4 || x[1] != w[1] {
		panic(fmt.Sprintf("engine: conv2d shape mismatch input %v weight %v (want [B,Cin,H,W] and [Cout,Cin,kh,kw])", x, w))
	}
	if op.Stride < 1 || op.Pad < 0 {
		panic(fmt.Sprintf("engine: conv2d stride %d pad %d (want stride >= 1, pad >= 0)", op.Stride, op.Pad))
	}
	if len(in) == 3 && !SameShape(in[2], []int{w[0]}) {
		panic(fmt.Sprintf("engine: conv2d bias %v, want [%d]", in[2], w[0]))
	}
	d := convDims{b: x[0], cin: x[1], h: x[2], w: x[3], cout: w[0], kh: w[2], kw: w[3], stride: op.Stride, pad: op.Pad}
	if d.h+2*d.pad < d.kh || d.w+2*d.pad < d.kw {
		panic(fmt.Sprintf("engine: conv2d kernel %dx%d larger than padded input %v (pad %d)", d.kh, d.kw, x, d.pad))
	}
	d.ho = (d.h+2*d.pad-d.kh)/d.stride + 1
	d.wo = (d.w+2*d.pad-d.kw)/d.stride + 1
	d.patch, d.outArea = d.cin*d.kh*d.kw, d.ho*d.wo
	return d
}

// Shape returns [B, Cout, Ho, Wo].
func (op *Conv2D) Shape(in ...[]int) []int {
	d := op.dims(in...)
	return []int{d.b, d.cout, d.ho, d.wo}
}

// Forward computes Y = W * X + bias for a chunk of n images at a time:
// out [Cout, n*Ho*Wo] = W [Cout, Cin*kh*kw] x cols [Cin*kh*kw, n*Ho*Wo],
// whose rows are then copied to each image's [Cout, Ho*Wo] block.
func (op *Conv2D) Forward(out *Tensor, in ...*Tensor) {
	d := op.dims(convShapes(in)...)
	inSize, outSize := d.cin*d.h*d.w, d.cout*d.outArea
	for b0, n := range d.chunks() {
		ld := n * d.outArea // columns of this chunk
		op.cols = convBuf(op.cols, d.patch*ld)
		op.tmp = convBuf(op.tmp, d.cout*ld)
		for i := range n {
			im2col(op.cols[i*d.outArea:], ld, in[0].Data[(b0+i)*inSize:(b0+i+1)*inSize], d)
		}
		gemm.Mul(false, false, d.cout, ld, d.patch, in[1].Data, op.cols, 0, op.tmp)
		for i := range n {
			yb := out.Data[(b0+i)*outSize : (b0+i+1)*outSize] // [Cout, Ho*Wo]
			for o := range d.cout {
				yo := yb[o*d.outArea : (o+1)*d.outArea]
				copy(yo, op.tmp[o*ld+i*d.outArea:])
				if len(in) == 3 {
					for k := range yo {
						yo[k] += in[2].Data[o]
					}
				}
			}
		}
	}
}

// Backward accumulates, for a chunk of images with their output gradients
// gathered as dY [Cout, n*Ho*Wo] like the forward pass's product,
//
//	dW    += dY x cols^T [n*Ho*Wo, Cin*kh*kw]
//	dcols  = W^T [Cin*kh*kw, Cout] x dY, then dX += col2im(dcols)
//	dbias += dY summed over images and positions
//
// col2im adds each column back onto the pixels it was copied from, so a
// pixel shared by overlapping windows sums their gradients.
func (op *Conv2D) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	d := op.dims(convShapes(in)...)
	inSize, outSize := d.cin*d.h*d.w, d.cout*d.outArea
	for b0, n := range d.chunks() {
		ld := n * d.outArea
		op.tmp = convBuf(op.tmp, d.cout*ld) // dY of the chunk, [Cout, n*Ho*Wo]
		for i := range n {
			gb := dout.Data[(b0+i)*outSize : (b0+i+1)*outSize] // [Cout, Ho*Wo]
			for o := range d.cout {
				copy(op.tmp[o*ld+i*d.outArea:(o*ld+(i+1)*d.outArea)], gb[o*d.outArea:])
			}
		}
		if din[1] != nil {
			op.cols = convBuf(op.cols, d.patch*ld)
			for i := range n {
				im2col(op.cols[i*d.outArea:], ld, in[0].Data[(b0+i)*inSize:(b0+i+1)*inSize], d)
			}
			gemm.Mul(false, true, d.cout, d.patch, ld, op.tmp, op.cols, 1, din[1].Data)
		}
		if din[0] != nil {
			op.dcols = convBuf(op.dcols, d.patch*ld)
			gemm.Mul(true, false, d.patch, ld, d.cout, in[1].Data, op.tmp, 0, op.dcols)
			for i := range n {
				col2im(din[0].Data[(b0+i)*inSize:(b0+i+1)*inSize], op.dcols[i*d.outArea:], ld, d)
			}
		}
		if len(in) == 3 && din[2] != nil {
			for o := range d.cout {
				for _, g := range op.tmp[o*ld : (o+1)*ld] {
					din[2].Data[o] += g
				}
			}
		}
	}
}

// chunks yields the first image and the image count of each chunk of the
// batch, sized so that the chunk's columns fit in convScratch floats.
func (d convDims) chunks() func(yield func(b0, n int) bool) {
	per := max(1, convScratch/max(1, d.patch*d.outArea, d.cout*d.outArea))
	return func(yield func(b0, n int) bool) {
		for b0 := 0; b0 < d.b; b0 += per {
			if !yield(b0, min(per, d.b-b0)) {
				return
			}
		}
	}
}

// im2col copies the patches of one image x [Cin, H, W] into the columns of
// cols, a matrix with rows ld apart: row (c, u, v), column i*Wo + j holds
// X[c, i*s + u - p, j*s + v - p], or 0 where that falls in the padding.
func im2col(cols []float64, ld int, x []float64, d convDims) {
	r := 0
	for c := 0; c < d.cin; c++ {
		for u := 0; u < d.kh; u++ {
			for v := 0; v < d.kw; v++ {
				row := cols[r*ld : r*ld+d.outArea]
				lo, hi := d.validCols(v)
				for i := 0; i < d.ho; i++ {
					ri := row[i*d.wo : (i+1)*d.wo]
					y := i*d.stride + u - d.pad
					if y < 0 || y >= d.h || lo >= hi {
						clear(ri)
						continue
					}
					clear(ri[:lo])
					clear(ri[hi:])
					xr := x[(c*d.h+y)*d.w : (c*d.h+y+1)*d.w] // image row y of channel c
					if d.stride == 1 {
						// The valid columns read a run of neighbouring pixels.
						copy(ri[lo:hi], xr[lo+v-d.pad:])
						continue
					}
					for j := lo; j < hi; j++ {
						ri[j] = xr[j*d.stride+v-d.pad]
					}
				}
				r++
			}
		}
	}
}

// col2im is the adjoint of im2col: it adds (+=) each entry of cols (rows ld
// apart) back onto the pixel of dx [Cin, H, W] it was read from. Padding
// entries are dropped.
func col2im(dx, cols []float64, ld int, d convDims) {
	r := 0
	for c := 0; c < d.cin; c++ {
		for u := 0; u < d.kh; u++ {
			for v := 0; v < d.kw; v++ {
				row := cols[r*ld : r*ld+d.outArea]
				lo, hi := d.validCols(v)
				for i := 0; i < d.ho; i++ {
					y := i*d.stride + u - d.pad
					if y < 0 || y >= d.h {
						continue
					}
					ri := row[i*d.wo : (i+1)*d.wo]
					dr := dx[(c*d.h+y)*d.w : (c*d.h+y+1)*d.w]
					for j := lo; j < hi; j++ {
						dr[j*d.stride+v-d.pad] += ri[j]
					}
				}
				r++
			}
		}
	}
}

// validCols returns the range [lo, hi) of output columns j whose input
// column j*s + v - p lies inside the image, for kernel column v.
func (d convDims) validCols(v int) (lo, hi int) {
	for lo < d.wo && lo*d.stride+v-d.pad < 0 {
		lo++
	}
	hi = d.wo
	for hi > lo && (hi-1)*d.stride+v-d.pad >= d.w {
		hi--
	}
	return lo, hi
}

// convShapes returns the shapes of ts.
func convShapes(ts []*Tensor) [][]int {
	s := make([][]int, len(ts))
	for i, t := range ts {
		s[i] = t.Shape
	}
	return s
}

// convBuf returns buf resized to n elements, reusing its storage when it can.
func convBuf(buf []float64, n int) []float64 {
	if cap(buf) < n {
		return make([]float64, n)
	}
	return buf[:n]
}
