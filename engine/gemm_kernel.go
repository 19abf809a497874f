package engine

// The micro-kernel is the innermost piece of the matrix product (see
// gemm_blocked.go for the loops around it). It multiplies one packed panel
// of A, mr rows by kc, with one packed panel of B, kc by nr columns, and adds
// the mr x nr result into C:
//
//	C[i, j] += sum_p Apanel[p, i] * Bpanel[p, j]    i < mr, j < nr, p < kc
//
// The panels are stored "p-major" so that the kernel reads both of them
// front to back: Apanel[p*mr+i] and Bpanel[p*nr+j]. The mr*nr sums live in
// registers for the whole loop over p; C is read and written once.

// Register tile. With AVX2 a register holds 4 float64, so a row of 8 is two
// registers and the 6 x 8 tile needs 12 of the 16 vector registers, leaving
// 2 for a row of B and 2 for broadcasts of A. Twelve independent sums also
// keep both FMA units busy despite the latency of each FMA.
const (
	mr = 6
	nr = 8
)

// microKernel computes C[mr, nr] += Apanel^T Bpanel for panels of depth kc,
// with C's rows ldc elements apart. a holds kc*mr values, b holds kc*nr, and
// c holds at least (mr-1)*ldc + nr.
type microKernel func(kc int, a, b, c []float64, ldc int)

// kernelGo is the portable micro-kernel, and the readable statement of what
// the assembly one computes.
func kernelGo(kc int, a, b, c []float64, ldc int) {
	var acc [mr * nr]float64 // the register tile
	a, b = a[:kc*mr], b[:kc*nr]
	for p := 0; p < kc; p++ {
		ap := a[p*mr : p*mr+mr] // column p of the A panel
		bp := b[p*nr : p*nr+nr] // row p of the B panel
		for i, ai := range ap {
			row := acc[i*nr : i*nr+nr]
			for j, bj := range bp {
				row[j] += ai * bj
			}
		}
	}
	for i := 0; i < mr; i++ {
		ci := c[i*ldc : i*ldc+nr]
		for j, v := range acc[i*nr : i*nr+nr] {
			ci[j] += v
		}
	}
}
