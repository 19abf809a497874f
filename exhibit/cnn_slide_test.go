package exhibit

import (
	"math"
	"testing"
)

// TestCNNSlide checks the kernel slide against the engine: for several
// strides and paddings, once convs.0.conv is computed, every output cell's
// multiply-add (b plus its k² products) equals the engine's value of
// channel 0, and each product is the kernel's weight times the padded
// image's pixel under it. Before the conv is computed, or with another
// node highlighted, there is no slide.
func TestCNNSlide(t *testing.T) {
	for _, opts := range []map[string]string{
		{},
		{"stride": "2", "pad": "0", "kernel": "3"},
		{"stride": "3", "pad": "2", "kernel": "5", "size": "11"},
	} {
		c := build[*CNN](t, "cnn", opts)
		if c.Maps().Slide != nil {
			t.Errorf("%v: a slide before any step", opts)
		}
		c.Stepping().Next(1) // convs.0.conv: its inputs are ready
		m := c.Maps()
		if m.Node != "convs.0.conv" || m.Slide == nil {
			t.Fatalf("%v: after one step node %q, slide %v; want convs.0.conv and a slide", opts, m.Node, m.Slide)
		}
		sl, g := m.Slide, c.step.g
		conv, x := g.MustNode("convs.0.conv").Value, g.MustNode("x").Value // [1, C, H', W'], [1, 1, H, W]
		ho, wo := conv.Shape[2], conv.Shape[3]
		if len(sl.Sums) != ho*wo || sl.Output.Tensor.Shape[0] != ho || sl.Output.Tensor.Shape[1] != wo {
			t.Fatalf("%v: %d sums, output %v; want %d×%d", opts, len(sl.Sums), sl.Output.Tensor.Shape, ho, wo)
		}
		k, s, p := sl.Kernel, sl.Stride, sl.Pad
		for r := range ho {
			for q := range wo {
				// A sum of at most 26 terms of size about 1: the engine's
				// im2col product adds them in another order, within 1e-12.
				if got, want := sl.Sums[r*wo+q], conv.At(0, 0, r, q); math.Abs(got-want) > 1e-12 {
					t.Errorf("%v: cell (%d, %d) multiply-add %v, engine %v", opts, r, q, got, want)
				}
				for u := range k {
					for v := range k {
						i, j := s*r+u-p, s*q+v-p
						pixel := 0.0
						if i >= 0 && j >= 0 && i < x.Shape[2] && j < x.Shape[3] {
							pixel = x.At(0, 0, i, j)
						}
						if got, want := sl.Terms[r*wo+q][u*k+v], g.MustNode("convs.0.w").Value.At(0, 0, u, v)*pixel; got != want {
							t.Fatalf("%v: cell (%d, %d) term (%d, %d) = %v, want %v", opts, r, q, u, v, got, want)
						}
					}
				}
			}
		}
		c.Stepping().Next(1)
		if c.Maps().Slide != nil {
			t.Errorf("%v: a slide with %s highlighted", opts, c.Maps().Node)
		}
	}
}
