package exhibit

import "testing"

// BenchmarkLabMaskRecompute times the engine's part of one mask edit of
// the default lab, with the cursor at the end of the timeline: the
// pattern changed in place, the forward pass from the first mask node and
// the whole backward pass recomputed (Stepper.Refresh).
func BenchmarkLabMaskRecompute(b *testing.B) {
	lab := build[*Lab](b, "lab", nil)
	lab.Stepping().RunToEnd()
	if _, e := lab.EditMask(MaskEdit{Attention: "layers.0.attn", Row: 3, Col: 1}); e != nil {
		b.Fatal(e)
	}
	i := 0
	for b.Loop() {
		if _, e := lab.EditMask(MaskEdit{Attention: "layers.0.attn", Row: 3, Col: 1, Allowed: i%2 == 0}); e != nil {
			b.Fatal(e)
		}
		i++
	}
}
