package quant

import "stepgraph/engine"

// Observe is the identity, y = x, that shows every value passing through
// it to an observer. Static quantization puts one before each linear
// layer's input while it calibrates.
type Observe struct {
	Observer Observer
}

// Info describes the op.
func (op *Observe) Info() engine.OpInfo {
	return engine.OpInfo{Name: "observe (" + op.Observer.Name() + ")", Formula: `y = x`}
}

// Shape returns the input shape.
func (*Observe) Shape(in ...[]int) []int { return append([]int(nil), in[0]...) }

// Forward copies x and records it.
func (op *Observe) Forward(out *engine.Tensor, in ...*engine.Tensor) {
	out.CopyFrom(in[0])
	op.Observer.Observe(in[0])
}

// Backward accumulates dx += dy.
func (*Observe) Backward(din []*engine.Tensor, dout, out *engine.Tensor, in ...*engine.Tensor) {
	if din[0] == nil {
		return
	}
	for i, g := range dout.Data {
		din[0].Data[i] += g
	}
}
