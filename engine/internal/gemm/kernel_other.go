//go:build !amd64 || purego

package gemm

// asmKernel reports that there is no assembly micro-kernel on this
// architecture (or with the purego build tag), so Mul uses gonum's Dgemm.
func asmKernel() (microKernel, bool) { return nil, false }
