package quant

import (
	"math"
	"testing"

	"stepgraph/engine"
)

// randTensor returns a tensor of float32 values uniform in [-a, a).
func randTensor(seed uint32, a float64, shape ...int) *engine.Tensor {
	rng := engine.NewMulberry32(seed)
	t := engine.New(shape...)
	for i := range t.Data {
		t.Data[i] = rng.UniformF32(a, 0)
	}
	return t
}

var allSchemes = []Scheme{Int8Sym, Int8SymChannel, Int8Asym, {Bits: 8, PerChannel: true}, Int4Sym, Int4SymChannel, Int4Asym, {Bits: 4, PerChannel: true}}

func TestRoundHalfToEven(t *testing.T) {
	// With scale exactly 1 (absmax 127), x / s is x itself. tf.round's
	// results quoted in SPEC.md section 7: half to even, never away.
	x := engine.FromData([]float64{127, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5}, 8)
	want := []int8{127, 0, 2, 2, 0, -2, -2, 4}
	p := ParamsFor(x, Int8Sym)
	if p.Scale[0] != 1 {
		t.Fatalf("ParamsFor(absmax 127).Scale = %v, want 1", p.Scale)
	}
	for i, q := range Quantize(x, p) {
		if q != want[i] {
			t.Errorf("Quantize(%v) = %d, want %d", x.Data[i], q, want[i])
		}
	}
}

func TestZerosGetScaleOne(t *testing.T) {
	// A column of zeros (per-channel) or a tensor of zeros gets scale 1 and
	// zero point 0 under every scheme, and stays exactly 0.
	x := engine.FromData([]float64{0, 1, 0, -2, 0, 3}, 3, 2)
	for _, s := range allSchemes {
		p := ParamsFor(engine.New(3, 2), s)
		for g := range p.Scale {
			if p.Scale[g] != 1 || p.Zero[g] != 0 {
				t.Errorf("ParamsFor(zeros, %v) group %d = scale %v zero %v, want 1, 0", s, g, p.Scale[g], p.Zero[g])
			}
		}
		if !s.PerChannel {
			continue
		}
		p = ParamsFor(x, s)
		if p.Scale[0] != 1 {
			t.Errorf("ParamsFor(%v) zero column scale = %v, want 1", s, p.Scale[0])
		}
		d := Dequantize(Quantize(x, p), x.Shape, p)
		for r := 0; r < 3; r++ {
			if d.Data[2*r] != 0 {
				t.Errorf("%v: zero column row %d -> %v, want 0", s, r, d.Data[2*r])
			}
		}
	}
}

func TestQuantizeGridProperties(t *testing.T) {
	// Every scheme on random tensors, with one entry pulled to 0.
	for i, s := range allSchemes {
		for _, shape := range [][]int{{5, 7}, {2, 3, 4}} {
			x := randTensor(uint32(10+i), 2, shape...)
			x.Data[3] = 0
			p := ParamsFor(x, s)
			q := Quantize(x, p)
			d := Dequantize(q, x.Shape, p)
			qmin, qmax := s.Range()
			n, stride := groups(x.Shape, p.Axis)
			lo, hi := groupRange(x.Data, x.Shape, p.Axis)
			hitMin, hitMax := make([]bool, n), make([]bool, n)
			for j, v := range x.Data {
				g := (j / stride) % n
				if int(q[j]) < qmin || int(q[j]) > qmax {
					t.Errorf("%v: q[%d] = %d outside [%d, %d]", s, j, q[j], qmin, qmax)
				}
				// Inside the range the error is at most half a step. The
				// float32 division and product add a few ulps of v.
				step := float64(p.Scale[g])
				if err := math.Abs(v - d.Data[j]); err > step/2+4e-7*math.Abs(v) {
					t.Errorf("%v: |x - deq| at %d = %v, want <= s/2 = %v", s, j, err, step/2)
				}
				hitMin[g] = hitMin[g] || int(q[j]) == qmin
				hitMax[g] = hitMax[g] || int(q[j]) == qmax
			}
			// The real 0 is exactly representable.
			if d.Data[3] != 0 {
				t.Errorf("%v: deq(quantize(0)) = %v, want 0", s, d.Data[3])
			}
			// The grid is used to its end: symmetric grids reach ±qmax on the
			// side of the absmax; asymmetric ones reach both ends when the
			// group has values on both sides of 0.
			for g := 0; g < n; g++ {
				if s.Symmetric {
					if !hitMin[g] && !hitMax[g] {
						t.Errorf("%v group %d: neither %d nor %d used (range [%v, %v])", s, g, qmin, qmax, lo[g], hi[g])
					}
				} else if lo[g] < 0 && hi[g] > 0 && (!hitMin[g] || !hitMax[g]) {
					t.Errorf("%v group %d: ends used %v, %v, want both (range [%v, %v])", s, g, hitMin[g], hitMax[g], lo[g], hi[g])
				}
			}
		}
	}
}

