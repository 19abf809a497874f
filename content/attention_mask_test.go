package content_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"stepgraph/exhibit"
)

// TestAttentionLessonMasks checks what the attention lesson says about its
// mask editor widget, on the exhibit its block runs: blocking one cell
// changes only that query's row, which still sums to 1; padding with a
// length of 4 zeroes the last two columns for every query and lets the
// first rows read tokens after their own; blocking every key of the first
// row is refused, and names the row.
func TestAttentionLessonMasks(t *testing.T) {
	var block *exhibit.Attention
	for _, w := range lessonWidgets(t, "attention") {
		if w.Options["mask"] == "edit" {
			block = buildWidget[*exhibit.Attention](t, w)
		}
	}
	if block == nil {
		t.Fatal("the attention lesson has no widget with mask: edit")
	}
	ed := exhibit.MaskEditor(block)
	block.Stepping().RunForward()
	probs := func(h int) []float64 {
		return append([]float64(nil), block.Stepping().Graph().MustNode(fmt.Sprintf("layers.0.attn.head.%d.probs", h)).Value.Data...)
	}
	const T = 6 // the decoder reads 2n = 6 tokens
	before := [2][]float64{probs(0), probs(1)}
	if _, e := ed.EditMask(exhibit.MaskEdit{Attention: "layers.0.attn", Row: 3, Col: 1}); e != nil {
		t.Fatal(e)
	}
	for h := range 2 {
		p := probs(h)
		if len(p) != T*T {
			t.Fatalf("head %d: %d probabilities, want %d×%d", h, len(p), T, T)
		}
		for i := range T {
			sum := 0.0
			for k := range T {
				sum += p[i*T+k]
				if i != 3 && p[i*T+k] != before[h][i*T+k] {
					t.Errorf("head %d: row %d changed, only row 3 should", h, i)
				}
			}
			if math.Abs(sum-1) > 1e-12 { // six rounded terms
				t.Errorf("head %d row %d sums to %v, want 1", h, i, sum)
			}
		}
	}
	if _, e := ed.EditMask(exhibit.MaskEdit{Attention: "layers.0.attn", Preset: exhibit.MaskPadding, Length: 4}); e != nil {
		t.Fatal(e)
	}
	for h := range 2 {
		p := probs(h)
		for i := range T {
			if p[i*T+4] != 0 || p[i*T+5] != 0 {
				t.Errorf("head %d row %d after padding 4: keys 4 and 5 = %v, %v, want 0", h, i, p[i*T+4], p[i*T+5])
			}
		}
		if p[1] == 0 || p[2] == 0 {
			t.Errorf("head %d row 0 after padding 4 = %v: it should read tokens after its own", h, p[:T])
		}
	}
	if _, e := ed.EditMask(exhibit.MaskEdit{Attention: "layers.0.attn", Preset: exhibit.MaskCausal}); e != nil {
		t.Fatal(e)
	}
	if _, e := ed.EditMask(exhibit.MaskEdit{Attention: "layers.0.attn", Row: 0, Col: 0}); e == nil || e.Code != exhibit.BlockedRow || !strings.Contains(e.Message, "row 0") {
		t.Errorf("blocking the first row's only key = %v, want a blocked-row refusal", e)
	}
}
