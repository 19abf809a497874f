package quant

import (
	"fmt"
	"math"
)

// Error measures how far quantized values are from the real ones.
type Error struct {
	MSE    float64 // mean of (x - x')^2
	MaxAbs float64 // max |x - x'|
	SQNR   float64 // signal-to-quantization-noise ratio in dB: 10 log10(sum x^2 / sum (x - x')^2)
}

// String formats the three numbers.
func (e Error) String() string {
	return fmt.Sprintf("mse %.3g, max abs %.3g, SQNR %.1f dB", e.MSE, e.MaxAbs, e.SQNR)
}

// Measure compares the reference values x with their approximation got, in
// float64. The SQNR is +Inf when there is no error at all, and -Inf when the
// reference is all zeros but got is not. NaN or infinite values in either
// argument are skipped (a causal mask's -inf matches itself). It panics if
// the lengths differ.
func Measure(x, got []float64) Error {
	if len(x) != len(got) {
		panic(fmt.Sprintf("quant: Measure of %d and %d values", len(x), len(got)))
	}
	var e Error
	var signal, noise float64
	n := 0
	for i, v := range x {
		d := v - got[i]
		if math.IsNaN(d) || math.IsInf(d, 0) {
			continue
		}
		signal += v * v
		noise += d * d
		e.MaxAbs = max(e.MaxAbs, math.Abs(d))
		n++
	}
	if n > 0 {
		e.MSE = noise / float64(n)
	}
	switch {
	case noise == 0:
		e.SQNR = math.Inf(1)
	case signal == 0:
		e.SQNR = math.Inf(-1)
	default:
		e.SQNR = 10 * math.Log10(signal/noise)
	}
	return e
}
