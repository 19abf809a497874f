package transformer_test

import (
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/transformer"
)

// TestBuildMasked checks the learner's masks against the model's own: a
// causal pattern on the decoder's self-attention gives the very loss of
// the causal model, a pattern that allows everything the loss of the model
// without its mask, and a mask on the encoder's attention, which has none,
// adds one ".masked" node per head. Bad masks are refused.
func TestBuildMasked(t *testing.T) {
	const batch, T = 2, 5
	cfg := tiny(transformer.Decoder, "relu")
	causal, err := transformer.New(cfg, 11)
	if err != nil {
		t.Fatal(err)
	}
	open := cfg
	open.NoCausalMask = true
	unmasked, err := transformer.New(open, 11)
	if err != nil {
		t.Fatal(err)
	}
	b := transformer.DrawBatch(cfg, engine.NewMulberry32(12), batch, T, 0)
	loss := func(m *transformer.Model, masks transformer.Masks) float64 {
		t.Helper()
		g, err := m.BuildMasked(batch, T, 0, masks)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Feed(g, b); err != nil {
			t.Fatal(err)
		}
		return g.Forward()
	}
	both := func(p func() *engine.MaskPattern) transformer.Masks {
		return transformer.Masks{"layers.0.attn": p(), "layers.1.attn": p()}
	}
	// The same ops on the same numbers in the same order: exactly equal.
	if got, want := loss(causal, both(func() *engine.MaskPattern { return engine.CausalPattern(T, T) })), loss(causal, nil); got != want {
		t.Errorf("loss with causal patterns = %v, want %v (the model's causal mask)", got, want)
	}
	if got, want := loss(causal, both(func() *engine.MaskPattern { return engine.NewMaskPattern(T, T) })), loss(unmasked, nil); got != want {
		t.Errorf("loss with open patterns = %v, want %v (no mask)", got, want)
	}

	enc, err := transformer.New(tiny(transformer.Encoder, "relu"), 11)
	if err != nil {
		t.Fatal(err)
	}
	g, err := enc.BuildMasked(1, T, 0, transformer.Masks{"layers.1.attn": engine.NewMaskPattern(T, T)})
	if err != nil {
		t.Fatal(err)
	}
	var edited []string
	for _, ref := range transformer.AttentionNodes(g) {
		if ref.Edited {
			edited = append(edited, ref.Masked)
		}
		if ref.Causal {
			t.Errorf("encoder %s head %d Causal = true, want false", ref.Scope, ref.Head)
		}
	}
	if want := "layers.1.attn.head.0.masked layers.1.attn.head.1.masked"; strings.Join(edited, " ") != want {
		t.Errorf("edited mask nodes %v, want %s", edited, want)
	}

	blocked := engine.NewMaskPattern(T, T)
	for k := range T {
		blocked.Allowed[2*T+k] = false
	}
	for _, c := range []struct {
		masks transformer.Masks
		want  string
	}{
		{transformer.Masks{"layers.0.ffn": engine.NewMaskPattern(T, T)}, "no attention"},
		{transformer.Masks{"layers.0.attn": engine.NewMaskPattern(T, T-1)}, "want 5×5"},
		{transformer.Masks{"layers.0.attn": blocked}, "row 2"},
	} {
		if _, err := causal.BuildMasked(1, T, 0, c.masks); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("BuildMasked(%v) error = %v, want one containing %q", c.masks, err, c.want)
		}
	}
}
