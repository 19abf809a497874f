package gemm

import "sync"

// The blocked matrix product, after Goto and van de Geijn ("Anatomy of
// High-Performance Matrix Multiplication", 2008) and the BLIS framework.
//
// A naive triple loop streams all of B through the cache for every row of
// A. The blocked product cuts the work into blocks that fit the caches and
// runs a tiny register-tiled micro-kernel (kernel.go) over them:
//
//	for jc in steps of ncBlock:            columns of B and C
//	  for pc in steps of kcBlock:          the shared dimension k
//	    pack B[pc:pc+kc, jc:jc+nc] -> bpack   (kc x nc: stays in L2/L3)
//	    for ic in steps of mcBlock:        rows of A and C
//	      A block = A[ic:ic+mc, pc:pc+kc]     (mc x kc: stays in L2)
//	      for jr in steps of nr:           one B panel (kc x nr: stays in L1)
//	        for ir in steps of mr:         mr rows of the A block
//	          C[ic+ir:+mr, jc+jr:+nr] += A[ir:ir+mr, :] Bpanel   (micro-kernel)
//
// "Packing" copies B into panels of nr columns laid out p-major, so that
// the kernel reads each panel front to back from L1 whatever the layout of
// B; the copy also absorbs B's transpose. A is read in place when it is
// row-major: the kernel follows mr rows side by side, one cache line each.
// A transposed A (A^T stored row-major) is packed too, into panels of mr
// rows, because following its columns would touch a new cache line at
// every step. Panels cut by the right or bottom edge are padded with zeros,
// so the kernel always computes a full mr x nr tile; an edge tile goes to a
// scratch tile and only its valid part is added into C.

