package quant

import (
	"testing"

	"stepgraph/engine"
)

// randInt8 returns n integers uniform in [lo, hi].
func randInt8(rng *engine.Mulberry32, n, lo, hi int) []int8 {
	q := make([]int8, n)
	for i := range q {
		q[i] = int8(lo + rng.Intn(hi-lo+1))
	}
	return q
}

func TestMatMulInt8(t *testing.T) {
	rng := engine.NewMulberry32(1)
	for _, c := range []struct{ m, k, n int }{{1, 1, 1}, {3, 5, 4}, {7, 64, 9}, {2, 0, 3}} {
		a := randInt8(rng, c.m*c.k, -128, 127)
		b := randInt8(rng, c.k*c.n, -128, 127)
		got := MatMulInt8(a, b, c.m, c.k, c.n)
		for i := 0; i < c.m; i++ {
			for j := 0; j < c.n; j++ {
				want := int64(0) // the same sum in int64, column by column
				for p := 0; p < c.k; p++ {
					want += int64(a[i*c.k+p]) * int64(b[p*c.n+j])
				}
				if int64(got[i*c.n+j]) != want {
					t.Errorf("MatMulInt8(%v)[%d,%d] = %d, want %d", c, i, j, got[i*c.n+j], want)
				}
			}
		}
	}
}

func TestMatMulInt8DeepestSumFits(t *testing.T) {
	// The largest products, (-128)(-128), at the largest allowed depth must
	// not overflow the int32 accumulator.
	k := MaxInt8Depth
	a, b := make([]int8, k), make([]int8, k)
	for i := range a {
		a[i], b[i] = -128, -128
	}
	if got, want := int64(MatMulInt8(a, b, 1, k, 1)[0]), int64(k)*128*128; got != want {
		t.Errorf("MatMulInt8 at depth %d = %d, want %d", k, got, want)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("MatMulInt8 at depth %d did not panic", k+1)
		}
	}()
	MatMulInt8(append(a, 0), append(b, 0), 1, k+1, 1)
}

func BenchmarkMatMulInt8(b *testing.B) {
	rng := engine.NewMulberry32(2)
	m, k, n := 64, 128, 128
	x, w := randInt8(rng, m*k, -127, 127), randInt8(rng, k*n, -127, 127)
	c := make([]int32, m*n)
	b.SetBytes(int64(m * k * n))
	for b.Loop() {
		MatMulInt8To(c, x, w, m, k, n)
	}
}
