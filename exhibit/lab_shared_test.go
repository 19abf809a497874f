package exhibit

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/transformer"
)

// TestMain fails the package's tests if any of them wrote weights that
// labs share: every write must own them first (lab_shared.go).
func TestMain(m *testing.M) {
	code := m.Run()
	if n := SharedWeightsCorrupted(); n != 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d shared initial weight sets were written to\n", n)
		code = 1
	}
	os.Exit(code)
}

// fresh returns the initial parameters of lab options v, built apart
// from any lab.
func fresh(t *testing.T, opts map[string]string) map[string][]float64 {
	t.Helper()
	v, errs := LabOptions.Configure(opts)
	if errs != nil {
		t.Fatal(errs)
	}
	m, _, err := LabModel(v)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]float64{}
	for name, p := range m.Params {
		out[name] = slices.Clone(p.Data)
	}
	return out
}

// sameArray reports whether a and b are one array.
func sameArray(a, b []float64) bool { return len(a) > 0 && len(a) == len(b) && &a[0] == &b[0] }

// checkWeights fails unless model's weights equal want, bit for bit.
func checkWeights(t *testing.T, what string, model *transformer.Model, want map[string][]float64) {
	t.Helper()
	for name, p := range model.Params {
		if !slices.Equal(p.Data, want[name]) {
			t.Errorf("%s: %s is not the seed's initial weights", what, name)
			return
		}
	}
}

// TestLabsShareInitialWeights builds two default labs: their weights are
// one array, equal to the seed's; a lab of another seed has its own.
func TestLabsShareInitialWeights(t *testing.T) {
	a, b := build[*Lab](t, "lab", nil), build[*Lab](t, "lab", nil)
	other := build[*Lab](t, "lab", map[string]string{"seed": "2"})
	want := fresh(t, nil)
	checkWeights(t, "a lab", a.Model(), want)
	for name, p := range a.Model().Params {
		if !sameArray(p.Data, b.Model().Params[name].Data) {
			t.Errorf("%s: two default labs hold two copies", name)
		}
		if sameArray(p.Data, other.Model().Params[name].Data) {
			t.Errorf("%s: a lab of seed 2 reads seed 1's weights", name)
		}
	}
	// The stepped graph computes with the shared numbers.
	if g := a.lm.g.MustNode("layers.0.attn.wq").Value; g != a.Model().Params["layers.0.attn.wq"] {
		t.Errorf("the stepped graph's wq is not the model's tensor")
	}
}

// TestLabWritesOwnTheirWeights writes one lab's weights every way a lab
// can: its neighbour, built from the same options, keeps the seed's
// weights, and the written lab no longer shares them.
func TestLabWritesOwnTheirWeights(t *testing.T) {
	want := fresh(t, nil)
	writes := map[string]func(l *Lab){
		"a training chunk": func(l *Lab) { l.StartTraining(0); l.TrainChunk(3, ChunkTime) },
		"a training step":  func(l *Lab) { l.TrainStep() },
		"a gradient check": func(l *Lab) {
			l.Stepping().Next(l.Stepping().Stepper().Total())
			if _, e := l.Stepping().CheckGradient("layers.0.attn.wq", 8); e != nil {
				t.Fatal(e)
			}
		},
		"a gradient check after a mask edit": func(l *Lab) {
			if _, e := l.EditMask(MaskEdit{Attention: "layers.0.attn", Preset: MaskNone}); e != nil {
				t.Fatal(e)
			}
			l.Stepping().Next(l.Stepping().Stepper().Total())
			if _, e := l.Stepping().CheckGradient("layers.0.attn.wk", 8); e != nil {
				t.Fatal(e)
			}
		},
		"an optimizer step": func(l *Lab) {
			if _, e := l.OptimizerStep(""); e != nil {
				t.Fatal(e)
			}
		},
		"a weights file": func(l *Lab) {
			w := map[string]*engine.Tensor{}
			for name, p := range l.Model().Params {
				c := engine.New(p.Shape...)
				for i := range c.Data {
					c.Data[i] = 0.5
				}
				w[name] = c
			}
			if e := l.LoadWeights(w); e != nil {
				t.Fatal(e)
			}
		},
	}
	for what, write := range writes {
		written, neighbour := build[*Lab](t, "lab", nil), build[*Lab](t, "lab", nil)
		write(written)
		checkWeights(t, "after "+what+" of another lab", neighbour.Model(), want)
		for name, p := range written.Model().Params {
			if sameArray(p.Data, neighbour.Model().Params[name].Data) {
				t.Errorf("after %s, %s is still shared", what, name)
			}
		}
		// A gradient check puts back what it nudged; the others change wq.
		if !strings.HasPrefix(what, "a gradient check") && slices.Equal(written.Model().Params["layers.0.attn.wq"].Data, want["layers.0.attn.wq"]) {
			t.Errorf("%s left the written lab's wq unchanged", what)
		}
		// A lab built after the write shares the seed's weights still.
		checkWeights(t, "a lab built after "+what, build[*Lab](t, "lab", nil).Model(), want)
	}
}

// TestSharedWeightsCorruptionIsCaught writes a shared set behind the
// labs' backs, as a bug would: the set is not shared again, the next lab
// gets the seed's weights, and the count says so.
func TestSharedWeightsCorruptionIsCaught(t *testing.T) {
	opts := map[string]string{"seed": "77"}
	a := build[*Lab](t, "lab", opts)
	before := sharedCorrupted.Load()
	a.Model().Params["head.b"].Data[0] += 1 // not owned: the bug
	b := build[*Lab](t, "lab", opts)
	checkWeights(t, "a lab built after the corruption", b.Model(), fresh(t, opts))
	if got := sharedCorrupted.Load() - before; got != 1 {
		t.Errorf("corrupted sets counted: %d, want 1", got)
	}
	sharedCorrupted.Add(-1) // this test's own, planted corruption
	a.Model().Params["head.b"].Data[0] -= 1
}
