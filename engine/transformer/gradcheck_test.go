package transformer_test

import (
	"fmt"
	"testing"

	"stepgraph/engine/gradcheck"
	"stepgraph/engine/transformer"
)

// gradTol is the largest accepted gradcheck error |backprop - fd| /
// max(|fd|, 1). Float64 central differences with h = 1e-5 are accurate to
// about 1e-10 on these smooth functions (package gradcheck), so 1e-6
// leaves four orders of margin while a wrong backward formula misses by
// far more. Measured worst errors: 4e-10 (decoder, encoder) and 2e-8
// (encoder-decoder, on the decoder's embeddings, whose gradient crosses
// two LayerNorms of only 4 features: high curvature). That 2e-8 is the
// O(h^2) truncation of the central difference, not a backprop error: at
// h = 2e-6 it falls below 1e-9. ReLU's kink is the one non-smooth point: a
// pre-activation within h of 0 would fool the central difference, and
// with these fixed seeds none is.
const (
	gradTol = 1e-6
	gradH   = 1e-5
)

// TestModelGradients checks d loss / d parameter for every element of every
// parameter of each variant, with both activations, against float64
// central differences on the whole model.
func TestModelGradients(t *testing.T) {
	for _, variant := range []string{transformer.Decoder, transformer.Encoder, transformer.EncDec} {
		for _, act := range []string{"relu", "gelu_tanh"} {
			t.Run(variant+"/"+act, func(t *testing.T) {
				// Small enough that checking every element stays cheap under
				// -race, with two layers (or 1 + 1) so that gradients cross
				// a block boundary, and two heads of size 2.
				cfg := transformer.Config{Variant: variant, V: 5, VSrc: 6, D: 4, Heads: 2, DFF: 8,
					Layers: 2, LEnc: 1, LDec: 1, MaxLen: 5, Act: act}
				m, err := transformer.New(cfg, 17)
				if err != nil {
					t.Fatal(err)
				}
				g, _ := fedGraph(t, m, 2, 4, srcLen(cfg, 3), 23)
				worst := 0.0
				for _, mm := range gradcheck.Graph(g, gradH) {
					worst = max(worst, mm.Err)
					if mm.Err > gradTol {
						t.Errorf("gradient %v", mm)
					}
				}
				t.Logf("%d parameters, worst error %.2g", m.NumParams(), worst)
			})
		}
	}
}

// TestUnusedEmbeddingRowsGetNoGradient checks SPEC section 4: rows of
// tok_emb for tokens absent from the input, and rows of pos_emb past the
// sequence length, get a gradient of exactly 0; used rows get some.
func TestUnusedEmbeddingRowsGetNoGradient(t *testing.T) {
	cfg := tiny(transformer.Decoder, "relu")
	m, _ := transformer.New(cfg, 3)
	g, err := m.Build(2, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	in := transformer.Batch{Input: [][]int{{1, 4, 1}, {4, 0, 4}}, Target: [][]int{{2, 2, 2}, {3, 3, 3}}}
	if err := m.Feed(g, in); err != nil {
		t.Fatal(err)
	}
	g.Forward()
	g.Backward()
	used := map[string]map[int]bool{"tok_emb": {0: true, 1: true, 4: true}, "pos_emb": {0: true, 1: true, 2: true}}
	for name, rows := range used {
		grad := g.MustNode(name).Grad
		d := grad.Dim(1)
		for r := 0; r < grad.Dim(0); r++ {
			nonzero := false
			for _, v := range grad.Data[r*d : (r+1)*d] {
				nonzero = nonzero || v != 0
			}
			if nonzero != rows[r] {
				t.Errorf("%s row %d: gradient nonzero = %v, want %v", name, r, nonzero, rows[r])
			}
		}
	}
}

// ExampleAttentionNodes lists the attention heads of a small
// encoder-decoder graph.
func ExampleAttentionNodes() {
	m, _ := transformer.New(transformer.Config{Variant: "encdec", V: 5, VSrc: 5, D: 4, Heads: 2, DFF: 8,
		LEnc: 1, LDec: 1, MaxLen: 4, Act: "relu"}, 1)
	g, _ := m.Build(1, 3, 4)
	for _, r := range transformer.AttentionNodes(g) {
		fmt.Println(r.Probs, r.Kind, r.Causal)
	}
	// Output:
	// enc.layers.0.attn.head.0.probs self false
	// enc.layers.0.attn.head.1.probs self false
	// dec.layers.0.self_attn.head.0.probs self true
	// dec.layers.0.self_attn.head.1.probs self true
	// dec.layers.0.cross_attn.head.0.probs cross false
	// dec.layers.0.cross_attn.head.1.probs cross false
}
