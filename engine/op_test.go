package engine_test

import (
	"math"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
)

// opTol is the largest accepted gradcheck error, relative to max(|g|, 1).
// Central differences with h = 1e-5 are accurate to about 1e-10 here (see
// package gradcheck), so 1e-6 leaves four orders of margin.
const (
	opTol  = 1e-6
	fdStep = 1e-5
)

// opCase is one finite-difference check of an op.
type opCase struct {
	name     string
	op       engine.Op
	inputs   []*engine.Tensor
	constant []int // inputs that get no gradient (ids, targets)
}

func runOpCases(t *testing.T, cases []opCase) {
	t.Helper()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := make([]*engine.Tensor, len(c.inputs))
			for j, in := range c.inputs {
				before[j] = in.Clone()
			}
			for _, m := range gradcheck.Op(c.op, uint32(100+i), fdStep, c.inputs, c.constant...) {
				if m.Err > opTol {
					t.Errorf("%s: %v", c.name, m)
				}
			}
			// The check must not modify its inputs (as gonum's fd tests check).
			for j, in := range c.inputs {
				for k := range in.Data {
					if in.Data[k] != before[j].Data[k] {
						t.Fatalf("input %d modified at %d", j, k)
					}
				}
			}
		})
	}
}

func TestCoreOpGradients(t *testing.T) {
	r := gradcheck.Random
	runOpCases(t, []opCase{
		{"matmul/linear", &engine.MatMul{}, []*engine.Tensor{r(1, 1, 2, 3, 4), r(2, 1, 4, 5)}, nil},
		{"matmul/batched", &engine.MatMul{}, []*engine.Tensor{r(3, 1, 2, 3, 4), r(4, 1, 2, 4, 5)}, nil},
		{"matmul/transB", &engine.MatMul{TransB: true}, []*engine.Tensor{r(5, 1, 2, 3, 4), r(6, 1, 2, 5, 4)}, nil},
		{"add/same", &engine.Add{}, []*engine.Tensor{r(7, 1, 2, 3), r(8, 1, 2, 3)}, nil},
		{"add/bias", &engine.Add{}, []*engine.Tensor{r(9, 1, 2, 3, 4), r(10, 1, 4)}, nil},
		{"add/rows", &engine.Add{}, []*engine.Tensor{r(11, 1, 2, 3, 4), r(12, 1, 3, 4)}, nil},
	})
}

func TestActivationAndLossGradients(t *testing.T) {
	r := gradcheck.Random
	// Targets are integer class ids stored as float64.
	targets := engine.FromData([]float64{0, 3, 2, 1, 4, 0}, 2, 3)
	runOpCases(t, []opCase{
		// ReLU's kink at 0 is never hit by random inputs.
		{"relu", engine.ReLU(), []*engine.Tensor{r(20, 1, 3, 4)}, nil},
		{"gelu", engine.GELU(), []*engine.Tensor{r(21, 3, 3, 4)}, nil},
		{"tanh", engine.Tanh(), []*engine.Tensor{r(22, 2, 3, 4)}, nil},
		{"sigmoid", engine.Sigmoid(), []*engine.Tensor{r(23, 3, 3, 4)}, nil},
		{"cross-entropy", &engine.CrossEntropy{}, []*engine.Tensor{r(24, 2, 2, 3, 5), targets}, []int{1}},
		{"l2-penalty/one", engine.NewL2Penalty(0.3), []*engine.Tensor{r(25, 1, 3, 4)}, nil},
		{"l2-penalty/several", engine.NewL2Penalty(0.05), []*engine.Tensor{r(26, 2, 2, 3), r(27, 1, 3, 5), r(28, 1, 4)}, nil},
	})
}

// TestReLUFastPathMatchesDefinition checks ReLU's plain loops against its
// scalar f and f', on values that include 0, negative zero and the
// infinities: the results must be identical, not merely close.
func TestReLUFastPathMatchesDefinition(t *testing.T) {
	x := engine.FromData([]float64{-2, -0.5, 0, math.Copysign(0, -1), 0.25, 3, math.Inf(1), math.Inf(-1)}, 8)
	dy := engine.FromData([]float64{1, 2, 3, 4, 5, 6, 7, 8}, 8)
	relu := engine.ReLU()
	y := engine.New(8)
	relu.Forward(y, x)
	dx := engine.New(8)
	relu.Backward([]*engine.Tensor{dx}, dy, y, x)
	for i, v := range x.Data {
		wantY, wantDx := math.Max(0, v), 0.0
		if v > 0 {
			wantDx = dy.Data[i]
		}
		if y.Data[i] != wantY || dx.Data[i] != wantDx {
			t.Errorf("relu(%v) = %v, grad %v; want %v, grad %v", v, y.Data[i], dx.Data[i], wantY, wantDx)
		}
	}
}
