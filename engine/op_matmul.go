package engine

import (
	"fmt"

	"stepgraph/engine/internal/gemm"
)

// MatMul multiplies the last two axes: Y = A B, or Y = A B^T with TransB.
//
//   - If B is 2-D ([k, n], a weight), A may have any leading axes:
//     [..., m, k] x [k, n] -> [..., m, n]. This is a linear layer.
//   - Otherwise A and B share their leading (batch) axes:
//     [..., m, k] x [..., k, n] -> [..., m, n].
//
// With TransB, B is read as its transpose: [..., n, k].
type MatMul struct {
	TransB bool
}

// Info describes the op.
func (op *MatMul) Info() OpInfo {
	if op.TransB {
		return OpInfo{Name: "matmul", Formula: `Y = A B^{T}`}
	}
	return OpInfo{Name: "matmul", Formula: `Y = A B`}
}

// dims returns batch count, m, k, n and whether B is shared across the batch.
func (op *MatMul) dims(a, b []int) (batch, m, k, n int, shared bool) {
	if len(a) < 2 || len(b) < 2 {
		panic(fmt.Sprintf("engine: matmul needs rank >= 2, got %v x %v", a, b))
	}
	m, k = a[len(a)-2], a[len(a)-1]
	kb, n := b[len(b)-2], b[len(b)-1]
	if op.TransB {
		kb, n = n, kb
	}
	if k != kb {
		panic(fmt.Sprintf("engine: matmul shape mismatch %v x %v (transB=%v)", a, b, op.TransB))
	}
	batch = numel(a[:len(a)-2])
	if len(b) == 2 {
		// A weight: fold A's batch into its rows.
		return 1, batch * m, k, n, true
	}
	if !SameShape(a[:len(a)-2], b[:len(b)-2]) {
		panic(fmt.Sprintf("engine: matmul batch mismatch %v x %v", a, b))
	}
	return batch, m, k, n, false
}

// Shape returns [..., m, n].
func (op *MatMul) Shape(in ...[]int) []int {
	a, b := in[0], in[1]
	op.dims(a, b)
	n := b[len(b)-1]
	if op.TransB {
		n = b[len(b)-2]
	}
	out := append([]int(nil), a[:len(a)-1]...)
	return append(out, n)
}

// Forward computes Y = A B (or A B^T) for each batch element.
func (op *MatMul) Forward(out *Tensor, in ...*Tensor) {
	a, b := in[0], in[1]
	batch, m, k, n, shared := op.dims(a.Shape, b.Shape)
	for i := 0; i < batch; i++ {
		bi := b.Data
		if !shared {
			bi = b.Data[i*k*n : (i+1)*k*n]
		}
		gemm.Mul(false, op.TransB, m, n, k, a.Data[i*m*k:(i+1)*m*k], bi, 0, out.Data[i*m*n:(i+1)*m*n])
	}
}

// Backward accumulates dA += dY B^T and dB += A^T dY (for TransB,
// dB += dY^T A).
func (op *MatMul) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	a, b := in[0], in[1]
	batch, m, k, n, shared := op.dims(a.Shape, b.Shape)
	for i := 0; i < batch; i++ {
		ai := a.Data[i*m*k : (i+1)*m*k]
		gi := dout.Data[i*m*n : (i+1)*m*n]
		bi, dbi := b.Data, []float64(nil)
		if din[1] != nil {
			dbi = din[1].Data
		}
		if !shared {
			bi = b.Data[i*k*n : (i+1)*k*n]
			if dbi != nil {
				dbi = dbi[i*k*n : (i+1)*k*n]
			}
		}
		if din[0] != nil {
			// dA [m,k] += dY [m,n] x B^T; B is [k,n] (or [n,k] with TransB).
			gemm.Mul(false, !op.TransB, m, k, n, gi, bi, 1, din[0].Data[i*m*k:(i+1)*m*k])
		}
		if dbi != nil {
			if op.TransB {
				// dB [n,k] += dY^T [n,m] x A [m,k]
				gemm.MulTA(n, k, m, gi, ai, dbi)
			} else {
				// dB [k,n] += A^T [k,m] x dY [m,n]
				gemm.MulTA(k, n, m, ai, gi, dbi)
			}
		}
	}
}
