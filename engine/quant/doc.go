// Package quant turns a trained float model into a quantized one and
// measures what that costs. It works on engine graphs, so the same passes
// apply to the MLP, the CNN's linear head and the transformer.
//
// A scheme (Scheme) says how real numbers map to small integers:
//
//	symmetric:   q = clamp(round(x / s), -qmax, qmax)        x ≈ s q
//	asymmetric:  q = clamp(round(x / s) + z, qmin, qmax)    x ≈ s (q - z)
//
// with int8 (qmax 127) or int4 (qmax 7). A symmetric grid never uses -128
// (or -8), so that it is the same on both sides of 0. An asymmetric grid uses
// the whole signed range [-128, 127] (or [-8, 7]) and a zero point z, the
// integer that stands for the real 0; it is the unsigned [0, 255] grid moved
// down by 128, with the same error. The scale s comes from the range of the
// values: s = absmax / qmax (symmetric) or s = (max - min) / (qmax - qmin)
// (asymmetric, with the range stretched to include 0). One scale for the
// whole tensor is per-tensor; one per output feature (the last axis, axis 1
// of a weight W[in, out]) is per-channel.
//
// The arithmetic follows SPEC.md section 7 to the bit: values, scales and
// dequantized values are float32, divisions are float32 divisions, rounding
// is round half to even (math.RoundToEven; math.Round would round 2.5 to 3),
// and a tensor of zeros gets scale 1.
//
// The passes rewrite a graph: every MatMul whose second input is a parameter
// (a linear layer's weight) is changed.
//
//   - Dynamic: weights quantized ahead of time; activations quantized at run
//     time from each row's own range; the product runs on int8 x int8 with
//     int32 accumulation (MatMulInt8) and is rescaled to float.
//   - Static: as Dynamic, but the activation ranges are fixed in advance
//     from a calibration set seen through observers (min/max, moving
//     average, percentile).
//   - QAT: quantization-aware training inserts fake-quant nodes
//     (engine.FakeQuant) on the weights and activations of a float graph,
//     which then trains as usual through the straight-through estimator.
//
// Compare, Evaluate and Memory report the error of each node, the change in
// loss and accuracy, and the bytes the weights take.
package quant
