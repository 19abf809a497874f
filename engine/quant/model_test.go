package quant

import (
	"math"
	"sync"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/mlp"
	"stepgraph/engine/optim"
)

// spiralCfg is the MLP of the model-level tests: 2 -> 32 -> 32 -> 3, ReLU.
var spiralCfg = mlp.Config{Inputs: 2, Hidden: []int{32, 32}, Classes: 3, Act: "relu"}

// spiral is the trained float model the model-level tests share (read
// only: tests that train copy it first).
var spiral struct {
	once        sync.Once
	m           *mlp.Model
	train, test *data.Set
	err         error
}

// trainSpiral returns an MLP (seed 1) trained on 600 spiral points (noise
// 0.05, seed 1) with the recipe of the MLP package's test: Adam, lr 0.01
// for 1500 steps then 0.001 for 500, batches of 64 drawn with replacement.
// It also returns the training set and 600 held-out points. The model is
// trained once and shared; callers must not change it.
func trainSpiral(t *testing.T) (m *mlp.Model, train, test *data.Set) {
	t.Helper()
	spiral.once.Do(func() {
		s := &spiral
		if s.train, s.test, s.err = data.PointSplit("spiral", 600, 600, 0.05, 1); s.err != nil {
			return
		}
		if s.m, s.err = mlp.New(spiralCfg, 1); s.err != nil {
			return
		}
		g, err := s.m.Build(64)
		if s.err = err; err != nil {
			return
		}
		trainSteps(g, s.train, optim.NewAdam(0.01), 1500, 101)
		trainSteps(g, s.train, optim.NewAdam(0.001), 500, 102)
	})
	if spiral.err != nil {
		t.Fatal(spiral.err)
	}
	return spiral.m, spiral.train, spiral.test
}

// trainSteps runs steps training steps of g on batches drawn from set with
// a Mulberry32 seeded with seed.
func trainSteps(g *engine.Graph, set *data.Set, opt optim.Optimizer, steps int, seed uint32) {
	data.Train(g, set, opt, steps, engine.NewMulberry32(seed))
}

// fill puts the first x.Shape[0] examples of the set into g's inputs.
func fill(g *engine.Graph, s *data.Set) {
	idx := make([]int, g.MustNode("y").Value.Size())
	for i := range idx {
		idx[i] = i
	}
	s.Fill(g.MustNode("x").Value, g.MustNode("y").Value, idx)
}

// fresh builds a new graph of m for batch examples, filled from the set.
func fresh(t *testing.T, m *mlp.Model, s *data.Set, batch int) *engine.Graph {
	t.Helper()
	g, err := m.Build(batch)
	if err != nil {
		t.Fatal(err)
	}
	fill(g, s)
	return g
}

// logitsError returns the error of the "logits" node of got against ref.
func logitsError(t *testing.T, ref, got *engine.Graph) Error {
	t.Helper()
	for _, e := range Compare(ref, got) {
		if e.Name == "logits" {
			return e.Error
		}
	}
	t.Fatal("Compare has no logits")
	return Error{}
}

