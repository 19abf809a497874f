package gemm

import (
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Mul computes C = A' B' + beta C for row-major C [m, n], where A' is A
// ([m, k]) or, with transA, A^T for A [k, m]; B' is B ([k, n]) or, with
// transB, B^T for B [n, k]:
//
//	C[i, j] = sum_p A'[i, p] B'[p, j] + beta C[i, j]
//
// With beta 0, C is only written, never read. It panics if a, b or c is
// shorter than its shape (m*k, k*n and m*n elements).
//
// Every matrix product of the engine goes through here. On CPUs with AVX2
// and FMA the work is done by the blocked product of blocked.go with
// the assembly micro-kernel, split across cores when it is large enough to
// pay for it: 5 to 7 times gonum's rate on the shapes of a transformer (see
// docs/perf.md). Elsewhere gonum's Dgemm runs, as it beats the blocked
// product with the portable Go kernel by 2 to 3 times.
func Mul(transA, transB bool, m, n, k int, a, b []float64, beta float64, c []float64) {
	if kern, ok := asmKernel(); ok {
		mulWith(kern, transA, transB, m, n, k, a, b, beta, c)
		return
	}
	gonumMul(transA, transB, m, n, k, a, b, beta, c)
}

// mulWith is Mul with the given micro-kernel, so that tests can check
// every kernel on this machine.
func mulWith(kern microKernel, transA, transB bool, m, n, k int, a, b []float64, beta float64, c []float64) {
	if len(a) < m*k || len(b) < k*n || len(c) < m*n {
		panic(fmt.Sprintf("engine: gemm m=%d n=%d k=%d: len(a)=%d, len(b)=%d, len(c)=%d too short", m, n, k, len(a), len(b), len(c)))
	}
	if m == 0 || n == 0 {
		return
	}
	c = c[:m*n]
	if k == 0 {
		scale(c, beta)
		return
	}
	// With beta 0 the product overwrites C; otherwise it adds into beta C.
	if beta != 0 {
		scale(c, beta)
	}
	A := operand{data: a, ld: k, trans: transA} // storage [m, k], or [k, m]
	if transA {
		A.ld = m
	}
	B := operand{data: b, ld: n, trans: transB} // storage [k, n], or [n, k]
	if transB {
		B.ld = k
	}
	mulAdd(kern, beta == 0, m, n, k, A, B, c, n)
}

// scale multiplies c by beta. With beta 0 it sets c to zero, even where c
// held NaN or infinity.
func scale(c []float64, beta float64) {
	switch beta {
	case 0:
		clear(c)
	case 1:
	default:
		for i := range c {
			c[i] *= beta
		}
	}
}

// gonumMul is the same product through gonum's blas64 Dgemm.
func gonumMul(transA, transB bool, m, n, k int, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scale(c[:m*n], beta)
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	lda, ldb := k, n
	if transA {
		ta, lda = blas.Trans, m
	}
	if transB {
		tb, ldb = blas.Trans, k
	}
	blas64.Implementation().Dgemm(ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, n)
}

// MulTA accumulates C [m, n] += A^T B for A [k, m] and B [k, n]:
//
//	C[i, j] += sum_p A[p, i] B[p, j]
//
// It is Mul(true, false, m, n, k, a, b, 1, c), the product of a weight's
// gradient, and panics as Mul does.
func MulTA(m, n, k int, a, b, c []float64) {
	Mul(true, false, m, n, k, a, b, 1, c)
}

// smallSize is the size, in multiply-adds (m*n*k), up to which a plain
// loop beats the blocked product's set-up. Measured on one core: a 2x2x2
// product takes about 40 ns in the loop and 140 ns blocked, a 4x4x4 one
// 370 ns in the loop and 180 ns blocked.
const smallSize = 3 * 3 * 3

// parallelSize is the size, in multiply-adds, from which the product is
// split across cores. 2^17 multiply-adds take about 5 µs on one core;
// waking a second core and waiting for it costs a few microseconds, so
// smaller products would gain little or nothing.
const parallelSize = 1 << 17

// mulAdd adds A B into C [m, n] (rows ldc apart), or with overwrite
// stores A B into C without reading it. A large product is cut into one
// strip of C per core, along its longer side, and the strips run at once: a
// fork-join in which every goroutine ends before mulAdd returns.
func mulAdd(kern microKernel, overwrite bool, m, n, k int, a, b operand, c []float64, ldc int) {
	if m*n*k <= smallSize {
		mulLoop(overwrite, m, n, k, a, b, c, ldc)
		return
	}
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || m*n*k < parallelSize {
		mulBlocked(kern, overwrite, m, n, k, a, b, c, ldc)
		return
	}
	var wg sync.WaitGroup
	if m >= n {
		// Strips of rows: worker w gets rows [i0, i1) of A and C, all of B.
		step := roundUp((m+workers-1)/workers, mr)
		for i0 := step; i0 < m; i0 += step {
			i1 := min(i0+step, m)
			wg.Go(func() { mulBlocked(kern, overwrite, i1-i0, n, k, a.sub(i0, 0), b, c[i0*ldc:], ldc) })
		}
		mulBlocked(kern, overwrite, min(step, m), n, k, a, b, c, ldc)
	} else {
		// Strips of columns: worker w gets columns [j0, j1) of B and C.
		step := roundUp((n+workers-1)/workers, nr)
		for j0 := step; j0 < n; j0 += step {
			j1 := min(j0+step, n)
			wg.Go(func() { mulBlocked(kern, overwrite, m, j1-j0, k, a, b.sub(0, j0), c[j0:], ldc) })
		}
		mulBlocked(kern, overwrite, m, min(step, n), k, a, b, c, ldc)
	}
	wg.Wait()
}

// mulLoop adds (or with overwrite, stores) A B into C with the textbook
// triple loop, for tiny sizes.
func mulLoop(overwrite bool, m, n, k int, a, b operand, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += a.at(i, p) * b.at(p, j)
			}
			if overwrite {
				c[i*ldc+j] = s
			} else {
				c[i*ldc+j] += s
			}
		}
	}
}

// roundUp returns x rounded up to a multiple of to.
func roundUp(x, to int) int { return (x + to - 1) / to * to }
