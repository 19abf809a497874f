package engine_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
)

// somePattern is a 3×4 pattern with a different set of allowed keys in
// every row: row 0 keys 0 and 2, row 1 key 3 only, row 2 all but key 1.
func somePattern() *engine.MaskPattern {
	p := engine.NewMaskPattern(3, 4)
	for _, c := range [][2]int{{0, 1}, {0, 3}, {1, 0}, {1, 1}, {1, 2}, {2, 1}} {
		if err := p.Set(c[0], c[1], false); err != nil {
			panic(err)
		}
	}
	return p
}

// TestMaskGradient checks the op against central differences, alone and
// in the chain scores -> mask -> softmax as attention uses it, on a stack
// of two [3, 4] score matrices.
func TestMaskGradient(t *testing.T) {
	runOpCases(t, []opCase{
		{"edited-mask", &engine.Mask{P: somePattern()}, []*engine.Tensor{gradcheck.Random(80, 1, 2, 3, 4)}, nil},
		{"edited-mask/none", &engine.Mask{P: engine.NewMaskPattern(3, 4)}, []*engine.Tensor{gradcheck.Random(81, 1, 1, 3, 4)}, nil},
	})
	g := engine.NewGraph()
	s := g.Param("scores", gradcheck.Random(82, 2, 2, 3, 4))
	m := g.Apply("masked", &engine.Mask{P: somePattern()}, s)
	p := g.Apply("probs", &engine.Softmax{}, m)
	g.Loss("loss", &dot{gradcheck.Random(83, 1, 2, 3, 4)}, p)
	for _, mm := range gradcheck.Graph(g, fdStep) {
		if mm.Err > opTol {
			t.Errorf("masked softmax: %v", mm)
		}
	}
	// A blocked score does not reach the loss: its gradient is exactly 0.
	pat := somePattern()
	for b := range 2 {
		for i := range 3 {
			for k := range 4 {
				if v := s.Grad.At(b, i, k); !pat.At(i, k) && v != 0 {
					t.Errorf("dscores[%d,%d,%d] = %v at a blocked key, want 0", b, i, k, v)
				}
			}
		}
	}
}

// TestMaskedSoftmaxRenormalises checks that the softmax of a masked row is
// exactly the softmax of its allowed scores alone, 0 at the blocked keys.
// Exactly, not within a tolerance: the softmax skips -inf entries, so it
// takes the same maximum, adds the same exponentials in the same order and
// divides by the same sum as over the allowed scores alone.
func TestMaskedSoftmaxRenormalises(t *testing.T) {
	pat := somePattern()
	x := gradcheck.Random(84, 3, 2, 3, 4) // [2, 3, 4]
	y := forward(&engine.Softmax{}, forward(&engine.Mask{P: pat}, x))
	for b := range 2 {
		for i := range 3 {
			var kept []float64
			var keys []int
			for k := range 4 {
				if pat.At(i, k) {
					kept = append(kept, x.At(b, i, k))
					keys = append(keys, k)
				}
			}
			alone := forward(&engine.Softmax{}, engine.FromData(kept, len(kept)))
			sum := 0.0
			for k := range 4 {
				got := y.At(b, i, k)
				sum += got
				if !pat.At(i, k) && got != 0 {
					t.Errorf("probs[%d,%d,%d] = %v at a blocked key, want 0", b, i, k, got)
				}
			}
			for j, k := range keys {
				if got, want := y.At(b, i, k), alone.Data[j]; math.Float64bits(got) != math.Float64bits(want) {
					t.Errorf("probs[%d,%d,%d] = %v, want %v (softmax over the allowed keys alone)", b, i, k, got, want)
				}
			}
			// Rounding of the division: a few ulps of 1 (1e-15 is about 4.5 ulps).
			if math.Abs(sum-1) > 1e-15 {
				t.Errorf("row [%d,%d] sums to %v, want 1", b, i, sum)
			}
		}
	}
}

