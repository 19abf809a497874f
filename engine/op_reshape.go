package engine

import "fmt"

// Reshape gives the same elements, in the same row-major order, a new
// shape. One dimension may be -1; it is inferred from the element count.
// The backward pass reshapes the gradient back: dX += dY, element by element.
type Reshape struct {
	To []int // the new shape, with at most one -1
}

// Info describes the op.
func (op *Reshape) Info() OpInfo {
	return OpInfo{Name: "reshape", Formula: fmt.Sprintf(`Y = \operatorname{reshape}(X, %v)`, op.To)}
}

// Shape returns the new shape. It panics if the element counts differ or
// the target has more than one -1.
func (op *Reshape) Shape(in ...[]int) []int {
	n := numel(in[0])
	out := append([]int(nil), op.To...)
	known, free := 1, -1
	for i, s := range out {
		switch {
		case s == -1 && free < 0:
			free = i
		case s < 0:
			panic(fmt.Sprintf("engine: reshape %v to %v: bad target", in[0], op.To))
		default:
			known *= s
		}
	}
	if free >= 0 && known > 0 && n%known == 0 {
		out[free] = n / known
	} else if free >= 0 || known != n {
		panic(fmt.Sprintf("engine: reshape %v to %v: element counts differ", in[0], op.To))
	}
	return out
}

// Forward copies the elements.
func (*Reshape) Forward(out *Tensor, in ...*Tensor) { copy(out.Data, in[0].Data) }

// Backward accumulates dx_i += dy_i.
func (*Reshape) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	for i, v := range dout.Data {
		din[0].Data[i] += v
	}
}

// Transpose swaps the last two axes: [..., m, n] -> [..., n, m], with
// y[..., j, i] = x[..., i, j]. The backward pass transposes the gradient
// back.
type Transpose struct{}

// Info describes the op.
func (*Transpose) Info() OpInfo { return OpInfo{Name: "transpose", Formula: `Y = X^{T}`} }

// Shape returns the shape with its last two axes swapped. It panics unless
// the rank is at least 2.
func (*Transpose) Shape(in ...[]int) []int {
	x := in[0]
	if len(x) < 2 {
		panic(fmt.Sprintf("engine: transpose needs rank >= 2, got %v", x))
	}
	out := append([]int(nil), x...)
	out[len(out)-2], out[len(out)-1] = x[len(x)-1], x[len(x)-2]
	return out
}

// Forward writes y[..., j, i] = x[..., i, j].
func (*Transpose) Forward(out *Tensor, in ...*Tensor) {
	m, n := in[0].Dim(-2), in[0].Dim(-1)
	x := in[0].Data
	for b := 0; b < len(x); b += m * n {
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				out.Data[b+j*m+i] = x[b+i*n+j]
			}
		}
	}
}

// Backward accumulates dx[..., i, j] += dy[..., j, i].
func (*Transpose) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	m, n := in[0].Dim(-2), in[0].Dim(-1)
	dx := din[0].Data
	for b := 0; b < len(dx); b += m * n {
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				dx[b+i*n+j] += dout.Data[b+j*m+i]
			}
		}
	}
}
