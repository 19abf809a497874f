package engine

import (
	"fmt"
	"math"
)

// L2Penalty is the L2 regularisation term of a loss: half the squared
// length of its inputs (the weight matrices), times a constant,
//
//	P = (λ/2) Σ_k Σ_i (W_k)_i²
//
// Its backward pass is dW_k += λ W_k dP: added to the data loss, it pulls
// every weight towards 0 in proportion to its size ("weight decay"). It
// takes one or more inputs of any shapes.
type L2Penalty struct {
	Lambda float64 // λ, finite and at least 0
}

// NewL2Penalty returns the penalty of strength lambda. It panics unless
// lambda is finite and at least 0.
func NewL2Penalty(lambda float64) *L2Penalty {
	if !(lambda >= 0) || math.IsInf(lambda, 1) {
		panic(fmt.Sprintf("engine: L2 penalty strength %v, want a finite λ >= 0", lambda))
	}
	return &L2Penalty{Lambda: lambda}
}

// Info describes the op.
func (op *L2Penalty) Info() OpInfo {
	return OpInfo{Name: "l2-penalty", Formula: fmt.Sprintf(`P = \frac{\lambda}{2} \sum_k \sum_i W_{k,i}^2,\ \lambda = %g`, op.Lambda)}
}

// Shape returns [] (a scalar). It panics without inputs.
func (*L2Penalty) Shape(in ...[]int) []int {
	if len(in) == 0 {
		panic("engine: l2-penalty needs at least one input")
	}
	return []int{}
}

// Forward computes P = (λ/2) Σ w².
func (op *L2Penalty) Forward(out *Tensor, in ...*Tensor) {
	s := 0.0
	for _, w := range in {
		for _, v := range w.Data {
			s += v * v
		}
	}
	out.Data[0] = op.Lambda / 2 * s
}

// Backward accumulates dW_k += λ W_k dP for every input that takes a gradient.
func (op *L2Penalty) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	g := op.Lambda * dout.Data[0]
	for k, w := range in {
		if din[k] == nil {
			continue
		}
		for i, v := range w.Data {
			din[k].Data[i] += g * v
		}
	}
}