// TestMaskRefusesBlockedRow checks that no pattern with a row of blocked
// keys can be made: Set refuses the last allowed key of a row and leaves
// the pattern as it was, and the error says which row.
func TestMaskRefusesBlockedRow(t *testing.T) {
	p := engine.NewMaskPattern(2, 3)
	for k := range 2 {
		if err := p.Set(1, k, false); err != nil {
			t.Fatalf("Set(1, %d, false) = %v, want nil", k, err)
		}
	}
	err := p.Set(1, 2, false)
	var br *engine.BlockedRowError
	if !errors.As(err, &br) || br.Row != 1 || !strings.Contains(err.Error(), "row 1") {
		t.Fatalf("Set(1, 2, false) = %v, want a blocked-row error naming row 1", err)
	}
	if !p.At(1, 2) {
		t.Errorf("the refused Set changed the pattern")
	}
	if err := p.Check(); err != nil {
		t.Errorf("Check() = %v after a refused Set, want nil", err)
	}
	for _, c := range [][2]int{{2, 0}, {0, 3}, {-1, 0}} {
		if err := p.Set(c[0], c[1], true); err == nil {
			t.Errorf("Set(%d, %d) outside the 2×3 matrix = nil, want an error", c[0], c[1])
		}
	}
	if _, err := engine.PaddingPattern(2, 3, 0); err == nil {
		t.Errorf("PaddingPattern(length 0) = nil error, want a refusal (every key blocked)")
	}
	// A pattern changed behind Set's back is caught when the op runs:
	// a panic, never a NaN.
	p.Allowed[0], p.Allowed[1], p.Allowed[2] = false, false, false
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "row 0") {
			t.Errorf("Forward with a blocked row: recovered %v, want a panic naming row 0", r)
		}
	}()
	forward(&engine.Mask{P: p}, engine.New(1, 2, 3))
}

// TestMaskPresets checks that the causal pattern masks as CausalMask does,
// and the padding pattern blocks the keys from the length on.
func TestMaskPresets(t *testing.T) {
	x := gradcheck.Random(85, 1, 2, 4, 4)
	got, want := forward(&engine.Mask{P: engine.CausalPattern(4, 4)}, x), forward(&engine.CausalMask{}, x)
	for j := range want.Data {
		if math.Float64bits(got.Data[j]) != math.Float64bits(want.Data[j]) {
			t.Fatalf("causal pattern [%d] = %v, want %v (CausalMask)", j, got.Data[j], want.Data[j])
		}
	}
	p, err := engine.PaddingPattern(3, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		for k := range 4 {
			if p.At(i, k) != (k < 2) {
				t.Errorf("padding(2).At(%d, %d) = %v, want %v", i, k, p.At(i, k), k < 2)
			}
		}
	}
}

// TestStepperRefresh edits a mask at every cursor position and checks
// that Refresh leaves the run exactly as stepping a fresh run with the new
// pattern to the same cursor does: every value the cursor has computed,
// and every gradient.
func TestStepperRefresh(t *testing.T) {
	build := func(p *engine.MaskPattern) (*engine.Graph, *engine.Node) {
		g := engine.NewGraph()
		s := g.Param("scores", gradcheck.Random(86, 2, 1, 3, 4))
		v := g.Param("v", gradcheck.Random(87, 1, 1, 4, 2))
		m := g.Apply("masked", &engine.Mask{P: p}, g.Apply("scaled", &engine.Scale{C: 0.5}, s))
		o := g.Apply("out", &engine.MatMul{}, g.Apply("probs", &engine.Softmax{}, m), v)
		g.Loss("loss", &dot{gradcheck.Random(88, 1, 1, 3, 2)}, o)
		return g, m
	}
	for pos := 0; pos <= 11; pos++ { // 5 op nodes: 11 steps
		edited := engine.CausalPattern(3, 4)
		g, m := build(edited)
		st := engine.NewStepper(g)
		st.Seek(pos)
		if err := edited.Set(2, 3, true); err != nil {
			t.Fatal(err)
		}
		st.Refresh(m)
		want, _ := build(edited.Clone())
		ws := engine.NewStepper(want)
		ws.Seek(pos)
		for i, n := range g.Nodes {
			w := want.Nodes[i]
			if st.ForwardDone(n) && !sameBits(n.Value.Data, w.Value.Data) {
				t.Errorf("pos %d: %s = %v after Refresh, want %v", pos, n.Name, n.Value.Data, w.Value.Data)
			}
			if n.Grad != nil && !sameBits(n.Grad.Data, w.Grad.Data) {
				t.Errorf("pos %d: d%s = %v after Refresh, want %v", pos, n.Name, n.Grad.Data, w.Grad.Data)
			}
		}
		if st.Pos() != pos {
			t.Errorf("Refresh moved the cursor from %d to %d", pos, st.Pos())
		}
	}
}

// sameBits reports whether a and b hold the very same float64s (the same
// code on the same numbers in the same order), -inf included.
func sameBits(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return len(a) == len(b)
}
