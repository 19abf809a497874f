package engine

import "fmt"

// Scale multiplies every element by a constant: Y = c X. Attention uses it
// for the 1/sqrt(d_h) factor on the scores. The backward pass is dX += c dY.
type Scale struct {
	C float64 // the constant factor
}

// Info describes the op.
func (op *Scale) Info() OpInfo {
	return OpInfo{Name: "scale", Formula: fmt.Sprintf(`Y = %.6g\,X`, op.C)}
}

// Shape returns the input shape.
func (*Scale) Shape(in ...[]int) []int { return append([]int(nil), in[0]...) }

// Forward computes y_i = c x_i.
func (op *Scale) Forward(out *Tensor, in ...*Tensor) {
	for i, v := range in[0].Data {
		out.Data[i] = op.C * v
	}
}

// Backward accumulates dx_i += c dy_i.
func (op *Scale) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	for i, v := range dout.Data {
		din[0].Data[i] += op.C * v
	}
}
