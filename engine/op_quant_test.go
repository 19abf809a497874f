package engine_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
	"stepgraph/engine/quant"
)

func TestKLDivGradients(t *testing.T) {
	r := gradcheck.Random
	// The teacher (input 1) is a constant target: it gets no gradient.
	runOpCases(t, []opCase{
		{"kl/T=1", engine.NewKLDiv(1), []*engine.Tensor{r(30, 3, 4, 7), r(31, 3, 4, 7)}, []int{1}},
		{"kl/T=2", engine.NewKLDiv(2), []*engine.Tensor{r(32, 3, 4, 7), r(33, 3, 4, 7)}, []int{1}},
		{"kl/T=4/batched", engine.NewKLDiv(4), []*engine.Tensor{r(34, 3, 2, 3, 5), r(35, 3, 2, 3, 5)}, []int{1}},
		{"kl/T=0.5", engine.NewKLDiv(0.5), []*engine.Tensor{r(36, 2, 3, 4), r(37, 2, 3, 4)}, []int{1}},
	})
}

func TestKLDivProperties(t *testing.T) {
	zt := gradcheck.Random(40, 3, 4, 6)
	zs := gradcheck.Random(41, 3, 4, 6)
	shifted := zs.Clone() // each student row moved by its own constant
	for r := 0; r < 4; r++ {
		for c := 0; c < 6; c++ {
			shifted.Data[r*6+c] += float64(r) - 1.5
		}
	}
	loss := func(temp float64, s, tch *engine.Tensor) float64 {
		out := engine.Scalar(0)
		engine.NewKLDiv(temp).Forward(out, s, tch)
		return out.Data[0]
	}
	for _, temp := range []float64{0.5, 1, 3} {
		// KL(p || p) = 0; float64 rounding of log-softmax leaves ~1e-16.
		if got := loss(temp, zt, zt); math.Abs(got) > 1e-14 {
			t.Errorf("KLDiv(T=%v)(z, z) = %v, want 0", temp, got)
		}
		// Gibbs' inequality: KL >= 0, and > 0 for different distributions.
		base := loss(temp, zs, zt)
		if !(base > 0) {
			t.Errorf("KLDiv(T=%v) = %v, want > 0", temp, base)
		}
		// softmax ignores a constant added to a row. 1e-12 allows for the
		// rounding of the shifted logits.
		if got := loss(temp, shifted, zt); math.Abs(got-base) > 1e-12 {
			t.Errorf("KLDiv(T=%v) of row-shifted student = %v, want %v", temp, got, base)
		}
	}
}

func TestKLDivTeacherGetsNoGradient(t *testing.T) {
	zs, zt := gradcheck.Random(50, 2, 3, 5), gradcheck.Random(51, 2, 3, 5)
	op := engine.NewKLDiv(2)
	out := engine.Scalar(0)
	op.Forward(out, zs, zt)
	ds, dt := engine.New(3, 5), engine.New(3, 5)
	op.Backward([]*engine.Tensor{ds, dt}, engine.Scalar(1), out, zs, zt)
	for i, v := range dt.Data {
		if v != 0 {
			t.Fatalf("KLDiv teacher gradient[%d] = %v, want 0", i, v)
		}
	}
}

func TestKLDivRejectsBadTemperature(t *testing.T) {
	for _, temp := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewKLDiv(%v) did not panic", temp)
				}
			}()
			engine.NewKLDiv(temp)
		}()
	}
}

// quantFixture is the part of fixtures/quant.json (SPEC.md section 7) that
// the fake-quant forward pass must reproduce.
type quantFixture struct {
	Tensors []struct {
		Name       string                  `json:"name"`
		Shape      []int                   `json:"shape"`
		Data       []float64               `json:"data"`
		PerTensor  struct{ Deq []float64 } `json:"per_tensor"`
		PerChannel struct{ Deq []float64 } `json:"per_channel"`
	} `json:"tensors"`
}

// fixtureDir returns the reference fixtures folder: $STEPGRAPH_REFERENCE,
// or shared/reference/fixtures beside the repository.
func fixtureDir() string {
	if d := os.Getenv("STEPGRAPH_REFERENCE"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "reference", "fixtures")
}

func TestFakeQuantForwardMatchesFixture(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(fixtureDir(), "quant.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx quantFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Tensors) == 0 {
		t.Fatal("quant.json holds no tensors")
	}
	for _, tc := range fx.Tensors {
		for _, c := range []struct {
			scheme quant.Scheme
			want   []float64
		}{{quant.Int8Sym, tc.PerTensor.Deq}, {quant.Int8SymChannel, tc.PerChannel.Deq}} {
			x := engine.FromData(tc.Data, tc.Shape...)
			out := engine.New(tc.Shape...)
			engine.NewFakeQuant(&quant.WeightQuantizer{Scheme: c.scheme}).Forward(out, x)
			// The fixture's float32 values are exact, and so is our float32
			// arithmetic: compare bit for bit.
			for i, v := range out.Data {
				if v != c.want[i] {
					t.Errorf("FakeQuant(%v)(%s)[%d] = %v, want %v", c.scheme, tc.Name, i, v, c.want[i])
					break
				}
			}
		}
	}
}

// constRange is an observer that always reports one fixed range.
type constRange struct{ lo, hi float64 }

func (o constRange) Observe(*engine.Tensor)          {}
func (o constRange) Range() (float64, float64, bool) { return o.lo, o.hi, true }
func (o constRange) Name() string                    { return "const" }

func TestFakeQuantStraightThrough(t *testing.T) {
	x := gradcheck.Random(60, 2, 5, 8) // values in [-2, 2)
	act := quant.NewActQuantizer(quant.Int8Sym, constRange{-1, 1})
	act.Observing = false
	cases := []struct {
		name string
		q    engine.Quantizer
		// clamped says, from the definition, whether an element is outside
		// the grid.
		clamped func(v float64) bool
	}{
		// A weight's grid spans its own range: nothing is clamped.
		{"weight", &quant.WeightQuantizer{Scheme: quant.Int8Sym}, func(float64) bool { return false }},
		{"weight/int4-asym", &quant.WeightQuantizer{Scheme: quant.Int4Asym}, func(float64) bool { return false }},
		// A grid fixed to [-1, 1] with step s = 1/127 clamps |x| > 1 + s/2.
		// No random value lies within 1e-9 of that edge, so the rounding
		// of the boundary does not matter.
		{"activation/range[-1,1]", act, func(v float64) bool { return math.Abs(v) > 1+0.5/127 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			op := engine.NewFakeQuant(c.q)
			out := engine.New(x.Shape...)
			op.Forward(out, x)
			dy := gradcheck.Random(61, 1, x.Shape...)
			dx := engine.New(x.Shape...)
			for i := range dx.Data {
				dx.Data[i] = 0.25 // Backward must add to what is there
			}
			op.Backward([]*engine.Tensor{dx}, dy, out, x)
			nClamped := 0
			for i, v := range x.Data {
				want := 0.25 + dy.Data[i]
				if c.clamped(v) {
					want = 0.25
					nClamped++
				}
				// Exact: the straight-through gradient is dy itself,
				// added once to 0.25, or nothing.
				if dx.Data[i] != want {
					t.Errorf("FakeQuant backward dx[%d] (x = %v) = %v, want %v", i, v, dx.Data[i], want)
				}
			}
			if c.name == "activation/range[-1,1]" && nClamped == 0 {
				t.Fatal("no value was outside the range: the case tests nothing")
			}
		})
	}
}
