package distill

import (
	"fmt"

	"stepgraph/engine"
)

// Mix is the distillation loss's last step, a weighted sum of two scalar
// losses:
//
//	L = alpha L_KL + (1 - alpha) L_CE
//	dL_KL += alpha dL ;  dL_CE += (1 - alpha) dL
type Mix struct {
	Alpha float64
}

// Info describes the op.
func (op *Mix) Info() engine.OpInfo {
	return engine.OpInfo{Name: "distillation mix", Formula: fmt.Sprintf(
		`L = \alpha\, L_{KL} + (1 - \alpha)\, L_{CE},\ \alpha = %g`, op.Alpha)}
}

// Shape returns [] (a scalar). It panics unless both inputs are scalars.
func (*Mix) Shape(in ...[]int) []int {
	if len(in) != 2 || len(in[0]) != 0 || len(in[1]) != 0 {
		panic(fmt.Sprintf("distill: mix needs two scalars, got %v", in))
	}
	return []int{}
}

// Forward computes alpha a + (1 - alpha) b.
func (op *Mix) Forward(out *engine.Tensor, in ...*engine.Tensor) {
	out.Data[0] = op.Alpha*in[0].Data[0] + (1-op.Alpha)*in[1].Data[0]
}

// Backward accumulates da += alpha dL and db += (1 - alpha) dL.
func (op *Mix) Backward(din []*engine.Tensor, dout, out *engine.Tensor, in ...*engine.Tensor) {
	if din[0] != nil {
		din[0].Data[0] += op.Alpha * dout.Data[0]
	}
	if din[1] != nil {
		din[1].Data[0] += (1 - op.Alpha) * dout.Data[0]
	}
}
