package engine

import "fmt"

// Flatten reshapes x [B, d1, d2, ...] to [B, d1*d2*...], keeping the batch
// axis. Row-major order is unchanged, so the values are copied as they are;
// a CNN uses it to hand its feature maps to a linear layer.
type Flatten struct{}

// Info describes the op.
func (*Flatten) Info() OpInfo {
	return OpInfo{Name: "flatten", Formula: `Y_{b,\,k} = X_{b,\,c,i,j} \text{ with } k = (c H + i) W + j`}
}

// Shape returns [B, prod(rest)]. It panics for an input of rank < 2.
func (*Flatten) Shape(in ...[]int) []int {
	x := in[0]
	if len(x) < 2 {
		panic(fmt.Sprintf("engine: flatten input %v, want rank >= 2 [B, ...]", x))
	}
	return []int{x[0], numel(x[1:])}
}

// Forward copies the values.
func (*Flatten) Forward(out *Tensor, in ...*Tensor) { copy(out.Data, in[0].Data) }

// Backward accumulates dX += dY, read back in the input's shape.
func (*Flatten) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	for i, g := range dout.Data {
		din[0].Data[i] += g
	}
}