// TestPostTrainingQuantization quantizes the trained spiral MLP (float:
// 99.0% held-out accuracy, loss 0.0337) dynamically and statically
// (calibrated with min/max observers on the 600 training points) and
// checks it on the 600 held-out points. Measured, int8: accuracy 99.2-99.3%,
// loss within 6e-4 of float, logits SQNR 34-37 dB (dynamic) and 32-33 dB
// (static). Int4: accuracy 78-96%, logits SQNR 6-13 dB.
func TestPostTrainingQuantization(t *testing.T) {
	m, train, test := trainSpiral(t)
	ref := fresh(t, m, test, test.Len())
	ref.Forward()
	fl := Evaluate(ref)
	calibrate := func(g *engine.Graph) error {
		fill(g, train)
		g.Forward()
		return nil
	}
	for _, pair := range [][2]Scheme{{Int8Sym, Int4Sym}, {Int8SymChannel, Int4SymChannel}, {Int8Asym, Int4Asym}} {
		var sqnr [2][2]float64 // [int8, int4][dynamic, static]
		for b, s := range pair {
			dyn, err := Dynamic(fresh(t, m, test, test.Len()), s)
			if err != nil {
				t.Fatal(err)
			}
			st, err := Static(fresh(t, m, test, test.Len()), s, nil, calibrate)
			if err != nil {
				t.Fatal(err)
			}
			for k, g := range []*engine.Graph{dyn, st} {
				kind := [2]string{"dynamic", "static"}[k]
				g.Forward()
				e, le := Evaluate(g), logitsError(t, ref, g)
				sqnr[b][k] = le.SQNR
				t.Logf("%v %s: loss %.4f (float %.4f), accuracy %.4f (float %.4f), logits %v", s, kind, e.Loss, fl.Loss, e.Accuracy, fl.Accuracy, le)
				if s.Bits != 8 {
					continue
				}
				// Issue 2's bar: int8 within 1% accuracy of float. The loss
				// bound 0.005 is about 8x the largest measured change.
				if e.Accuracy < fl.Accuracy-0.01 || math.Abs(e.Loss-fl.Loss) > 0.005 {
					t.Errorf("%v %s: loss %.4f, accuracy %.4f; want within 0.005 of %.4f and 1%% of %.4f", s, kind, e.Loss, e.Accuracy, fl.Loss, fl.Accuracy)
				}
			}
		}
		for k, kind := range []string{"dynamic", "static"} {
			// Four bits fewer: 16x coarser steps, about 24 dB less.
			if !(sqnr[0][k] > sqnr[1][k]+10) {
				t.Errorf("%s logits SQNR %v %.1f dB, %v %.1f dB; want int8 ahead by > 10 dB", kind, pair[0], sqnr[0][k], pair[1], sqnr[1][k])
			}
		}
	}
}

