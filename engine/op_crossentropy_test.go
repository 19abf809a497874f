package engine_test

import (
	"fmt"
	"math"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
)

const ign = engine.IgnoreTarget

func TestCrossEntropyIgnoredRowsGradients(t *testing.T) {
	r := gradcheck.Random
	runOpCases(t, []opCase{
		{"none ignored", &engine.CrossEntropy{}, []*engine.Tensor{r(30, 2, 2, 3, 5), engine.FromData([]float64{0, 3, 2, 1, 4, 0}, 2, 3)}, []int{1}},
		{"some ignored", &engine.CrossEntropy{}, []*engine.Tensor{r(31, 2, 2, 3, 5), engine.FromData([]float64{ign, ign, 2, 1, ign, 4}, 2, 3)}, []int{1}},
		{"one scored", &engine.CrossEntropy{}, []*engine.Tensor{r(32, 3, 4, 3), engine.FromData([]float64{ign, ign, 1, ign}, 4)}, []int{1}},
		{"all ignored", &engine.CrossEntropy{}, []*engine.Tensor{r(33, 1, 2, 3), engine.FromData([]float64{ign, ign}, 2)}, []int{1}},
	})
}

// lossOf runs op on (z, y) in a one-node graph and returns the loss and dL/dz.
func lossOf(op engine.Op, z, y *engine.Tensor) (float64, *engine.Tensor) {
	g := engine.NewGraph()
	zn := g.Param("z", z.Clone())
	yn := g.Input("y", y.Shape...)
	yn.Value.CopyFrom(y)
	g.Loss("loss", op, zn, yn)
	l := g.Forward()
	g.Backward()
	return l, zn.Grad
}

// sameTol bounds the difference between two computations of the same mean of
// the same terms: both sum in row order, so only the last rounding may differ.
const sameTol = 1e-14

func TestCrossEntropyIgnoredRowsEqualScoredRowsAlone(t *testing.T) {
	const c = 4
	z := gradcheck.Random(40, 3, 2, 3, c) // [2, 3, C]
	cases := []struct {
		name string
		y    []float64
	}{
		{"none ignored", []float64{0, 1, 2, 3, 0, 1}},
		{"first row only", []float64{2, ign, ign, ign, ign, ign}},
		{"mixed", []float64{ign, 3, ign, 0, 0, ign}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			y := engine.FromData(tc.y, 2, 3)
			got, gotGrad := lossOf(&engine.CrossEntropy{}, z, y)

			// The cross-entropy of the scored rows alone, gathered into a
			// [N, C] tensor with no target ignored, is what it must equal.
			var rows []int
			var sub, subY []float64
			for r, v := range tc.y {
				if v != ign {
					rows = append(rows, r)
					sub = append(sub, z.Data[r*c:(r+1)*c]...)
					subY = append(subY, v)
				}
			}
			want, wantGrad := lossOf(&engine.CrossEntropy{}, engine.FromData(sub, len(rows), c), engine.FromData(subY, len(rows)))
			if math.Abs(got-want) > sameTol*math.Abs(want) {
				t.Errorf("CrossEntropy(%v) = %v, want %v", tc.y, got, want)
			}
			for r := range tc.y {
				for j := 0; j < c; j++ {
					w := 0.0 // an ignored row gets no gradient at all
					for i, sr := range rows {
						if sr == r {
							w = wantGrad.Data[i*c+j]
						}
					}
					if g := gotGrad.Data[r*c+j]; math.Abs(g-w) > sameTol {
						t.Errorf("dL/dz[%d,%d] = %v, want %v", r, j, g, w)
					}
				}
			}
		})
	}
}

func TestCrossEntropyAllIgnoredIsZero(t *testing.T) {
	z := gradcheck.Random(41, 2, 3, 5)
	l, grad := lossOf(&engine.CrossEntropy{}, z, engine.FromData([]float64{ign, ign, ign}, 3))
	if l != 0 {
		t.Errorf("CrossEntropy(all ignored) = %v, want 0", l)
	}
	for i, g := range grad.Data {
		if g != 0 {
			t.Errorf("dL/dz[%d] = %v, want 0", i, g)
		}
	}
}

func TestCrossEntropyPanicsOnBadTarget(t *testing.T) {
	for _, bad := range []float64{-2, 3, 7} {
		t.Run(fmt.Sprint(bad), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("CrossEntropy(target %v of 3 classes) did not panic", bad)
				}
			}()
			lossOf(&engine.CrossEntropy{}, gradcheck.Random(42, 1, 2, 3), engine.FromData([]float64{0, bad}, 2))
		})
	}
}

// TestCrossEntropyByHand checks ignored rows against log-sum-exps written
// out by hand.
func TestCrossEntropyByHand(t *testing.T) {
	z := engine.FromData([]float64{0, 1, 2, 2, 1, 0, 0.5, 0.5, 3}, 1, 3, 3) // [B, T, V]
	lse := func(a ...float64) float64 {
		s := 0.0
		for _, v := range a {
			s += math.Exp(v)
		}
		return math.Log(s)
	}
	// Ignoring the middle row leaves the mean of rows 0 and 2:
	// row 0: logsumexp(0,1,2) - 2; row 2: logsumexp(0.5,0.5,3) - 3.
	got, _ := lossOf(&engine.CrossEntropy{}, z, engine.FromData([]float64{2, ign, 2}, 1, 3))
	want := (lse(0, 1, 2) - 2 + lse(0.5, 0.5, 3) - 3) / 2
	// The op shifts each row by its max before exponentiating and lse does
	// not: a few roundings of log-sum-exps near 2.4 and 3.1 (ulp 4.4e-16),
	// halved by the mean. Measured: 2.2e-16.
	if math.Abs(got-want) > 1e-15 {
		t.Errorf("CrossEntropy(row 1 ignored) = %v, want %v", got, want)
	}
}
