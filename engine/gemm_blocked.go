package engine

import "sync"

// The blocked matrix product, after Goto and van de Geijn ("Anatomy of
// High-Performance Matrix Multiplication", 2008) and the BLIS framework.
//
// A naive triple loop reads each element of A and B from memory n or m
// times. The blocked product instead copies ("packs") blocks of A and B
// into small contiguous buffers sized for the caches, and then runs a tiny
// register-tiled micro-kernel (gemm_kernel.go) over them:
//
//	for jc in steps of ncBlock:            columns of B and C
//	  for pc in steps of kcBlock:          the shared dimension k
//	    pack B[pc:pc+kc, jc:jc+nc] -> bpack   (kc x nc: stays in L3)
//	    for ic in steps of mcBlock:        rows of A and C
//	      pack A[ic:ic+mc, pc:pc+kc] -> apack (mc x kc: stays in L2)
//	      for jr in steps of nr:           one B panel (kc x nr: stays in L1)
//	        for ir in steps of mr:         one A panel
//	          C[ic+ir:+mr, jc+jr:+nr] += Apanel Bpanel   (micro-kernel)
//
// Packing also absorbs the transposes: whatever the layout of A and B, the
// micro-kernel always reads its panels front to back, p-major. Tiles at the
// right and bottom edges are padded with zeros in the packed panels, so the
// kernel always computes a full mr x nr tile; an edge tile is computed into
// a scratch tile and only its valid part is added into C.

// Cache block sizes, in elements. They suit the AMD EPYC the project runs on
// (32 KiB L1d and 1 MiB L2 per core) and most other x86 cores.
const (
	kcBlock = 256 // depth of a pass: one B panel is kc*nr*8 B = 16 KiB
	mcBlock = 96  // rows of A per pack: mc*kc*8 B = 192 KiB
	ncBlock = 512 // columns of B per pack: kc*nc*8 B = 1 MiB
)

// operand is a matrix read by the product. Element (i, j) of the logical
// matrix is data[i*ld+j], or data[j*ld+i] when trans is set (the storage
// then holds the transpose, row-major).
type operand struct {
	data  []float64
	ld    int // distance between rows of the storage
	trans bool
}

// at returns element (i, j) of the logical matrix.
func (o operand) at(i, j int) float64 {
	if o.trans {
		return o.data[j*o.ld+i]
	}
	return o.data[i*o.ld+j]
}

// sub returns the operand whose element (0, 0) is element (i, j) of o.
func (o operand) sub(i, j int) operand {
	if o.trans {
		i, j = j, i
	}
	o.data = o.data[i*o.ld+j:]
	return o
}

// gemmScratch holds the packing buffers of one worker.
type gemmScratch struct {
	apack []float64 // mcBlock x kcBlock, as mr-row panels
	bpack []float64 // kcBlock x ncBlock, as nr-column panels
	tile  [mr * nr]float64
}

// scratchPool recycles packing buffers (about 1.2 MiB each) between calls,
// so that a training step does not allocate them hundreds of times. It is a
// cache, not state: a buffer's contents never outlive the call that uses it.
var scratchPool = sync.Pool{New: func() any {
	return &gemmScratch{
		apack: make([]float64, mcBlock*kcBlock),
		bpack: make([]float64, kcBlock*ncBlock),
	}
}}

// gemmBlocked adds A B into C for A [m, k], B [k, n] and C [m, n] with
// rows ldc apart, using kern as the micro-kernel.
func gemmBlocked(kern microKernel, m, n, k int, a, b operand, c []float64, ldc int) {
	s := scratchPool.Get().(*gemmScratch)
	defer scratchPool.Put(s)
	for jc := 0; jc < n; jc += ncBlock {
		nc := min(ncBlock, n-jc)
		for pc := 0; pc < k; pc += kcBlock {
			kc := min(kcBlock, k-pc)
			packB(s.bpack, b.sub(pc, jc), kc, nc)
			for ic := 0; ic < m; ic += mcBlock {
				mc := min(mcBlock, m-ic)
				packA(s.apack, a.sub(ic, pc), mc, kc)
				macroKernel(kern, mc, nc, kc, s.apack, s.bpack, c[ic*ldc+jc:], ldc, &s.tile)
			}
		}
	}
}

// macroKernel runs the micro-kernel over every mr x nr tile of one packed
// block: C[mc, nc] += apack bpack.
func macroKernel(kern microKernel, mc, nc, kc int, apack, bpack, c []float64, ldc int, tile *[mr * nr]float64) {
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		bp := bpack[jr*kc : jr*kc+nr*kc] // panel jr/nr: [kc, nr]
		for ir := 0; ir < mc; ir += mr {
			rows := min(mr, mc-ir)
			ap := apack[ir*kc : ir*kc+mr*kc] // panel ir/mr: [kc, mr]
			cij := c[ir*ldc+jr:]
			if rows == mr && cols == nr {
				kern(kc, ap, bp, cij, ldc)
				continue
			}
			clear(tile[:])
			kern(kc, ap, bp, tile[:], nr)
			for i := 0; i < rows; i++ {
				ci := cij[i*ldc : i*ldc+cols]
				for j := range ci {
					ci[j] += tile[i*nr+j]
				}
			}
		}
	}
}

// packA copies A[0:mc, 0:kc] into panels of mr rows. Panel q holds rows
// q*mr.. q*mr+mr-1 at dst[q*mr*kc:], element (i, p) at p*mr + i; rows past
// mc are zero.
func packA(dst []float64, a operand, mc, kc int) {
	for ir := 0; ir < mc; ir += mr {
		rows := min(mr, mc-ir)
		panel := dst[ir*kc : ir*kc+mr*kc]
		if a.trans {
			// Storage is A^T: column p of A is a contiguous row.
			for p := 0; p < kc; p++ {
				src := a.data[p*a.ld+ir : p*a.ld+ir+rows]
				d := panel[p*mr : p*mr+mr]
				copy(d, src)
				clear(d[rows:])
			}
			continue
		}
		for i := 0; i < rows; i++ {
			src := a.data[(ir+i)*a.ld : (ir+i)*a.ld+kc] // row ir+i of A
			for p, v := range src {
				panel[p*mr+i] = v
			}
		}
		for i := rows; i < mr; i++ {
			for p := 0; p < kc; p++ {
				panel[p*mr+i] = 0
			}
		}
	}
}

// packB copies B[0:kc, 0:nc] into panels of nr columns. Panel q holds
// columns q*nr.. q*nr+nr-1 at dst[q*nr*kc:], element (p, j) at p*nr + j;
// columns past nc are zero.
func packB(dst []float64, b operand, kc, nc int) {
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		panel := dst[jr*kc : jr*kc+nr*kc]
		if !b.trans {
			// Row p of the panel is a contiguous piece of row p of B.
			for p := 0; p < kc; p++ {
				src := b.data[p*b.ld+jr : p*b.ld+jr+cols]
				d := panel[p*nr : p*nr+nr]
				copy(d, src)
				clear(d[cols:])
			}
			continue
		}
		// Storage is B^T: column j of B is a contiguous row.
		for j := 0; j < cols; j++ {
			src := b.data[(jr+j)*b.ld : (jr+j)*b.ld+kc]
			for p, v := range src {
				panel[p*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for p := 0; p < kc; p++ {
				panel[p*nr+j] = 0
			}
		}
	}
}