// TestQuantizationAwareTraining fine-tunes a copy of the trained spiral MLP
// for 300 steps (Adam, lr 0.001) through fake-quant nodes, converts it to a
// real integer graph with the ranges its observers learnt, and checks the
// int8 model stays within 1% of the float model's held-out accuracy.
// Measured: float 99.0%; QAT int8 98.8-99.2% for the three schemes.
func TestQuantizationAwareTraining(t *testing.T) {
	m, train, test := trainSpiral(t)
	ref := fresh(t, m, test, test.Len())
	ref.Forward()
	fl := Evaluate(ref)
	for _, s := range []Scheme{Int8Sym, Int8SymChannel, Int8Asym} {
		qm, err := mlp.New(spiralCfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := qm.SetParams(m.Params); err != nil {
			t.Fatal(err)
		}
		qat, err := QAT(fresh(t, qm, train, 64), s)
		if err != nil {
			t.Fatal(err)
		}
		trainSteps(qat, train, optim.NewAdam(0.001), 300, 103)
		SetObserving(qat, false)

		conv, err := Convert(qat, fresh(t, qm, test, test.Len()), s)
		if err != nil {
			t.Fatal(err)
		}
		conv.Forward()
		e := Evaluate(conv)
		t.Logf("%v QAT, converted: loss %.4f (float %.4f), accuracy %.4f (float %.4f)", s, e.Loss, fl.Loss, e.Accuracy, fl.Accuracy)
		if e.Accuracy < fl.Accuracy-0.01 {
			t.Errorf("%v QAT accuracy %.4f, want within 1%% of float %.4f", s, e.Accuracy, fl.Accuracy)
		}

		// The fake-quant graph simulates the integer one: on the same 64
		// held-out points both give the same logits up to the float32
		// rounding of the dequantized values (relative 2^-24, about 144 dB).
		// Measured 147-148 dB; any disagreement of grids or rounding would
		// fall far below 120.
		fill(qat, test)
		qat.Forward()
		conv64, err := Convert(qat, fresh(t, qm, test, 64), s)
		if err != nil {
			t.Fatal(err)
		}
		conv64.Forward()
		le := logitsError(t, qat, conv64)
		t.Logf("%v: integer vs QAT graph logits %v", s, le)
		if !(le.SQNR > 120) {
			t.Errorf("%v: integer graph vs its QAT graph: logits %v, want SQNR > 120 dB", s, le)
		}
	}
}

func TestMemory(t *testing.T) {
	m, err := mlp.New(spiralCfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := m.Build(1)
	// Weights 2x32 + 32x32 + 32x3 = 64 + 1024 + 96 = 1184 values in 3
	// tensors with 32, 32 and 3 output columns (67 in all); biases 32 + 32
	// + 3 = 67 values that stay float32 (268 bytes).
	const weights, columns, tensors, bias = 1184, 67, 3, 4 * 67
	for _, c := range []struct {
		s    Scheme
		want Memory
	}{
		{Int8Sym, Memory{Float32: 4 * (weights + 67), Weights: weights, Scales: 4 * tensors, Other: bias}},
		{Int8SymChannel, Memory{Float32: 5004, Weights: weights, Scales: 4 * columns, Other: bias}},
		{Int8Asym, Memory{Float32: 5004, Weights: weights, Scales: 4 * tensors, Zeros: tensors, Other: bias}},
		// Two int4 values per byte: 1184 / 2 = 592.
		{Int4Sym, Memory{Float32: 5004, Weights: weights / 2, Scales: 4 * tensors, Other: bias}},
		{Scheme{Bits: 4, PerChannel: true}, Memory{Float32: 5004, Weights: weights / 2, Scales: 4 * columns, Zeros: columns, Other: bias}},
	} {
		if got := MemoryOf(g, c.s); got != c.want {
			t.Errorf("MemoryOf(mlp, %v) = %+v, want %+v", c.s, got, c.want)
		}
	}
	// An odd number of int4 values rounds up to a whole byte.
	odd := engine.NewGraph()
	x := odd.Input("x", 1, 3)
	odd.Apply("y", &engine.MatMul{}, x, odd.Param("w", engine.New(3, 3)))
	if got := MemoryOf(odd, Int4Sym).Weights; got != 5 {
		t.Errorf("MemoryOf(9 int4 values).Weights = %d, want 5", got)
	}
}

// TestStaticObservers calibrates the int8 spiral model with each observer
// on four batches of 600 training points drawn with replacement (seed 8)
// and checks it stays within 1% of the float model's held-out accuracy.
// Measured (float 99.0%, loss 0.0337): min/max 99.3%, loss 0.0336, logits
// SQNR 32.6 dB; moving average 99.3%, 0.0323, 32.7 dB; 99.9th percentile
// 99.2%, 0.0345, 28.4 dB (clamping the rare largest activations costs a
// little here, where nothing is an outlier).
func TestStaticObservers(t *testing.T) {
	m, train, test := trainSpiral(t)
	ref := fresh(t, m, test, test.Len())
	ref.Forward()
	fl := Evaluate(ref)
	calibrate := func(g *engine.Graph) error {
		rng := engine.NewMulberry32(8)
		for range 4 {
			train.Sample(rng, g.MustNode("x").Value, g.MustNode("y").Value)
			g.Forward()
		}
		return nil
	}
	for _, c := range []struct {
		name string
		mk   func() Observer
	}{
		{"minmax", NewMinMax},
		{"ema", func() Observer { return NewMovingAverage(0.9) }},
		{"percentile", func() Observer { return NewPercentile(99.9) }},
	} {
		g, err := Static(fresh(t, m, test, test.Len()), Int8SymChannel, c.mk, calibrate)
		if err != nil {
			t.Fatal(err)
		}
		g.Forward()
		e := Evaluate(g)
		t.Logf("static int8, %s observer: loss %.4f (float %.4f), accuracy %.4f (float %.4f), logits %v", c.name, e.Loss, fl.Loss, e.Accuracy, fl.Accuracy, logitsError(t, ref, g))
		if e.Accuracy < fl.Accuracy-0.01 {
			t.Errorf("static int8 with %s: accuracy %.4f, want within 1%% of %.4f", c.name, e.Accuracy, fl.Accuracy)
		}
	}
}
