package engine

import (
	"fmt"
	"math"
)

// Softmax normalises each row of the last axis into probabilities:
//
//	y_j = e^{x_j - m} / sum_k e^{x_k - m},   m = max_k x_k
//
// Subtracting the row maximum m changes nothing mathematically and keeps
// e^x from overflowing. An entry of -inf (a masked attention score) gets a
// probability of exactly 0. A row that is entirely -inf has no defined
// softmax and gives NaN; neither a causal mask nor a Mask (whose patterns
// keep an allowed key in every row) produces one.
type Softmax struct{}

// Info describes the op.
func (*Softmax) Info() OpInfo {
	return OpInfo{Name: "softmax", Formula: `y_j = \frac{e^{x_j}}{\sum_k e^{x_k}}`}
}

// Shape returns the input shape. It panics on a scalar input.
func (*Softmax) Shape(in ...[]int) []int {
	if len(in[0]) < 1 {
		panic(fmt.Sprintf("engine: softmax needs rank >= 1, got %v", in[0]))
	}
	return append([]int(nil), in[0]...)
}

// Forward computes the softmax of every row.
func (*Softmax) Forward(out *Tensor, in ...*Tensor) {
	n := in[0].Dim(-1)
	x := in[0].Data
	for r := 0; r < len(x); r += n {
		softmaxRow(out.Data[r:r+n], x[r:r+n])
	}
}

// softmaxRow writes softmax(z) into p for one row and returns
// logsumexp(z) = m + log sum_j e^{z_j - m}, which the cross-entropy and KL
// losses need.
// Masked entries (-inf) are set to 0 directly, which skips half the
// exponentials of a causal attention map.
func softmaxRow(p, z []float64) float64 {
	m := math.Inf(-1)
	for _, v := range z {
		if v > m {
			m = v
		}
	}
	sum := 0.0
	for j, v := range z {
		if math.IsInf(v, -1) {
			p[j] = 0
			continue
		}
		e := math.Exp(v - m)
		p[j] = e
		sum += e
	}
	inv := 1 / sum
	for j := range p {
		p[j] *= inv
	}
	return m + math.Log(sum)
}

// Backward accumulates, row by row, dx += y ⊙ (dy - sum(dy ⊙ y)). It needs
// only the output y: the Jacobian of softmax is diag(y) - y y^T.
func (*Softmax) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	n := out.Dim(-1)
	y, dy, dx := out.Data, dout.Data, din[0].Data
	for r := 0; r < len(y); r += n {
		yr, gr, xr := y[r:r+n], dy[r:r+n], dx[r:r+n]
		dot := 0.0
		for j, v := range yr {
			dot += gr[j] * v
		}
		for j, v := range yr {
			xr[j] += v * (gr[j] - dot)
		}
	}
}
