package exhibit

import "stepgraph/engine"

// KernelSlide is one kernel of the first convolution sliding over the
// stepped image, with the multiply-add of every output cell: for output
// channel 0 of convs.0.conv, kernel W [k, k] (the image has one channel),
// the zero-padded image P [H + 2·pad, W + 2·pad], and for output cell
// (r, c) the window P[s·r + u, s·c + v], u, v in [0, k), whose products
// with W, plus the bias b, give the cell:
//
//	Y[r, c] = b + Σ_{u,v} W[u, v] · P[s·r + u, s·c + v]
type KernelSlide struct {
	Kernel, Stride, Pad int
	Bias                float64
	Padded              Map // P, [H + 2·pad, W + 2·pad]
	Weight              Map // W of output channel 0, [k, k]
	Output              Map // Y, channel 0 of convs.0.conv as the engine computed it, [H', W']
	// Terms are the products W[u, v] · P[s·r + u, s·c + v] of each output
	// cell, cell r·W' + c, kernel cell u·k + v within it.
	Terms [][]float64
	// Sums are b plus the sum of each cell's terms, computed here in
	// float64: they equal Output up to the order of the additions.
	Sums []float64
}

// slide returns the first convolution's kernel slide once convs.0.conv is
// computed in the current run, else nil.
func (c *CNN) slide() *KernelSlide {
	s, g := c.step, c.step.g
	conv := g.MustNode("convs.0.conv")
	if !s.st.ForwardDone(conv) {
		return nil
	}
	x, w, b := g.MustNode("x").Value, g.MustNode("convs.0.w").Value, g.MustNode("convs.0.b").Value // [1, 1, H, W], [C, 1, k, k], [C]
	k, stride, pad := w.Shape[2], c.values.Int("stride"), c.values.Int("pad")
	h, wd := x.Shape[2], x.Shape[3]
	p := engine.New(h+2*pad, wd+2*pad) // [H + 2 pad, W + 2 pad]
	for r := range h {
		for q := range wd {
			p.Data[(r+pad)*(wd+2*pad)+q+pad] = x.Data[r*wd+q]
		}
	}
	kernel := engine.New(k, k) // [k, k], output channel 0
	copy(kernel.Data, w.Data[:k*k])
	out := engine.New(conv.Shape[2], conv.Shape[3]) // [H', W'], output channel 0
	copy(out.Data, conv.Value.Data[:len(out.Data)])
	sl := &KernelSlide{Kernel: k, Stride: stride, Pad: pad, Bias: b.Data[0], Padded: Map{Tensor: p}, Weight: Map{Tensor: kernel}, Output: Map{Tensor: out}}
	ho, wo := out.Shape[0], out.Shape[1]
	for r := range ho {
		for q := range wo {
			terms := make([]float64, k*k)
			sum := sl.Bias
			for u := range k {
				for v := range k {
					t := kernel.Data[u*k+v] * p.Data[(stride*r+u)*p.Shape[1]+stride*q+v]
					terms[u*k+v] = t
					sum += t
				}
			}
			sl.Terms = append(sl.Terms, terms)
			sl.Sums = append(sl.Sums, sum)
		}
	}
	return sl
}
