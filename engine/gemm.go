package engine

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// gemm computes C = A' B' + beta C for row-major C [m, n], where A' is A
// ([m, k]) or, with transA, A^T for A [k, m]; B' is B ([k, n]) or, with
// transB, B^T for B [n, k].
func gemm(transA, transB bool, m, n, k int, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 {
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
	if k == 0 {
		for i := range c[:m*n] {
			c[i] *= beta
		}
		return
	}
	blas64.Implementation().Dgemm(ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, n)
}

// gemmTA accumulates C [m, n] += A^T B for A [k, m] and B [k, n].
func gemmTA(m, n, k int, a, b, c []float64) {
	gemm(true, false, m, n, k, a, b, 1, c)
}
