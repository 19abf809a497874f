package engine

import (
	"fmt"
	"math"
)

// CausalMask hides future keys from each query. Its input is a stack of
// attention score matrices [..., Tq, Tk]; entry (i, k) is the score of query
// position i for key position k. The mask sets every entry with k > i to
// -inf, so the softmax that follows gives those keys exactly 0 probability:
//
//	y_{ik} = x_{ik} if k <= i, and -inf if k > i
//
// The gradient passes through the kept entries and is 0 for masked ones.
type CausalMask struct{}

// Info describes the op.
func (*CausalMask) Info() OpInfo {
	return OpInfo{Name: "causal-mask", Formula: `y_{ik} = \begin{cases} x_{ik} & k \le i \\ -\infty & k > i \end{cases}`}
}

// Shape returns the input shape. It panics unless the rank is at least 2.
func (*CausalMask) Shape(in ...[]int) []int {
	if len(in[0]) < 2 {
		panic(fmt.Sprintf("engine: causal mask needs [..., Tq, Tk], got %v", in[0]))
	}
	return append([]int(nil), in[0]...)
}

// Forward copies the kept entries and writes -inf above the diagonal.
func (*CausalMask) Forward(out *Tensor, in ...*Tensor) {
	tq, tk := in[0].Dim(-2), in[0].Dim(-1)
	x, y := in[0].Data, out.Data
	inf := math.Inf(-1)
	for m := 0; m < len(x); m += tq * tk {
		for i := 0; i < tq; i++ {
			row := m + i*tk
			for k := 0; k < tk; k++ {
				if k > i {
					y[row+k] = inf
				} else {
					y[row+k] = x[row+k]
				}
			}
		}
	}
}

// Backward accumulates dx_{ik} += dy_{ik} for k <= i; masked entries get
// nothing, since their output does not depend on the input.
func (*CausalMask) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	tq, tk := out.Dim(-2), out.Dim(-1)
	dy, dx := dout.Data, din[0].Data
	for m := 0; m < len(dy); m += tq * tk {
		for i := 0; i < tq; i++ {
			row := m + i*tk
			for k := 0; k <= i && k < tk; k++ {
				dx[row+k] += dy[row+k]
			}
		}
	}
}
