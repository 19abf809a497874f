package quant

import (
	"fmt"

	"stepgraph/engine"
)

// QMatMul is a linear layer run on integers: Y = X W with W already
// quantized and X quantized on the fly.
//
//	q_x = quantize(X)                      one grid per row (dynamic) or a fixed one (static)
//	C   = sum_p (q_x[i,p] - z_x) (q_w[p,j] - z_w)      int8 x int8, int32 accumulate
//	Y   = s_x s_w C                        rescaled to float
//
// Inputs: X [..., k] (float) and the quantized weight [k, n], whose values
// are the integers of W stored as float64 (a frozen node, so the UI can show
// them). W's grid is in the op. The sum is expanded so that the integer
// product runs on the raw integers and the zero points are corrected after:
//
//	C = sum q_x q_w - z_w sum_p q_x - z_x sum_p q_w + k z_x z_w
//
// The backward pass is straight-through for X (dX = dY W'^T with W' the
// dequantized weight, zero where X was clamped) and gives W no gradient.
type QMatMul struct {
	W         Params  // the weight's grid: per-tensor, or per output column (Axis 1)
	Act       Scheme  // the activations' scheme; always per-tensor or per-row
	ActParams *Params // static: one fixed grid for X; nil: dynamic, one grid per row from its own range

	LastAct Params // the activation grid of the last forward pass, for the UI
	qx, qw  []int8
	acc     []int32
	clipped []bool
}

// Info describes the op.
func (op *QMatMul) Info() engine.OpInfo {
	mode := "dynamic"
	if op.ActParams != nil {
		mode = "static"
	}
	return engine.OpInfo{
		Name:    fmt.Sprintf("int%d matmul (%s)", op.W.Scheme.Bits, mode),
		Formula: `Y_{ij} = s^x_i\, s^w_j \sum_p (q^x_{ip} - z^x_i)(q^w_{pj} - z^w_j)`,
	}
}

// Shape returns [..., n]. It panics unless X is [..., k] and the weight is
// [k, n] with a grid that fits it.
func (op *QMatMul) Shape(in ...[]int) []int {
	x, w := in[0], in[1]
	if len(x) < 1 || len(w) != 2 || x[len(x)-1] != w[0] {
		panic(fmt.Sprintf("quant: int matmul shape mismatch %v x %v", x, w))
	}
	if op.W.Axis != PerTensor && op.W.Axis != 1 {
		panic(fmt.Sprintf("quant: int matmul weight grid on axis %d, want per-tensor or axis 1", op.W.Axis))
	}
	op.W.check(w)
	out := append([]int(nil), x[:len(x)-1]...)
	return append(out, w[1])
}

// Forward quantizes X, multiplies on integers and rescales.
func (op *QMatMul) Forward(out *engine.Tensor, in ...*engine.Tensor) {
	x, w := in[0], in[1]
	k, n := w.Shape[0], w.Shape[1]
	m := x.Size() / k
	op.grow(m, k, n)
	for i, v := range w.Data {
		op.qw[i] = int8(v)
		if float64(op.qw[i]) != v {
			panic(fmt.Sprintf("quant: int matmul weight %d = %v is not an int8", i, v))
		}
	}
	rows := []int{m, k} // X seen as [m, k]
	if op.ActParams != nil {
		op.LastAct = *op.ActParams
	} else {
		lo, hi := groupRange(x.Data, rows, 0)
		op.LastAct = ParamsFromRange(lo, hi, op.Act, 0)
	}
	QuantizeTo(op.qx, op.clipped, x.Data, rows, op.LastAct)
	MatMulInt8To(op.acc, op.qx, op.qw, m, k, n) // [m, n] int32

	ng, _ := groups([]int{k, n}, op.W.Axis)
	// The corrections are summed in int64: with zero points a term can reach
	// k * 255 * 255, beyond int32 for deep layers.
	colSum := make([]int64, n) // sum_p q_w[p, j]
	for p := 0; p < k; p++ {
		for j := 0; j < n; j++ {
			colSum[j] += int64(op.qw[p*n+j])
		}
	}
	for i := 0; i < m; i++ {
		gx := 0
		if op.LastAct.Axis != PerTensor {
			gx = i
		}
		sx, zx := op.LastAct.Scale[gx], int64(op.LastAct.Zero[gx])
		rowSum := int64(0) // sum_p q_x[i, p]
		for _, v := range op.qx[i*k : (i+1)*k] {
			rowSum += int64(v)
		}
		for j := 0; j < n; j++ {
			gw := j % ng
			sw, zw := op.W.Scale[gw], int64(op.W.Zero[gw])
			c := int64(op.acc[i*n+j]) - zw*rowSum - zx*colSum[j] + int64(k)*zx*zw
			out.Data[i*n+j] = float64(c) * float64(sx) * float64(sw)
		}
	}
}

// Backward accumulates the straight-through gradient dX += dY W'^T, where W'
// is the dequantized weight, skipping elements of X that were clamped.
func (op *QMatMul) Backward(din []*engine.Tensor, dout, out *engine.Tensor, in ...*engine.Tensor) {
	if din[0] == nil {
		return
	}
	w := in[1]
	k, n := w.Shape[0], w.Shape[1]
	m := in[0].Size() / k
	wd := make([]float64, k*n) // [k, n], W'
	DequantizeTo(wd, op.qw, w.Shape, op.W)
	for i := 0; i < m; i++ {
		dy := dout.Data[i*n : (i+1)*n] // [n]
		for p := 0; p < k; p++ {
			if op.clipped[i*k+p] {
				continue
			}
			s := 0.0
			for j, g := range dy {
				s += g * wd[p*n+j]
			}
			din[0].Data[i*k+p] += s
		}
	}
}

// grow sizes the buffers for X [m, k] and W [k, n].
func (op *QMatMul) grow(m, k, n int) {
	if len(op.qx) != m*k {
		op.qx, op.clipped = make([]int8, m*k), make([]bool, m*k)
	}
	if len(op.qw) != k*n {
		op.qw = make([]int8, k*n)
	}
	if len(op.acc) != m*n {
		op.acc = make([]int32, m*n)
	}
}
