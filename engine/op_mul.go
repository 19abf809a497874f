package engine

import "fmt"

// Mul multiplies element by element: Y = A ⊙ B. As with Add, B's shape
// must equal A's or be a suffix of it, and B is then repeated along A's
// leading axes (a per-feature gain [d] times [B, T, d]).
//
// Backward: dA += dY ⊙ B, and dB += dY ⊙ A summed over the repeated axes.
type Mul struct{}

// Info describes the op.
func (*Mul) Info() OpInfo { return OpInfo{Name: "mul", Formula: `Y = A \odot B`} }

// Shape returns A's shape. It panics unless B's shape is a suffix of A's.
func (*Mul) Shape(in ...[]int) []int {
	a, b := in[0], in[1]
	if len(b) > len(a) || !SameShape(a[len(a)-len(b):], b) {
		panic(fmt.Sprintf("engine: mul shape mismatch %v * %v", a, b))
	}
	return append([]int(nil), a...)
}

// Forward computes y = a ⊙ b, repeating b along a's leading axes.
func (*Mul) Forward(out *Tensor, in ...*Tensor) {
	a, b := in[0].Data, in[1].Data
	nb := len(b)
	for i := 0; i < len(a); i += nb {
		o, x := out.Data[i:i+nb], a[i:i+nb]
		for j := range o {
			o[j] = x[j] * b[j]
		}
	}
}

// Backward accumulates dA += dY ⊙ B and dB += sum over repeats of dY ⊙ A.
func (*Mul) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	a, b, g := in[0].Data, in[1].Data, dout.Data
	nb := len(b)
	for i := 0; i < len(g); i += nb {
		gi, ai := g[i:i+nb], a[i:i+nb]
		if din[0] != nil {
			da := din[0].Data[i : i+nb]
			for j, v := range gi {
				da[j] += v * b[j]
			}
		}
		if din[1] != nil {
			db := din[1].Data
			for j, v := range gi {
				db[j] += v * ai[j]
			}
		}
	}
}
