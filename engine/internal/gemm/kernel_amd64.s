//go:build amd64 && !purego

#include "textflag.h"

// func kernelAVX2FMA(kc int, a *float64, rsa, csa int, b, c *float64, ldc int, overwrite bool)
//
// C[6, 8] += A[6, kc] Bpanel[kc, 8], or with overwrite C = A Bpanel.
// A[i, p] is at a + 8*(i*rsa + p*csa);
// the B panel is p-major (see kernel.go). Registers:
//
//	Y0..Y11   the 6 x 8 tile: row i of C is Y(2i) (columns 0-3), Y(2i+1) (4-7)
//	Y12, Y13  row p of the B panel
//	Y14, Y15  A[i, p] broadcast to all four lanes
//	SI, R11   address of A[0, p] and A[3, p]; R9 = row stride in bytes, so
//	          rows 1, 2 are (SI)(R9*1), (SI)(R9*2) and rows 4, 5 likewise from R11
//
// Each step p does 12 fused multiply-adds: C[i, :] += A[i, p] * B[p, :].
// Go assembly lists operands source first: VFMADD231PD Y12, Y14, Y0 means
// Y0 += Y14 * Y12.
TEXT ·kernelAVX2FMA(SB), NOSPLIT, $0-57
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ rsa+16(FP), R9
	MOVQ csa+24(FP), R10
	MOVQ b+32(FP), DI
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $3, R9           // row stride of A in bytes
	SHLQ $3, R10          // column stride of A in bytes
	SHLQ $3, R8           // row stride of C in bytes
	LEAQ (SI)(R9*2), R11
	ADDQ R9, R11          // R11 = address of A[3, 0]

	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11

	TESTQ CX, CX
	JEQ   store

loop:
	VMOVUPD      0(DI), Y12
	VMOVUPD      32(DI), Y13
	VBROADCASTSD (SI), Y14
	VBROADCASTSD (SI)(R9*1), Y15
	VFMADD231PD  Y12, Y14, Y0
	VFMADD231PD  Y13, Y14, Y1
	VFMADD231PD  Y12, Y15, Y2
	VFMADD231PD  Y13, Y15, Y3
	VBROADCASTSD (SI)(R9*2), Y14
	VBROADCASTSD (R11), Y15
	VFMADD231PD  Y12, Y14, Y4
	VFMADD231PD  Y13, Y14, Y5
	VFMADD231PD  Y12, Y15, Y6
	VFMADD231PD  Y13, Y15, Y7
	VBROADCASTSD (R11)(R9*1), Y14
	VBROADCASTSD (R11)(R9*2), Y15
	VFMADD231PD  Y12, Y14, Y8
	VFMADD231PD  Y13, Y14, Y9
	VFMADD231PD  Y12, Y15, Y10
	VFMADD231PD  Y13, Y15, Y11
	ADDQ         R10, SI  // next column of A
	ADDQ         R10, R11
	ADDQ         $64, DI  // next row of the B panel: 8 float64
	DECQ         CX
	JNE          loop

store:
	// Unless told to overwrite C, add C into the tile first. Row i of C is
	// at DX + i*ldc: rows 0-2 from DX, rows 3-5 from R12, as for A.
	LEAQ    (DX)(R8*2), R12
	ADDQ    R8, R12
	MOVBLZX overwrite+56(FP), AX
	TESTL   AX, AX
	JNE     write
	VADDPD  0(DX), Y0, Y0
	VADDPD  32(DX), Y1, Y1
	VADDPD  0(DX)(R8*1), Y2, Y2
	VADDPD  32(DX)(R8*1), Y3, Y3
	VADDPD  0(DX)(R8*2), Y4, Y4
	VADDPD  32(DX)(R8*2), Y5, Y5
	VADDPD  0(R12), Y6, Y6
	VADDPD  32(R12), Y7, Y7
	VADDPD  0(R12)(R8*1), Y8, Y8
	VADDPD  32(R12)(R8*1), Y9, Y9
	VADDPD  0(R12)(R8*2), Y10, Y10
	VADDPD  32(R12)(R8*2), Y11, Y11

write:
	// C[i, :] = tile row i.
	VMOVUPD Y0, 0(DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, 0(DX)(R8*1)
	VMOVUPD Y3, 32(DX)(R8*1)
	VMOVUPD Y4, 0(DX)(R8*2)
	VMOVUPD Y5, 32(DX)(R8*2)
	VMOVUPD Y6, 0(R12)
	VMOVUPD Y7, 32(R12)
	VMOVUPD Y8, 0(R12)(R8*1)
	VMOVUPD Y9, 32(R12)(R8*1)
	VMOVUPD Y10, 0(R12)(R8*2)
	VMOVUPD Y11, 32(R12)(R8*2)
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL   $0, CX
	XGETBV
	MOVL   AX, eax+0(FP)
	MOVL   DX, edx+4(FP)
	RET
