package engine

// OpInfo describes an op for teaching: its name and the formula it computes,
// in TeX.
type OpInfo struct {
	Name    string // short name, e.g. "matmul"
	Formula string // TeX, e.g. `Y = X W`
}

// Op is one operation of the graph. Forward and backward sit side by side in
// each implementation.
//
// An Op value belongs to one node: ops that keep something from the forward
// pass for the backward pass (LayerNorm's statistics, max-pool's argmax) hold
// it in their own fields.
type Op interface {
	// Info describes the op.
	Info() OpInfo
	// Shape returns the output shape for the given input shapes. It panics
	// with an "engine: " message when the shapes do not fit.
	Shape(in ...[]int) []int
	// Forward computes the output into out from the input values.
	Forward(out *Tensor, in ...*Tensor)
	// Backward accumulates (+=) into din[i] the gradient of the loss with
	// respect to input i, given the output value out and its gradient dout.
	// din[i] is nil when input i needs no gradient.
	Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor)
}
