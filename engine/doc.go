// Package engine is Stepgraph's autodiff engine: dense float64 tensors, a
// computational graph of named nodes kept in topological order, ops whose
// forward and backward sit side by side, and a Stepper that runs a graph one
// node at a time, forward and then backward.
//
// Conventions, following gonum:
//
//   - Tensors are dense and row-major. A leading batch dimension is used
//     where it applies: a sequence batch is [B, T, d], an image batch is
//     [B, C, H, W].
//   - Linear layers compute Y = X W + b with W of shape [d_in, d_out].
//   - Backward functions accumulate (+=) into the gradients of their inputs.
//     That is what makes a tensor used twice correct.
//   - Programmer misuse (a shape mismatch, an unknown name) panics with a
//     message that starts with "engine: ". Bad data from outside returns an
//     error.
//
// The engine imports nothing of the web, keeps no goroutine alive beyond a
// call, logs nothing and has no global mutable state. Randomness comes in as
// an explicit seed.
package engine
