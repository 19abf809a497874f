//go:build !amd64 || purego

package engine

// asmKernel reports that there is no assembly micro-kernel on this
// architecture (or with the purego build tag), so gemm uses gonum's Dgemm.
func asmKernel() (microKernel, bool) { return nil, false }
