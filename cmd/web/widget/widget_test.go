package widget

import (
	"fmt"
	"math"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/exhibit"
)

// TestMLPOptions checks which options configure an mlp widget, and the
// error code and field of each bad one.
func TestMLPOptions(t *testing.T) {
	checkOptions(t, "mlp", []optionCase{
		{map[string]string{}, "", ""},
		{map[string]string{"hidden": "3", "act": "tanh"}, "", ""},
		{map[string]string{"hidden": "4, 4", "act": "gelu", "data": "spiral", "batch": "8", "seed": "4294967295", "lr": "1", "optimizer": "sgd"}, "", ""},
		{map[string]string{"hidden": ""}, "", ""}, // a linear classifier
		{map[string]string{"caption": "anything"}, "", ""},
		{map[string]string{"hidden": "9"}, protocol.CodeOutOfRange, "hidden"},
		{map[string]string{"hidden": "1,1,1,1"}, protocol.CodeOutOfRange, "hidden"},
		{map[string]string{"hidden": "two"}, protocol.CodeBadField, "hidden"},
		{map[string]string{"act": "swish"}, protocol.CodeBadField, "act"},
		{map[string]string{"data": "moons"}, protocol.CodeBadField, "data"},
		{map[string]string{"batch": "0"}, protocol.CodeOutOfRange, "batch"},
		{map[string]string{"seed": "-1"}, protocol.CodeOutOfRange, "seed"},
		{map[string]string{"lr": "0"}, protocol.CodeOutOfRange, "lr"},
		{map[string]string{"lr": "NaN"}, protocol.CodeBadField, "lr"},
		{map[string]string{"optimizer": "rmsprop"}, protocol.CodeBadField, "optimizer"},
		{map[string]string{"colour": "red"}, protocol.CodeUnknownParam, "colour"},
	})
}

// TestFormulasRender checks that every op of the widgets' graphs has a
// formula the server's MathML renderer accepts, so the inspector never
// falls back to raw TeX.
func TestFormulasRender(t *testing.T) {
	cases := []struct {
		kind string
		opts map[string]string
	}{
		{"mlp", map[string]string{"act": "relu"}},
		{"mlp", map[string]string{"act": "tanh"}},
		{"mlp", map[string]string{"act": "sigmoid"}},
		{"mlp", map[string]string{"act": "gelu_tanh"}},
		{"attention", map[string]string{"arch": "encoder"}},
		{"attention", map[string]string{"arch": "decoder"}},
		{"attention", map[string]string{"arch": "encdec"}},
		{"cnn", map[string]string{"pool": "max"}},
		{"cnn", map[string]string{"pool": "avg"}},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		w, _ := newWidget(t, c.kind, c.opts)
		checkFormulas(t, fmt.Sprintf("%s %v", c.kind, c.opts), seen, w.ex.Stepping().Graph())
	}
}

// TestHeatmapMasks checks the view of a causal score matrix: -inf cells are
// marked, hold 0, and stay out of the statistics.
func TestHeatmapMasks(t *testing.T) {
	inf := math.Inf(-1)
	// [1, 2, 2]: one example, a 2×2 causal score matrix.
	x := engine.FromData([]float64{1, inf, 3, -2}, 1, 2, 2)
	h := heatmap(exhibit.Map{Tensor: x})
	if h.Rows != 2 || h.Cols != 2 {
		t.Fatalf("heatmap of %v is %dx%d, want 2x2", x.Shape, h.Rows, h.Cols)
	}
	wantMask := []bool{false, true, false, false}
	for i := range wantMask {
		if h.Masked[i] != wantMask[i] {
			t.Errorf("Masked[%d] = %v, want %v", i, h.Masked[i], wantMask[i])
		}
	}
	if h.Data[1] != 0 || h.Min != -2 || h.Max != 3 {
		t.Errorf("heatmap data %v min %v max %v, want 0 in the masked cell, min -2, max 3", h.Data, h.Min, h.Max)
	}
	if h.Caption != "[0, :, :] of [1, 2, 2]" {
		t.Errorf("caption = %q", h.Caption)
	}
	if h := heatmap(exhibit.Map{Tensor: engine.FromData([]float64{1, 2}, 2)}); h.Masked != nil || h.Rows != 1 || h.Cols != 2 {
		t.Errorf("heatmap of a vector = %+v, want one row and no mask", h)
	}
}

// TestAttentionMaps steps a decoder's widget through the forward pass and
// checks its attention messages: no map before a head runs, then rows of
// probabilities that sum to 1 and are 0 where the causal mask hides a key.
func TestAttentionMaps(t *testing.T) {
	w, rec := newWidget(t, "attention", map[string]string{"arch": "decoder", "heads": "2", "n": "3"})
	w.Start(1)
	start := last[*protocol.Attention](rec.take())
	if start == nil || len(start.Layers) != 1 || len(start.Layers[0].Heads) != 2 {
		t.Fatalf("attention at start = %+v, want one layer of 2 heads", start)
	}
	if len(start.Tokens) != 6 {
		t.Errorf("tokens = %v, want 6 (3 symbols, the separator, 2 answers)", start.Tokens)
	}
	for _, h := range start.Layers[0].Heads {
		if h.Probs != nil {
			t.Errorf("head %d has probabilities before any step", h.Head)
		}
	}
	if e := w.Handle(&protocol.Request{Type: protocol.TypeRun, ID: 2, To: protocol.RunToForward}); e != nil {
		t.Fatal(e)
	}
	a := last[*protocol.Attention](rec.take())
	if !a.Layers[0].Causal || a.Layers[0].Cross {
		t.Errorf("decoder self-attention: causal %v cross %v, want causal and not cross", a.Layers[0].Causal, a.Layers[0].Cross)
	}
	for _, h := range a.Layers[0].Heads {
		if h.Probs == nil || h.Probs.Rows != 6 || h.Probs.Cols != 6 {
			t.Fatalf("head %d probs = %+v, want 6x6", h.Head, h.Probs)
		}
		for i := range 6 {
			sum := 0.0
			for j := range 6 {
				p := h.Probs.Data[i*6+j]
				sum += p
				if j > i && (p != 0 || !h.Mask[i][j]) {
					t.Errorf("head %d: probs[%d][%d] = %v mask %v, want 0 and masked", h.Head, i, j, p, h.Mask[i][j])
				}
			}
			// 1e-12: six float64 terms of a softmax row.
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("head %d: row %d sums to %v, want 1", h.Head, i, sum)
			}
		}
	}
}
