package transformer_test

import (
	"strings"
	"testing"

	"stepgraph/engine/transformer"
)

// TestNoCausalMask builds the decoder-only and the encoder-decoder models
// with and without the causal mask, and checks what the switch changes:
// the graph loses its ".masked" nodes (and GraphFloats still counts it
// exactly), the parameters stay those of the seed, and the first position's
// logits now depend on the last input token, which the mask hides from it.
func TestNoCausalMask(t *testing.T) {
	for _, variant := range []string{transformer.Decoder, transformer.EncDec} {
		masked := tiny(variant, "relu")
		open := masked
		open.NoCausalMask = true
		mm, err := transformer.New(masked, 11)
		if err != nil {
			t.Fatal(err)
		}
		mo, err := transformer.New(open, 11)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range mm.Order {
			a, b := mm.Params[name].Data, mo.Params[name].Data
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("%s: param %s[%d] = %v without the mask, want %v as with it", variant, name, i, b[i], a[i])
				}
			}
		}
		const batch, T = 2, 5
		tSrc := srcLen(masked, 4)
		for _, c := range []struct {
			m      *transformer.Model
			causal bool
		}{{mm, true}, {mo, false}} {
			g, b := fedGraph(t, c.m, batch, T, tSrc, 12)
			nMasked := 0
			for _, n := range g.Nodes {
				if strings.HasSuffix(n.Name, ".masked") {
					nMasked++
				}
			}
			// The tiny decoder stacks have 2 layers of 2 heads.
			if want := map[bool]int{true: 4, false: 0}[c.causal]; nMasked != want {
				t.Errorf("%s causal=%v: %d masked nodes, want %d", variant, c.causal, nMasked, want)
			}
			for _, ref := range transformer.AttentionNodes(g) {
				if ref.Kind == "self" && ref.Stack != "enc" && ref.Causal != c.causal {
					t.Errorf("%s: %s head %d Causal = %v, want %v", variant, ref.Scope, ref.Head, ref.Causal, c.causal)
				}
			}
			n := countFloats(g)
			if got := transformer.GraphFloats(c.m.Config, batch, T, tSrc); got != n {
				t.Errorf("GraphFloats(%s, causal=%v) = %d, want %d (counted in the graph)", variant, c.causal, got, n)
			}

			// Change the last input token of row 0 and look at the
			// logits of position 0.
			g.Forward()
			logits := g.MustNode("logits").Value // [B, T, V]
			V := logits.Dim(-1)
			before := append([]float64(nil), logits.Data[:V]...)
			b.Input[0][T-1] = (b.Input[0][T-1] + 1) % c.m.V
			if err := c.m.Feed(g, b); err != nil {
				t.Fatal(err)
			}
			g.Forward()
			changed := false
			for j := range V {
				if logits.Data[j] != before[j] {
					changed = true
				}
			}
			if changed == c.causal {
				t.Errorf("%s causal=%v: position 0 depends on the last token: %v, want %v", variant, c.causal, changed, !c.causal)
			}
		}
	}
}