// Cache block sizes, in elements. They suit the AMD EPYC the project runs on
// (32 KiB L1d and 1 MiB L2 per core) and most other x86 cores.
const (
	kcBlock = 256 // depth of a pass: one B panel is kc*nr*8 B = 16 KiB
	mcBlock = 96  // rows of A per block: mc*kc*8 B = 192 KiB
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

// scratch holds the packing buffers of one worker.
type scratch struct {
	apack []float64             // mcBlock x kcBlock: a transposed A block, as mr-row panels
	bpack []float64             // kcBlock x ncBlock: a B block, as nr-column panels
	edge  [mr * kcBlock]float64 // the last, partial mr-row panel of a row-major A block
	tile  [mr * nr]float64      // an edge tile of C
}

// scratchPool recycles packing buffers (up to about 1.2 MiB each) between
// calls, so that a training step does not allocate them hundreds of times.
// It is a cache, not state: a buffer's contents never outlive the call that
// uses it.
var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// grow makes the packing buffers hold the blocks of an [m, k] x [k, n]
// product: only as large as the product needs, so that a small product
// never pays for (or clears) a full-size buffer when the pool is empty.
func (s *scratch) grow(m, n, k int, packA bool) {
	kc := min(kcBlock, k)
	if need := kc * roundUp(min(ncBlock, n), nr); len(s.bpack) < need {
		s.bpack = make([]float64, need)
	}
	if need := kc * roundUp(min(mcBlock, m), mr); packA && len(s.apack) < need {
		s.apack = make([]float64, need)
	}
}

// mulBlocked adds A B into C for A [m, k], B [k, n] and C [m, n] with
// rows ldc apart, using kern as the micro-kernel. With overwrite, the first
// pass over k stores into C instead of adding, so C is never read.
func mulBlocked(kern microKernel, overwrite bool, m, n, k int, a, b operand, c []float64, ldc int) {
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	s.grow(m, n, k, a.trans)
	for jc := 0; jc < n; jc += ncBlock {
		nc := min(ncBlock, n-jc)
		for pc := 0; pc < k; pc += kcBlock {
			kc := min(kcBlock, k-pc)
			packB(s.bpack, b.sub(pc, jc), kc, nc)
			for ic := 0; ic < m; ic += mcBlock {
				mc := min(mcBlock, m-ic)
				blk := a.sub(ic, pc) // the A block [mc, kc]
				if blk.trans {
					packA(s.apack, blk, mc, kc)
				}
				macroKernel(kern, overwrite && pc == 0, mc, nc, kc, blk, s, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// macroKernel runs the micro-kernel over every mr x nr tile of one block:
// C[mc, nc] += A[mc, kc] B (= with overwrite), with B packed in s.bpack
// and, if a is transposed, A packed in s.apack.
func macroKernel(kern microKernel, overwrite bool, mc, nc, kc int, a operand, s *scratch, c []float64, ldc int) {
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		bp := s.bpack[jr*kc : jr*kc+nr*kc] // panel jr/nr: [kc, nr]
		for ir := 0; ir < mc; ir += mr {
			rows := min(mr, mc-ir)
			// The kernel reads A[ir+i, p] at ap[i*rs + p*cs].
			var ap []float64
			var rs, cs int
			switch {
			case a.trans:
				ap, rs, cs = s.apack[ir*kc:ir*kc+mr*kc], 1, mr // packed panel ir/mr
			case rows < mr:
				// Fewer than mr rows are left: pack them, padded with zeros,
				// once per block (jr == 0) into the scratch panel.
				ap, rs, cs = s.edge[:mr*kc], 1, mr
				if jr == 0 {
					packEdge(ap, a.sub(ir, 0), rows, mr, kc, false)
				}
			default:
				ap, rs, cs = a.data[ir*a.ld:], a.ld, 1 // in place, row-major
			}
			cij := c[ir*ldc+jr:]
			if rows == mr && cols == nr {
				kern(kc, ap, rs, cs, bp, cij, ldc, overwrite)
				continue
			}
			tile := s.tile[:]
			kern(kc, ap, rs, cs, bp, tile, nr, true)
			for i := 0; i < rows; i++ {
				ci := cij[i*ldc : i*ldc+cols]
				for j := range ci {
					if overwrite {
						ci[j] = tile[i*nr+j]
					} else {
						ci[j] += tile[i*nr+j]
					}
				}
			}
		}
	}
}

// packA copies a transposed A block, A[0:mc, 0:kc] stored as A^T, into
// panels of mr rows. Panel q holds rows q*mr.. q*mr+mr-1 at dst[q*mr*kc:],
// element (i, p) at p*mr + i; rows past mc are zero. (A row-major A needs
// no packing: the micro-kernel reads it in place.)
func packA(dst []float64, a operand, mc, kc int) {
	if !a.trans {
		panic("engine: packA of a row-major block")
	}
	for ir := 0; ir < mc; ir += mr {
		panel := dst[ir*kc : ir*kc+mr*kc]
		if mc-ir < mr {
			packEdge(panel, a.sub(ir, 0), mc-ir, mr, kc, false)
			continue
		}
		// Column p of the panel is a contiguous run of storage row p.
		for p := 0; p < kc; p++ {
			*(*[mr]float64)(panel[p*mr:]) = [mr]float64(a.data[p*a.ld+ir:])
		}
	}
}

// packB copies B[0:kc, 0:nc] into panels of nr columns. Panel q holds
// columns q*nr.. q*nr+nr-1 at dst[q*nr*kc:], element (p, j) at p*nr + j;
// columns past nc are zero.
func packB(dst []float64, b operand, kc, nc int) {
	for jr := 0; jr < nc; jr += nr {
		panel := dst[jr*kc : jr*kc+nr*kc]
		switch {
		case nc-jr < nr:
			packEdge(panel, b.sub(0, jr), nc-jr, nr, kc, true)
		case !b.trans:
			// Row p of the panel is a contiguous run of row p of B.
			for p := 0; p < kc; p++ {
				*(*[nr]float64)(panel[p*nr:]) = [nr]float64(b.data[p*b.ld+jr:])
			}
		default:
			// Storage is B^T: take row p of the panel from nr storage rows.
			var cols [nr][]float64
			for j := range cols {
				cols[j] = b.data[(jr+j)*b.ld:][:kc]
			}
			for p := 0; p < kc; p++ {
				d := (*[nr]float64)(panel[p*nr:])
				for j := range d {
					d[j] = cols[j][p]
				}
			}
		}
	}
}

// packEdge packs a panel cut by the edge of the matrix: only n of its
// width lines exist, the rest are zero. For an A panel (bPanel false) the
// lines are rows and element (i, p) is x.at(i, p); for a B panel they are
// columns and element (p, j) is x.at(p, j).
func packEdge(panel []float64, x operand, n, width, kc int, bPanel bool) {
	// Element p of line i is x.data[i*step + p*along].
	step, along := x.ld, 1
	if x.trans != bPanel {
		step, along = 1, x.ld
	}
	panel = panel[:kc*width]
	clear(panel)
	for i := 0; i < n; i++ {
		for p := 0; p < kc; p++ {
			panel[p*width+i] = x.data[i*step+p*along]
		}
	}
}