func TestPerChannelHelpsOutliers(t *testing.T) {
	// One large weight in column 0 stretches a per-tensor grid for every
	// column; per-channel grids confine the damage to column 0.
	x := randTensor(20, 0.1, 8, 6)
	x.Data[0] = 8
	dt, pt := RoundTrip(x, Int8Sym)
	dc, pc := RoundTrip(x, Int8SymChannel)
	// Columns 1..5: the per-channel step is 80x finer (absmax 0.1 vs 8), so
	// the squared error should drop by far more than 100x.
	var ref, tensorD, channelD []float64
	for i, v := range x.Data {
		if i%6 != 0 {
			ref, tensorD, channelD = append(ref, v), append(tensorD, dt.Data[i]), append(channelD, dc.Data[i])
		}
	}
	et, ec := Measure(ref, tensorD), Measure(ref, channelD)
	if !(ec.MSE < et.MSE/100) {
		t.Errorf("outlier: other columns' per-channel MSE %v, per-tensor %v; want 100x smaller", ec.MSE, et.MSE)
	}
	if len(pt.Scale) != 1 || len(pc.Scale) != 6 {
		t.Errorf("scales per-tensor %d, per-channel %d, want 1 and 6", len(pt.Scale), len(pc.Scale))
	}
}

func TestInt4HasMoreErrorThanInt8(t *testing.T) {
	x := randTensor(21, 1, 16, 16)
	for _, pair := range [][2]Scheme{{Int8Sym, Int4Sym}, {Int8SymChannel, Int4SymChannel}, {Int8Asym, Int4Asym}} {
		d8, _ := RoundTrip(x, pair[0])
		d4, _ := RoundTrip(x, pair[1])
		e8, e4 := Measure(x.Data, d8.Data), Measure(x.Data, d4.Data)
		// Each bit halves the step, about +6 dB of SQNR; 4 bits fewer should
		// cost well over 15 dB.
		if !(e8.SQNR > e4.SQNR+15) {
			t.Errorf("SQNR %v = %.1f dB, %v = %.1f dB; want int8 ahead by > 15 dB", pair[0], e8.SQNR, pair[1], e4.SQNR)
		}
	}
}

func TestMeasure(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		x, got []float64
		want   Error
	}{
		// signal 2, noise 0.02: 10 log10(100) = 20 dB.
		{[]float64{1, 1}, []float64{1.1, 0.9}, Error{MSE: 0.01, MaxAbs: 0.1, SQNR: 20}},
		{[]float64{3, -4}, []float64{3, -4}, Error{SQNR: inf}},
		{[]float64{0, 0}, []float64{0, 0.5}, Error{MSE: 0.125, MaxAbs: 0.5, SQNR: math.Inf(-1)}},
		// a masked -inf matches itself and is skipped.
		{[]float64{math.Inf(-1), 2}, []float64{math.Inf(-1), 1}, Error{MSE: 1, MaxAbs: 1, SQNR: 10 * math.Log10(4)}},
	} {
		got := Measure(c.x, c.got)
		// 1e-12 covers the rounding of 1.1 - 1 and friends (1.1 - 1 is 0.1
		// + 9e-17). The SQNR is 10 log10 of a ratio with that relative
		// rounding, a few 1e-15 dB; 1e-9 dB still catches any formula
		// mistake (a factor 2 in the ratio is 3 dB).
		if math.Abs(got.MSE-c.want.MSE) > 1e-12 || math.Abs(got.MaxAbs-c.want.MaxAbs) > 1e-12 ||
			!(got.SQNR == c.want.SQNR || math.Abs(got.SQNR-c.want.SQNR) < 1e-9) {
			t.Errorf("Measure(%v, %v) = %+v, want %+v", c.x, c.got, got, c.want)
		}
	}
}

func TestParamsAlongAnyAxis(t *testing.T) {
	// One grid per row (axis 0): each row's largest |x| lands on ±127.
	x := randTensor(22, 1, 3, 4, 2)
	p := ParamsAlong(x, Int8Sym, 0)
	if len(p.Scale) != 3 {
		t.Fatalf("ParamsAlong(axis 0) has %d scales, want 3", len(p.Scale))
	}
	q := Quantize(x, p)
	for r := 0; r < 3; r++ {
		top := 0
		for _, v := range q[r*8 : (r+1)*8] {
			top = max(top, int(v), -int(v))
		}
		if top != 127 {
			t.Errorf("row %d: largest |q| = %d, want 127", r, top)
		}
	}
}
