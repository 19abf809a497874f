package transformer

import (
	"fmt"
	"math"
	"strings"

	"stepgraph/engine"
)

// paramSpec is one parameter's name and shape.
type paramSpec struct {
	name  string
	shape []int
}

// paramSpecs lists the parameters in the order of SPEC.md section 2, which
// is also the order the initialiser fills them in.
func paramSpecs(c Config) []paramSpec {
	d, dff := c.D, c.DFF
	var ps []paramSpec
	add := func(name string, shape ...int) { ps = append(ps, paramSpec{name, shape}) }
	ln := func(p string) { add(p+".g", d); add(p+".b", d) }
	attn := func(p string) {
		for _, x := range []string{"q", "k", "v", "o"} {
			add(p+".w"+x, d, d)
			add(p+".b"+x, d)
		}
	}
	ffn := func(p string) { add(p+".w1", d, dff); add(p+".b1", dff); add(p+".w2", dff, d); add(p+".b2", d) }
	selfBlock := func(p string) { ln(p + ".ln1"); attn(p + ".attn"); ln(p + ".ln2"); ffn(p + ".ffn") }

	switch c.Variant {
	case EncDec:
		add("enc.tok_emb", c.VSrc, d)
		add("enc.pos_emb", c.MaxLen, d)
		for l := range c.LEnc {
			selfBlock(fmt.Sprintf("enc.layers.%d", l))
		}
		ln("enc.ln_f")
		add("dec.tok_emb", c.V, d)
		add("dec.pos_emb", c.MaxLen, d)
		for l := range c.LDec {
			p := fmt.Sprintf("dec.layers.%d", l)
			ln(p + ".ln1")
			attn(p + ".self_attn")
			ln(p + ".ln2")
			attn(p + ".cross_attn")
			ln(p + ".ln3")
			ffn(p + ".ffn")
		}
		ln("dec.ln_f")
	default:
		add("tok_emb", c.V, d)
		add("pos_emb", c.MaxLen, d)
		for l := range c.Layers {
			selfBlock(fmt.Sprintf("layers.%d", l))
		}
		ln("ln_f")
	}
	add("head.w", d, c.V)
	add("head.b", c.V)
	return ps
}

// initRange returns the (a, center) of the uniform draw for a parameter,
// by the table of SPEC.md section 2.
func initRange(p paramSpec) (a, center float64) {
	switch {
	case strings.HasSuffix(p.name, "tok_emb"), strings.HasSuffix(p.name, "pos_emb"):
		return 0.5, 0
	case strings.HasSuffix(p.name, ".g"): // LayerNorm gain
		return 0.1, 1
	case len(p.shape) == 2: // any other weight [d_in, d_out]
		return 1 / math.Sqrt(float64(p.shape[0])), 0
	default: // LayerNorm biases, linear biases, head.b
		return 0.1, 0
	}
}

// initParams fills new tensors for every parameter, in spec order, from
// the stream rng: each element is rng.UniformF32(a, center), row-major.
func initParams(c Config, rng *engine.Mulberry32) (map[string]*engine.Tensor, []string) {
	specs := paramSpecs(c)
	params := make(map[string]*engine.Tensor, len(specs))
	order := make([]string, len(specs))
	for i, p := range specs {
		a, center := initRange(p)
		params[p.name] = engine.UniformTensor(rng, a, center, p.shape...)
		order[i] = p.name
	}
	return params, order
}
