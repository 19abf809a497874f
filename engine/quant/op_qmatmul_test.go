package quant

import (
	"fmt"
	"math"
	"testing"

	"stepgraph/engine"
)

// qmatmulCase builds X [2, 3, k] and W [k, n], the op, and runs it.
func qmatmulCase(s Scheme, static bool, seed uint32) (op *QMatMul, x, w, wq, out *engine.Tensor) {
	const k, n = 6, 5
	x, w = randTensor(seed, 1.5, 2, 3, k), randTensor(seed+1, 0.5, k, n)
	for i := range x.Data[:k] {
		x.Data[i] += 0.7 // row 0 is all positive: a zero point well away from 0
	}
	p := ParamsFor(w, s)
	wq = engine.New(k, n)
	for i, q := range Quantize(w, p) {
		wq.Data[i] = float64(q)
	}
	op = &QMatMul{W: p, Act: activationScheme(s)}
	if static {
		// A fixed grid narrower than the data: some values get clamped.
		ap := ParamsFromRange([]float64{-1}, []float64{1.2}, op.Act, PerTensor)
		op.ActParams = &ap
	}
	out = engine.New(op.Shape(x.Shape, wq.Shape)...)
	op.Forward(out, x, wq)
	return op, x, w, wq, out
}

func TestQMatMulIntegerProduct(t *testing.T) {
	for i, s := range allSchemes {
		for _, static := range []bool{false, true} {
			name := fmt.Sprintf("%v/static=%v", s, static)
			op, x, w, wq, out := qmatmulCase(s, static, uint32(100+2*i))
			k, n := w.Shape[0], w.Shape[1]
			m := x.Size() / k
			if !static && len(op.LastAct.Scale) != m {
				t.Errorf("%s: %d activation grids, want one per row (%d)", name, len(op.LastAct.Scale), m)
			}
			qx := make([]int8, m*k)
			QuantizeTo(qx, nil, x.Data, []int{m, k}, op.LastAct)
			// Y[i,j] = s_x s_w sum_p (q_x - z_x)(q_w - z_w), summed directly
			// without the expansion the op uses.
			for r := 0; r < m; r++ {
				gx := 0
				if !static {
					gx = r
				}
				for j := 0; j < n; j++ {
					gw := 0
					if s.PerChannel {
						gw = j
					}
					sum := int64(0)
					for p := 0; p < k; p++ {
						sum += (int64(qx[r*k+p]) - int64(op.LastAct.Zero[gx])) * (int64(wq.Data[p*n+j]) - int64(op.W.Zero[gw]))
					}
					want := float64(sum) * float64(op.LastAct.Scale[gx]) * float64(op.W.Scale[gw])
					// Exact: the integer sum is exact however the op
					// rearranges it, and the two scale products are taken
					// in the same order.
					if got := out.Data[r*n+j]; got != want {
						t.Errorf("QMatMul(%s)[%d,%d] = %v, want %v", name, r, j, got, want)
					}
				}
			}
		}
	}
}

func TestQMatMulCloseToFloat(t *testing.T) {
	for i, s := range []Scheme{Int8Sym, Int8SymChannel, Int8Asym, Int4Sym, Int4Asym} {
		_, x, w, _, out := qmatmulCase(s, false, uint32(200+i))
		ref := engine.New(out.Shape...)
		(&engine.MatMul{}).Forward(ref, x, w)
		e := Measure(ref.Data, out.Data)
		// Each int8 operand alone has an SQNR near 40 dB; the product of
		// two should stay above 30. Int4 (16x coarser, -24 dB) above 10.
		floor := 30.0
		if s.Bits == 4 {
			floor = 10
		}
		if !(e.SQNR > floor) {
			t.Errorf("QMatMul(%v) vs float: %v, want SQNR > %v dB", s, e, floor)
		}
	}
}

func TestQMatMulStraightThrough(t *testing.T) {
	for _, s := range []Scheme{Int8Sym, Int4Asym} {
		op, x, w, wq, out := qmatmulCase(s, true, 300)
		k, n := w.Shape[0], w.Shape[1]
		m := x.Size() / k
		dy := randTensor(301, 1, out.Shape...)
		dx := engine.New(x.Shape...)
		op.Backward([]*engine.Tensor{dx, nil}, dy, out, x, wq)
		wd := Dequantize(Quantize(w, op.W), w.Shape, op.W) // W'
		// The grid reaches from (qmin - z) s - s/2 to (qmax - z) s + s/2;
		// beyond that, values are clamped.
		qmin, qmax := s.Range()
		sc, z := float64(op.LastAct.Scale[0]), float64(op.LastAct.Zero[0])
		lo, hi := (float64(qmin)-z)*sc-sc/2, (float64(qmax)-z)*sc+sc/2
		clamped := 0
		for r := 0; r < m; r++ {
			for p := 0; p < k; p++ {
				want := 0.0 // dX = dY W'^T where x was inside the grid
				v := x.Data[r*k+p]
				if min(math.Abs(v-lo), math.Abs(v-hi)) < 1e-6 {
					t.Fatalf("%v: x = %v lies on the grid's edge; pick another seed", s, v)
				}
				if v >= lo && v <= hi {
					for j := 0; j < n; j++ {
						want += dy.Data[r*n+j] * wd.Data[p*n+j]
					}
				} else {
					clamped++
				}
				// 1e-12: the same products, summed in the same order.
				if d := dx.Data[r*k+p] - want; d > 1e-12 || d < -1e-12 {
					t.Errorf("QMatMul(%v) dX[%d,%d] (x = %v) = %v, want %v", s, r, p, v, dx.Data[r*k+p], want)
				}
			}
		}
		if clamped == 0 {
			t.Fatalf("%v: no value was clamped: the case tests nothing", s)
		}
	}
}
