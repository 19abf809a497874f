package engine

import (
	"fmt"
	"math"
)

// LayerNorm normalises each row of the last axis to zero mean and unit
// variance, then applies a learned gain g and bias b. Inputs: x [..., d],
// g [d], b [d]. With the biased (population) variance:
//
//	mu = (1/d) sum_i x_i ;  var = (1/d) sum_i (x_i - mu)^2
//	xhat_i = (x_i - mu) / sqrt(var + eps) ;  y_i = xhat_i g_i + b_i
//
// The backward pass is fused (one formula instead of a chain of primitive
// ops). With r = 1/sqrt(var + eps) and dxhat_i = dy_i g_i:
//
//	dx_i = r (dxhat_i - mean(dxhat) - xhat_i mean(dxhat ⊙ xhat))
//	dg_i += sum over rows of dy_i xhat_i ;  db_i += sum over rows of dy_i
//
// The op keeps no state: the backward pass recomputes mu and r from x, which
// costs one pass over the row.
type LayerNorm struct {
	Eps float64 // added to the variance; the reference spec uses 1e-5
}

// NewLayerNorm returns a LayerNorm with the reference epsilon 1e-5.
func NewLayerNorm() *LayerNorm { return &LayerNorm{Eps: 1e-5} }

// Info describes the op.
func (*LayerNorm) Info() OpInfo {
	return OpInfo{Name: "layernorm", Formula: `y = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} \odot g + b`}
}

// Shape returns x's shape. It panics unless g and b are [d] for x [..., d].
func (*LayerNorm) Shape(in ...[]int) []int {
	if len(in) != 3 {
		panic(fmt.Sprintf("engine: layernorm takes (x, g, b), got %d inputs", len(in)))
	}
	x, g, b := in[0], in[1], in[2]
	if len(x) < 1 || len(g) != 1 || len(b) != 1 || g[0] != x[len(x)-1] || b[0] != g[0] {
		panic(fmt.Sprintf("engine: layernorm shape mismatch x %v g %v b %v", x, g, b))
	}
	return append([]int(nil), x...)
}

// rowStats returns the mean of row and r = 1/sqrt(var + eps).
func (op *LayerNorm) rowStats(row []float64) (mu, r float64) {
	for _, v := range row {
		mu += v
	}
	mu /= float64(len(row))
	variance := 0.0
	for _, v := range row {
		variance += (v - mu) * (v - mu)
	}
	variance /= float64(len(row))
	return mu, 1 / math.Sqrt(variance+op.Eps)
}

// Forward normalises every row of x.
func (op *LayerNorm) Forward(out *Tensor, in ...*Tensor) {
	x, g, b := in[0].Data, in[1].Data, in[2].Data
	d := len(g)
	for r := 0; r < len(x); r += d {
		row, y := x[r:r+d], out.Data[r:r+d]
		mu, rstd := op.rowStats(row)
		for i, v := range row {
			y[i] = (v-mu)*rstd*g[i] + b[i]
		}
	}
}

// Backward accumulates dx, dg and db with the fused formula above.
func (op *LayerNorm) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	x, g := in[0].Data, in[1].Data
	d := len(g)
	dy := dout.Data
	for r := 0; r < len(x); r += d {
		row, gy := x[r:r+d], dy[r:r+d]
		mu, rstd := op.rowStats(row)
		// mean(dxhat) and mean(dxhat ⊙ xhat) over the row.
		var m1, m2 float64
		for i, v := range row {
			dxhat := gy[i] * g[i]
			m1 += dxhat
			m2 += dxhat * (v - mu) * rstd
		}
		m1 /= float64(d)
		m2 /= float64(d)
		for i, v := range row {
			xhat := (v - mu) * rstd
			if din[0] != nil {
				din[0].Data[r+i] += rstd * (gy[i]*g[i] - m1 - xhat*m2)
			}
			if din[1] != nil {
				din[1].Data[i] += gy[i] * xhat
			}
			if din[2] != nil {
				din[2].Data[i] += gy[i]
			}
		}
	}
}
