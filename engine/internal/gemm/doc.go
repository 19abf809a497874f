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
// # Goroutines and global state
//
// The engine has no goroutines and no global mutable state
// (shared/DESIGN.md). This package is the one exception, in exactly three
// ways:
//
//   - A fork-join. A product of at least parallelSize (2^17) multiply-adds,
//     run with GOMAXPROCS of 2 or more, is cut along its longer side into
//     at most GOMAXPROCS strips of C, each a whole number of register
//     tiles wide. Goroutines compute every strip but the first, the caller
//     computes the first, and the call waits for all of them before it
//     returns. No goroutine outlives the call, and the strips write
//     disjoint parts of C.
//   - A sync.Pool of packing scratch (scratchPool): copies of blocks of A
//     and B, and one tile of C. Each call writes what it reads of a buffer
//     before reading it, so the pool holds only scratch, never results, and
//     nothing one call leaves in a buffer reaches another call's C.
//   - A CPU-feature flag (hasAVX2FMA), set once when the package is
//     initialised and never written again.
//
// So Mul and MulTA may run in several goroutines at once, each writing its
// own C. Results do not depend on the split. However many strips there
// are, each element of C gets the same operations in the same order: the
// sum over k runs in passes of kcBlock, and each pass is summed from zero
// in the micro-kernel and then added into C (stored, on the first pass of a
// product with beta 0). One worker or many give the same bits. No test
// checks that bit for bit: TestGemmMatchesNaive checks every product,
// split or not, against the naive sum within a rounding bound, and it
// exercises the split only when GOMAXPROCS is 2 or more.
//
// Results do depend on the path. The assembly kernel fuses each multiply
// and add, while gonum's Dgemm (used without AVX2 and FMA) sums in an order
// of its own. The last bits of a product can therefore differ from one
// machine to another, but not between runs on one machine.
//
// Reading order: gemm.go (the entry points, and the split across cores),
// blocked.go (the cache blocks around the micro-kernel, and the packing of
// operands), kernel.go (the micro-kernel in plain Go), kernel_amd64.s and
// kernel_amd64.go (the same kernel in AVX2 assembly, and the check that the
// CPU can run it), kernel_other.go (elsewhere, gonum's Dgemm).
package gemm
