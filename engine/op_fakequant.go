package engine

import "fmt"

// Quantizer is the rounding rule behind a FakeQuant node: it maps values to
// an integer grid and back. Package engine/quant provides the schemes (int8
// and int4, symmetric and asymmetric, per-tensor and per-channel) and the
// observers that choose the grid for activations.
type Quantizer interface {
	// FakeQuantize writes dequantize(quantize(x)) into out, element by
	// element, and sets clipped[i] when x[i] fell outside the grid and was
	// clamped to its end. x and out have the given shape.
	FakeQuantize(out, x []float64, shape []int, clipped []bool)
	// Formula returns the TeX of the rounding rule, with this scheme's
	// integer range written in.
	Formula() string
}

// FakeQuant simulates quantization inside a float graph, as
// quantization-aware training does:
//
//	forward:  y = dequantize(quantize(x))
//	backward: dx = dy where x was inside the grid's range, 0 where clamped
//
// The backward pass is the straight-through estimator (STE). Rounding is a
// staircase whose true derivative is 0 almost everywhere, so the STE
// pretends it is the identity and lets the gradient through unchanged.
// Values outside the representable range were clamped, and moving them a
// little changes nothing, so they get a zero gradient (the "clipped" STE,
// as in PyTorch's fake_quantize).
type FakeQuant struct {
	Q       Quantizer
	clipped []bool // per element: was x clamped in the last forward pass
}

// NewFakeQuant returns a fake-quantization op with the given rule. It panics
// if q is nil.
func NewFakeQuant(q Quantizer) *FakeQuant {
	if q == nil {
		panic("engine: NewFakeQuant with a nil quantizer")
	}
	return &FakeQuant{Q: q}
}

// Info describes the op.
func (op *FakeQuant) Info() OpInfo {
	return OpInfo{Name: "fake-quant", Formula: op.Q.Formula()}
}

// Shape returns the input shape.
func (*FakeQuant) Shape(in ...[]int) []int {
	if len(in) != 1 {
		panic(fmt.Sprintf("engine: fake-quant takes 1 input, got %d", len(in)))
	}
	return append([]int(nil), in[0]...)
}

// Forward computes y = dequantize(quantize(x)) and remembers which elements
// were clamped.
func (op *FakeQuant) Forward(out *Tensor, in ...*Tensor) {
	x := in[0]
	if len(op.clipped) != len(x.Data) {
		op.clipped = make([]bool, len(x.Data))
	}
	op.Q.FakeQuantize(out.Data, x.Data, x.Shape, op.clipped)
}

// Backward accumulates the straight-through gradient: dx_i += dy_i where x_i
// was inside the range, nothing where it was clamped.
func (op *FakeQuant) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	for i, g := range dout.Data {
		if !op.clipped[i] {
			din[0].Data[i] += g
		}
	}
}

// Clipped reports, per element, whether the last forward pass clamped x.
// The slice belongs to the op; read it, do not keep it.
func (op *FakeQuant) Clipped() []bool { return op.clipped }
