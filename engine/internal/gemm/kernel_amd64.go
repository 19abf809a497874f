//go:build amd64 && !purego

package gemm

// The AVX2 micro-kernel is written in Go assembly (kernel_amd64.s). It is used
// only when the CPU and the operating system support AVX2 and FMA; otherwise
// Mul uses gonum's Dgemm.

// kernelAVX2FMA is the assembly micro-kernel: C[6, 8] += A[6, kc] Bpanel,
// or with overwrite C = A Bpanel.
//
//go:noescape
func kernelAVX2FMA(kc int, a *float64, rsa, csa int, b, c *float64, ldc int, overwrite bool)

// cpuid executes the CPUID instruction for leaf eaxArg, subleaf ecxArg.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv reads the XCR0 register: which register states the OS saves.
func xgetbv() (eax, edx uint32)

// hasAVX2FMA is set once, at package initialisation, and never changes.
var hasAVX2FMA = detectAVX2FMA()

// detectAVX2FMA reports whether AVX2 and FMA instructions can run: the CPU
// must have them (CPUID) and the OS must save the YMM registers (XCR0).
func detectAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const (
		fma     = 1 << 12
		osxsave = 1 << 27
		avx     = 1 << 28
	)
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM (bit 1) and YMM (bit 2) state
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2 = 1 << 5
	return ebx7&avx2 != 0
}

// kernelAsm wraps the assembly kernel in the microKernel signature. The
// slice bounds are checked here, because the assembly does not check them.
func kernelAsm(kc int, a []float64, rsa, csa int, b, c []float64, ldc int, overwrite bool) {
	_ = a[(mr-1)*rsa+(kc-1)*csa]
	_ = b[kc*nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	kernelAVX2FMA(kc, &a[0], rsa, csa, &b[0], &c[0], ldc, overwrite)
}

// asmKernel returns the assembly micro-kernel, and whether this CPU can run
// it.
func asmKernel() (microKernel, bool) { return kernelAsm, hasAVX2FMA }
