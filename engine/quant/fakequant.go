package quant

import (
	"fmt"

	"stepgraph/engine"
)

// WeightQuantizer is the engine.Quantizer of a weight: each forward pass
// chooses the grid from the weight's current range (ParamsFor), so the grid
// follows the weight as it trains. Nothing is ever clamped, so the
// straight-through gradient passes everywhere.
type WeightQuantizer struct {
	Scheme Scheme
	Last   Params // the grid of the last forward pass, for the UI
}

// FakeQuantize writes dequantize(quantize(x)) on x's own grid into out.
func (w *WeightQuantizer) FakeQuantize(out, x []float64, shape []int, clipped []bool) {
	t := &engine.Tensor{Shape: shape, Data: x}
	w.Last = ParamsFor(t, w.Scheme)
	fakeQuantize(out, x, shape, w.Last, clipped)
}

// Formula returns the TeX of the rule with this scheme's range.
func (w *WeightQuantizer) Formula() string { return formula(w.Scheme) }

// ActQuantizer is the engine.Quantizer of an activation. While Observing,
// each forward pass first shows the values to the observer; the grid then
// covers the observer's range, so values outside it are clamped (and get
// no gradient). Before the observer has seen anything, the grid covers the
// running tensor's own range. The scheme is per-tensor.
type ActQuantizer struct {
	Scheme    Scheme
	Observer  Observer
	Observing bool   // update the observer on each forward pass (training, calibration)
	Last      Params // the grid of the last forward pass, for the UI
}

// NewActQuantizer returns an observing activation quantizer. It panics if
// the scheme is invalid or per-channel, or obs is nil.
func NewActQuantizer(s Scheme, obs Observer) *ActQuantizer {
	if err := s.Validate(); err != nil {
		panic("quant: " + err.Error())
	}
	if s.PerChannel || obs == nil {
		panic(fmt.Sprintf("quant: activation quantizer needs a per-tensor scheme and an observer, got %v, %v", s, obs))
	}
	return &ActQuantizer{Scheme: s, Observer: obs, Observing: true}
}

// FakeQuantize observes x (when Observing) and writes dequantize(quantize(x))
// on the observed grid into out.
func (a *ActQuantizer) FakeQuantize(out, x []float64, shape []int, clipped []bool) {
	t := &engine.Tensor{Shape: shape, Data: x}
	if a.Observing {
		a.Observer.Observe(t)
	}
	if lo, hi, ok := a.Observer.Range(); ok {
		a.Last = ParamsFromRange([]float64{lo}, []float64{hi}, a.Scheme, PerTensor)
	} else {
		a.Last = ParamsFor(t, a.Scheme)
	}
	fakeQuantize(out, x, shape, a.Last, clipped)
}

// Formula returns the TeX of the rule with this scheme's range.
func (a *ActQuantizer) Formula() string { return formula(a.Scheme) }

// fakeQuantize writes dequantize(quantize(x)) into out, marking clamped
// elements.
func fakeQuantize(out, x []float64, shape []int, p Params, clipped []bool) {
	q := make([]int8, len(x))
	QuantizeTo(q, clipped, x, shape, p)
	DequantizeTo(out, q, shape, p)
}

// formula returns the TeX of fake quantization under s.
func formula(s Scheme) string {
	qmin, qmax := s.Range()
	if s.Symmetric {
		return fmt.Sprintf(`\hat{x} = s \cdot \operatorname{clamp}\left(\lfloor x / s \rceil, %d, %d\right),\ s = \max|x| / %d`, qmin, qmax, qmax)
	}
	return fmt.Sprintf(`\hat{x} = s \left(\operatorname{clamp}\left(\lfloor x / s \rceil + z, %d, %d\right) - z\right),\ s = \frac{\max x - \min x}{%d}`, qmin, qmax, qmax-qmin)
}
