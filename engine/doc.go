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
// The engine imports nothing of the web, logs nothing, and has no
// goroutines and no global mutable state, with one documented exception:
// the matrix product in engine/internal/gemm. It splits a large product
// across cores with a fork-join whose goroutines all end before the call
// returns, keeps its packing scratch in a sync.Pool (scratch only, never a
// result), and reads a CPU-feature flag set once at start-up. How the
// product is split does not change its result; that package's doc says
// why, and what its tests check. Randomness comes in as an explicit seed.
package engine
