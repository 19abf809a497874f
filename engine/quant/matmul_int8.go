package quant

import "fmt"

// MaxInt8Depth is the largest inner dimension k for which an int8 x int8
// dot product cannot overflow its int32 accumulator: each product is at most
// 128*128 = 2^14 in size, and k of them must stay below 2^31.
const MaxInt8Depth = (1<<31 - 1) / (128 * 128)

// MatMulInt8 multiplies row-major int8 matrices A [m, k] and B [k, n] with
// int32 accumulation, C[i][j] = sum_p A[i][p] B[p][j], as integer hardware
// does. It panics if the lengths do not match the sizes or k exceeds
// MaxInt8Depth.
func MatMulInt8(a, b []int8, m, k, n int) []int32 {
	c := make([]int32, m*n)
	MatMulInt8To(c, a, b, m, k, n)
	return c
}

// MatMulInt8To writes A B into dst ([m, n]), overwriting it.
func MatMulInt8To(dst []int32, a, b []int8, m, k, n int) {
	if len(a) != m*k || len(b) != k*n || len(dst) != m*n {
		panic(fmt.Sprintf("quant: int8 matmul [%d,%d] x [%d,%d] with %d, %d values into %d", m, k, k, n, len(a), len(b), len(dst)))
	}
	if k > MaxInt8Depth {
		panic(fmt.Sprintf("quant: int8 matmul depth %d would overflow int32 (max %d)", k, MaxInt8Depth))
	}
	clear(dst)
	for i := 0; i < m; i++ {
		ci := dst[i*n : (i+1)*n] // [n], row i of C
		for p, av := range a[i*k : (i+1)*k] {
			if av == 0 {
				continue
			}
			x := int32(av)
			for j, bv := range b[p*n : (p+1)*n] { // row p of B
				ci[j] += x * int32(bv)
			}
		}
	}
}
