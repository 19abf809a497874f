package gemm

// The micro-kernel is the innermost piece of the matrix product (see
// blocked.go for the loops around it). It multiplies an mr x kc block
// of A with one packed panel of B, kc by nr columns, and adds the mr x nr
// result into C:
//
//	C[i, j] += sum_p A[i, p] * Bpanel[p, j]    i < mr, j < nr, p < kc
//
// Element (i, p) of the A block is a[i*rsa + p*csa]: the row and column
// strides let the kernel read A where it lies, row-major (rsa = lda,
// csa = 1) or transposed (rsa = 1, csa = lda), with no copy. The B panel is
// packed p-major, Bpanel[p*nr+j], so the kernel reads it front to back. The
// mr*nr sums live in registers for the whole loop over p; C is read and
// written once, or only written when the kernel is told to overwrite it
// (C = A Bpanel, for a product with beta 0).

// Register tile. With AVX2 a register holds 4 float64, so a row of 8 is two
// registers and the 6 x 8 tile needs 12 of the 16 vector registers, leaving
// 2 for a row of B and 2 for broadcasts of A. Twelve independent sums also
// keep both FMA units busy despite the latency of each FMA.
const (
	mr = 6
	nr = 8
)

// microKernel computes C[mr, nr] += A[mr, kc] Bpanel[kc, nr], or with
// overwrite C = A Bpanel, with A's element (i, p) at a[i*rsa+p*csa], b
// holding kc*nr values, and C's rows ldc apart.
type microKernel func(kc int, a []float64, rsa, csa int, b, c []float64, ldc int, overwrite bool)

// kernelGo is the portable micro-kernel, and the readable statement of what
// the assembly one computes.
func kernelGo(kc int, a []float64, rsa, csa int, b, c []float64, ldc int, overwrite bool) {
	var acc [mr * nr]float64 // the register tile
	b = b[:kc*nr]
	for p := 0; p < kc; p++ {
		bp := b[p*nr : p*nr+nr] // row p of the B panel
		for i := 0; i < mr; i++ {
			ai := a[i*rsa+p*csa] // A[i, p]
			row := acc[i*nr : i*nr+nr]
			for j, bj := range bp {
				row[j] += ai * bj
			}
		}
	}
	for i := 0; i < mr; i++ {
		ci := c[i*ldc : i*ldc+nr]
		for j, v := range acc[i*nr : i*nr+nr] {
			if overwrite {
				ci[j] = v
			} else {
				ci[j] += v
			}
		}
	}
}
