package engine_test

import (
	"fmt"
	"math"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
)

const ign = engine.IgnoreTarget

func TestMaskedCrossEntropyGradients(t *testing.T) {
	r := gradcheck.Random
	runOpCases(t, []opCase{
		{"none ignored", &engine.MaskedCrossEntropy{}, []*engine.Tensor{r(30, 2, 2, 3, 5), engine.FromData([]float64{0, 3, 2, 1, 4, 0}, 2, 3)}, []int{1}},
		{"some ignored", &engine.MaskedCrossEntropy{}, []*engine.Tensor{r(31, 2, 2, 3, 5), engine.FromData([]float64{ign, ign, 2, 1, ign, 4}, 2, 3)}, []int{1}},
		{"one scored", &engine.MaskedCrossEntropy{}, []*engine.Tensor{r(32, 3, 4, 3), engine.FromData([]float64{ign, ign, 1, ign}, 4)}, []int{1}},
		{"all ignored", &engine.MaskedCrossEntropy{}, []*engine.Tensor{r(33, 1, 2, 3), engine.FromData([]float64{ign, ign}, 2)}, []int{1}},
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

func TestMaskedCrossEntropyMatchesCrossEntropyOnScoredRows(t *testing.T) {
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
			got, gotGrad := lossOf(&engine.MaskedCrossEntropy{}, z, y)

			// The plain cross-entropy of the scored rows alone, gathered into
			// a [N, C] tensor, is what the masked loss must equal.
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
				t.Errorf("MaskedCrossEntropy(%v) = %v, want %v", tc.y, got, want)
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

func TestMaskedCrossEntropyAllIgnoredIsZero(t *testing.T) {
	z := gradcheck.Random(41, 2, 3, 5)
	l, grad := lossOf(&engine.MaskedCrossEntropy{}, z, engine.FromData([]float64{ign, ign, ign}, 3))
	if l != 0 {
		t.Errorf("MaskedCrossEntropy(all ignored) = %v, want 0", l)
	}
	for i, g := range grad.Data {
		if g != 0 {
			t.Errorf("dL/dz[%d] = %v, want 0", i, g)
		}
	}
}

func TestMaskedCrossEntropyPanicsOnBadTarget(t *testing.T) {
	for _, bad := range []float64{-2, 3, 7} {
		t.Run(fmt.Sprint(bad), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("MaskedCrossEntropy(target %v of 3 classes) did not panic", bad)
				}
			}()
			lossOf(&engine.MaskedCrossEntropy{}, gradcheck.Random(42, 1, 2, 3), engine.FromData([]float64{0, bad}, 2))
		})
	}
}
