package transformer

// GraphFloats returns how many float64 values a graph from Build(batch, T,
// tSrc) allocates: every op node's value and gradient, the inputs' values
// and the parameters' gradients (parameter values belong to the model and
// are shared). Build refuses a graph above MaxGraphFloats. The count
// follows the layers node by node; a test checks it against real graphs.
func GraphFloats(c Config, batch, T, tSrc int) int {
	d, dff, h := c.D, c.DFF, c.Heads
	// attention counts the nodes of attention with Tq queries and Tk keys:
	// q, k, v (matmul and bias each), per head q, k, v, q_scaled, out,
	// scores and probs (and masked), then concat and out (matmul and bias).
	attention := func(tq, tk int, causal bool) int {
		nq, nk := batch*tq, batch*tk
		maps := 2
		if causal {
			maps = 3
		}
		return 8*nq*d + 6*nk*d + maps*h*batch*tq*tk
	}
	// ffn: hidden (matmul and bias), act, out (matmul and bias).
	ffn := func(n int) int { return 3*n*dff + 2*n*d }
	embed := func(t int) int { return 2*batch*t*d + t*d }

	n := batch * T
	ops := 0
	inputs := 2*n + T // input_ids, target_ids, positions
	switch c.Variant {
	case EncDec:
		ns := batch * tSrc
		inputs += ns + tSrc // src_ids, src_positions
		ops += embed(tSrc)
		for range c.LEnc {
			ops += 4*ns*d + attention(tSrc, tSrc, false) + ffn(ns) // ln1, resid1, ln2, resid2
		}
		ops += ns*d + embed(T) // enc.ln_f
		for range c.LDec {
			ops += 6*n*d + attention(T, T, c.causal()) + attention(T, tSrc, false) + ffn(n)
		}
	default:
		ops += embed(T)
		for range c.Layers {
			ops += 4*n*d + attention(T, T, c.Variant == Decoder && c.causal()) + ffn(n)
		}
	}
	ops += n*d + 2*n*c.V + 1 // ln_f, logits (matmul and bias), loss
	params := 0
	for _, p := range paramSpecs(c) {
		size := 1
		for _, s := range p.shape {
			size *= s
		}
		params += size
	}
	return 2*ops + inputs + params
}
