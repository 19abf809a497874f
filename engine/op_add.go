package engine

import "fmt"

// Add computes Y = A + B. B's shape must equal A's or be a suffix of it
// (a bias [d] added to [B, T, d]), in which case B is broadcast over A's
// leading axes.
type Add struct{}

// Info describes the op.
func (*Add) Info() OpInfo { return OpInfo{Name: "add", Formula: `Y = A + B`} }

// Shape returns A's shape.
func (*Add) Shape(in ...[]int) []int {
	a, b := in[0], in[1]
	if len(b) > len(a) || !SameShape(a[len(a)-len(b):], b) {
		panic(fmt.Sprintf("engine: add shape mismatch %v + %v", a, b))
	}
	return append([]int(nil), a...)
}

// Forward computes Y = A + B, repeating B along A's leading axes.
func (*Add) Forward(out *Tensor, in ...*Tensor) {
	a, b := in[0].Data, in[1].Data
	nb := len(b)
	for i := 0; i < len(a); i += nb {
		o, x := out.Data[i:i+nb], a[i:i+nb]
		for j := range o {
			o[j] = x[j] + b[j]
		}
	}
}

// Backward accumulates dA += dY and dB += dY summed over the broadcast axes.
func (*Add) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	g := dout.Data
	if din[0] != nil {
		da := din[0].Data
		for i, v := range g {
			da[i] += v
		}
	}
	if din[1] != nil {
		db := din[1].Data
		nb := len(db)
		for i := 0; i < len(g); i += nb {
			for j, v := range g[i : i+nb] {
				db[j] += v
			}
		}
	}
}
