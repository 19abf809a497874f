package engine

import "fmt"

// poolDims returns the batch-times-channels count, the input height and
// width and the output height and width of a pooling window of the given
// size and stride over x [B, C, H, W]. It panics on misuse.
func poolDims(name string, size, stride int, x []int) (planes, h, w, ho, wo int) {
	if len(x) != 4 {
		panic(fmt.Sprintf("engine: %s input %v, want [B, C, H, W]", name, x))
	}
	if size < 1 || stride < 1 {
		panic(fmt.Sprintf("engine: %s size %d stride %d, want both >= 1", name, size, stride))
	}
	h, w = x[2], x[3]
	if h < size || w < size {
		panic(fmt.Sprintf("engine: %s window %d larger than input %v", name, size, x))
	}
	return x[0] * x[1], h, w, (h-size)/stride + 1, (w-size)/stride + 1
}

// MaxPool2D keeps the largest value of each Size x Size window, the windows
// Stride apart, on every channel of x [B, C, H, W]. The output is
// [B, C, Ho, Wo] with Ho = (H - Size)/Stride + 1 (rounded down), likewise Wo.
//
// Only the winning input of a window receives gradient, so the forward pass
// remembers where each maximum was. On a tie the first (top-left) wins.
type MaxPool2D struct {
	Size, Stride int

	argmax []int // per output element, the flat index of its input winner
}

// Info describes the op.
func (op *MaxPool2D) Info() OpInfo {
	return OpInfo{Name: "maxpool2d", Formula: `Y_{c,i,j} = \max_{0 \le u,v < k} X_{c,\, s i + u,\, s j + v}`}
}

// Shape returns [B, C, Ho, Wo].
func (op *MaxPool2D) Shape(in ...[]int) []int {
	_, _, _, ho, wo := poolDims("maxpool2d", op.Size, op.Stride, in[0])
	return []int{in[0][0], in[0][1], ho, wo}
}

// Forward takes the maximum of each window and records its position.
func (op *MaxPool2D) Forward(out *Tensor, in ...*Tensor) {
	planes, h, w, ho, wo := poolDims("maxpool2d", op.Size, op.Stride, in[0].Shape)
	if len(op.argmax) != len(out.Data) {
		op.argmax = make([]int, len(out.Data))
	}
	x := in[0].Data
	for p := 0; p < planes; p++ {
		for i := 0; i < ho; i++ {
			for j := 0; j < wo; j++ {
				best := -1
				for u := 0; u < op.Size; u++ {
					for v := 0; v < op.Size; v++ {
						k := (p*h+i*op.Stride+u)*w + j*op.Stride + v
						if best < 0 || x[k] > x[best] {
							best = k
						}
					}
				}
				o := (p*ho+i)*wo + j
				out.Data[o] = x[best]
				op.argmax[o] = best
			}
		}
	}
}

// Backward routes each output gradient to the input that won its window:
// dX[argmax] += dY. Overlapping windows may add to the same input.
func (op *MaxPool2D) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	for o, g := range dout.Data {
		din[0].Data[op.argmax[o]] += g
	}
}

// AvgPool2D averages each Size x Size window, the windows Stride apart, on
// every channel of x [B, C, H, W]. The output is [B, C, Ho, Wo] with
// Ho = (H - Size)/Stride + 1 (rounded down), likewise Wo.
type AvgPool2D struct {
	Size, Stride int
}

// Info describes the op.
func (op *AvgPool2D) Info() OpInfo {
	return OpInfo{Name: "avgpool2d", Formula: `Y_{c,i,j} = \frac{1}{k^2} \sum_{0 \le u,v < k} X_{c,\, s i + u,\, s j + v}`}
}

// Shape returns [B, C, Ho, Wo].
func (op *AvgPool2D) Shape(in ...[]int) []int {
	_, _, _, ho, wo := poolDims("avgpool2d", op.Size, op.Stride, in[0])
	return []int{in[0][0], in[0][1], ho, wo}
}

// Forward averages each window.
func (op *AvgPool2D) Forward(out *Tensor, in ...*Tensor) {
	planes, h, w, ho, wo := poolDims("avgpool2d", op.Size, op.Stride, in[0].Shape)
	x := in[0].Data
	inv := 1 / float64(op.Size*op.Size)
	for p := 0; p < planes; p++ {
		for i := 0; i < ho; i++ {
			for j := 0; j < wo; j++ {
				s := 0.0
				for u := 0; u < op.Size; u++ {
					for v := 0; v < op.Size; v++ {
						s += x[(p*h+i*op.Stride+u)*w+j*op.Stride+v]
					}
				}
				out.Data[(p*ho+i)*wo+j] = s * inv
			}
		}
	}
}

// Backward spreads each output gradient evenly over its window:
// dX[window] += dY / k^2.
func (op *AvgPool2D) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	planes, h, w, ho, wo := poolDims("avgpool2d", op.Size, op.Stride, in[0].Shape)
	dx := din[0].Data
	inv := 1 / float64(op.Size*op.Size)
	for p := 0; p < planes; p++ {
		for i := 0; i < ho; i++ {
			for j := 0; j < wo; j++ {
				g := dout.Data[(p*ho+i)*wo+j] * inv
				for u := 0; u < op.Size; u++ {
					for v := 0; v < op.Size; v++ {
						dx[(p*h+i*op.Stride+u)*w+j*op.Stride+v] += g
					}
				}
			}
		}
	}
}
