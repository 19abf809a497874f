// Package gemm is the engine's matrix product, C = A' B' + beta C, where A'
// and B' are each a matrix or its transpose: the operation BLAS calls
// Dgemm, hence the name. The engine's MatMul and Conv2D ops call it; being
// internal, nothing outside the engine can.
//
// Conventions, following BLAS and gonum:
//
//   - Matrices are dense, row-major []float64 with no stride of their own:
//     an [r, s] matrix is r*s consecutive elements, element (i, j) at
//     i*s + j.
//   - m, n and k are the sizes of the product: A' is [m, k], B' is [k, n]
//     and C is [m, n]. With transA the slice a stores A' transposed, as a
//     [k, m] matrix; with transB the slice b stores B' transposed, [n, k].
//   - C is the argument written in place; a and b are only read. With beta
//     0, C is only written, never read, so NaN or garbage in C vanishes.
//     MulTA always adds into C (beta 1), as the gradient of a weight needs.
//   - A slice shorter than its shape is programmer misuse and panics. On
//     the blocked path the message starts with "engine: ", like every
//     panic of the engine, whose ops are the only callers; on the fallback
//     to gonum (no AVX2 and FMA) the panic is gonum's ("blas: ...").
//
// Reading order: gemm.go (the entry points, and the split across cores),
// blocked.go (the cache blocks around the micro-kernel, and the packing of
// operands), kernel.go (the micro-kernel in plain Go), kernel_amd64.s and
// kernel_amd64.go (the same kernel in AVX2 assembly, and the check that the
// CPU can run it), kernel_other.go (elsewhere, gonum's Dgemm).
package gemm
