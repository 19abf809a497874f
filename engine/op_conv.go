package engine

import "fmt"

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
// The op computes the sum as one matrix product per image ("im2col"): each
// output position's input patch is copied into a column of a matrix, so the
// convolution becomes W [Cout, Cin*kh*kw] times the columns [Cin*kh*kw,
// Ho*Wo]. The backward pass runs the same product transposed.
type Conv2D struct {
	Stride int // step between neighbouring windows, >= 1
	Pad    int // zeros added on every side of the image, >= 0

	cols, dcols []float64 // scratch [Cin*kh*kw, Ho*Wo], one image at a time
}

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

// Forward computes Y = W * X + bias, one image at a time: Y_b [Cout, Ho*Wo]
// = W [Cout, Cin*kh*kw] x cols [Cin*kh*kw, Ho*Wo].
func (op *Conv2D) Forward(out *Tensor, in ...*Tensor) {
	d := op.dims(convShapes(in)...)
	op.cols = convBuf(op.cols, d.patch*d.outArea)
	inSize, outSize := d.cin*d.h*d.w, d.cout*d.outArea
	for b := 0; b < d.b; b++ {
		xb := in[0].Data[b*inSize : (b+1)*inSize] // [Cin, H, W]
		yb := out.Data[b*outSize : (b+1)*outSize] // [Cout, Ho*Wo]
		im2col(op.cols, xb, d)
		gemm(false, false, d.cout, d.outArea, d.patch, in[1].Data, op.cols, 0, yb)
		if len(in) == 3 {
			for o, bias := range in[2].Data {
				for k := range yb[o*d.outArea : (o+1)*d.outArea] {
					yb[o*d.outArea+k] += bias
				}
			}
		}
	}
}

// Backward accumulates, per image,
//
//	dW    += dY_b [Cout, Ho*Wo] x cols^T [Ho*Wo, Cin*kh*kw]
//	dcols  = W^T [Cin*kh*kw, Cout] x dY_b [Cout, Ho*Wo], then dX_b += col2im(dcols)
//	dbias += dY_b summed over positions
//
// col2im adds each column back onto the pixels it was copied from, so a
// pixel shared by overlapping windows sums their gradients.
func (op *Conv2D) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	d := op.dims(convShapes(in)...)
	op.cols = convBuf(op.cols, d.patch*d.outArea)
	op.dcols = convBuf(op.dcols, d.patch*d.outArea)
	inSize, outSize := d.cin*d.h*d.w, d.cout*d.outArea
	for b := 0; b < d.b; b++ {
		gb := dout.Data[b*outSize : (b+1)*outSize] // [Cout, Ho*Wo]
		if din[1] != nil {
			im2col(op.cols, in[0].Data[b*inSize:(b+1)*inSize], d)
			gemm(false, true, d.cout, d.patch, d.outArea, gb, op.cols, 1, din[1].Data)
		}
		if din[0] != nil {
			gemm(true, false, d.patch, d.outArea, d.cout, in[1].Data, gb, 0, op.dcols)
			col2im(din[0].Data[b*inSize:(b+1)*inSize], op.dcols, d)
		}
		if len(in) == 3 && din[2] != nil {
			for o := range din[2].Data {
				for _, g := range gb[o*d.outArea : (o+1)*d.outArea] {
					din[2].Data[o] += g
				}
			}
		}
	}
}

// im2col copies the patches of one image x [Cin, H, W] into cols
// [Cin*kh*kw, Ho*Wo]: row (c, u, v) holds X[c, i*s + u - p, j*s + v - p] for
// every output position (i, j), or 0 where that falls in the padding.
func im2col(cols, x []float64, d convDims) {
	r := 0
	for c := 0; c < d.cin; c++ {
		for u := 0; u < d.kh; u++ {
			for v := 0; v < d.kw; v++ {
				row := cols[r*d.outArea : (r+1)*d.outArea]
				for i := 0; i < d.ho; i++ {
					y := i*d.stride + u - d.pad
					for j := 0; j < d.wo; j++ {
						xx := j*d.stride + v - d.pad
						if y < 0 || y >= d.h || xx < 0 || xx >= d.w {
							row[i*d.wo+j] = 0
						} else {
							row[i*d.wo+j] = x[(c*d.h+y)*d.w+xx]
						}
					}
				}
				r++
			}
		}
	}
}

// col2im is the adjoint of im2col: it adds (+=) each entry of cols back
// onto the pixel of dx [Cin, H, W] it was read from. Padding entries are
// dropped.
func col2im(dx, cols []float64, d convDims) {
	r := 0
	for c := 0; c < d.cin; c++ {
		for u := 0; u < d.kh; u++ {
			for v := 0; v < d.kw; v++ {
				row := cols[r*d.outArea : (r+1)*d.outArea]
				for i := 0; i < d.ho; i++ {
					y := i*d.stride + u - d.pad
					if y < 0 || y >= d.h {
						continue
					}
					for j := 0; j < d.wo; j++ {
						xx := j*d.stride + v - d.pad
						if xx >= 0 && xx < d.w {
							dx[(c*d.h+y)*d.w+xx] += row[i*d.wo+j]
						}
					}
				}
				r++
			}
		}
	}
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
