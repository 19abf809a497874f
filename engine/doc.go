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
//
// # Reading order
//
// The files of this package, in the order a learner meets the ideas:
//
//   - tensor.go: a Tensor is a shape and a flat, row-major []float64.
//   - node.go: a Node is one tensor of the graph, with its value, its
//     gradient, the inputs it came from and the users it feeds.
//   - op.go: the Op interface, Shape, Forward and Backward side by side,
//     and Info, the name and formula a lesson shows.
//   - graph.go: a Graph is built in topological order, run forward node by
//     node, and run backward in reverse from a loss seeded with 1.
//   - stepper.go: the Stepper runs the same code one node at a time; each
//     step returns an Event naming the node that ran and, going backward,
//     the input gradients it added to.
//   - op_add.go: Add, the simplest op: its backward passes dY through, and
//     sums it over the axes a broadcast bias was repeated along.
//   - op_mul.go: Mul, element by element: each input's gradient is dY
//     times the other input.
//   - op_scale.go: Scale by a constant, such as attention's 1/sqrt(d).
//   - op_matmul.go: MatMul, Y = A B, the linear layer: its backward is two
//     more matrix products, dA = dY B^T and dB = A^T dY.
//   - op_activation.go: ReLU, GELU, tanh and sigmoid, element by element:
//     dX = dY ⊙ f'(X).
//   - op_softmax.go: Softmax over each row, stable by subtracting the row
//     maximum, and its backward y ⊙ (dy - sum(dy ⊙ y)).
//   - op_crossentropy.go: CrossEntropy, the classification loss, whose
//     gradient is softmax(z) - onehot(y), and the rows it skips (IgnoreTarget).
//   - op_layernorm.go: LayerNorm, and its fused backward: one formula
//     instead of a chain of primitive ops.
//   - op_embedding.go: Embedding, a table lookup whose backward scatters
//     (+=) into the rows it read, so a repeated token sums its gradients.
//   - op_heads.go, op_mask.go: SplitHead and Concat, which cut attention
//     into heads and join them, and CausalMask, which hides future keys
//     with -inf before the softmax.
//   - op_editmask.go: Mask, a pattern of allowed and blocked keys the
//     learner edits (MaskPattern: causal, padding, none or their own),
//     which refuses a row with every key blocked.
//   - op_conv.go: Conv2D, computed as im2col and one matrix product; its
//     backward runs the product transposed and adds patches back (col2im).
//   - op_pool.go: MaxPool2D, whose gradient goes only to each window's
//     winner, and AvgPool2D, which shares it out equally.
//   - op_fakequant.go: FakeQuant, quantize-then-dequantize forward and the
//     straight-through estimator backward, for quantization-aware training.
//   - op_kldiv.go: KLDiv, the distillation loss at temperature T, scaled
//     by T^2.
//   - op_reshape.go, op_flatten.go: Reshape, Transpose and Flatten, which
//     move elements without computing anything; their backward moves the
//     gradient back.
//   - params.go: UniformTensor, the reference spec's initialisation, and
//     CopyParams, which writes new values into a model's parameters in
//     place, so graphs built earlier see them.
//   - rng.go: Mulberry32, the seeded generator behind every random draw.
//
// mathx.go only holds the short aliases (sqrt, exp, ...) that keep the
// ops' formulas close to their TeX.
//
// # Subpackages
//
//   - mlp, cnn, transformer: the models, each built as a graph of these ops.
//   - task, data: the toy problems (sequence tasks, a character-level
//     language model; 2-D points, small images), drawn from a seed.
//   - optim: SGD with momentum, Adam, and one training step.
//   - quant: quantization schemes, observers and the passes that quantize
//     a trained graph, with an int8 matrix product.
//   - distill: a student trained on a teacher's softened outputs.
//   - safetensors: reading and writing weights as .safetensors files.
//   - gradcheck: gradients checked against central finite differences.
//   - reference: the test against the reference spec's fixtures.
//   - internal/gemm: the matrix product behind MatMul and Conv2D.
package engine
