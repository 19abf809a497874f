package transformer_test

import (
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
	"stepgraph/engine/transformer"
)

// TestNodeGradients checks d loss / d node for every node with a
// gradient, ops as well as parameters, of each variant, at a seeded sample
// of 8 elements of each, against central differences through the ops
// after the node (gradcheck.Node): what the Lab's Check does.
func TestNodeGradients(t *testing.T) {
	for _, variant := range []string{transformer.Decoder, transformer.Encoder, transformer.EncDec} {
		cfg := transformer.Config{Variant: variant, V: 5, VSrc: 6, D: 4, Heads: 2, DFF: 8,
			Layers: 2, LEnc: 1, LDec: 1, MaxLen: 5, Act: "gelu_tanh"}
		m, err := transformer.New(cfg, 17)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := fedGraph(t, m, 2, 4, srcLen(cfg, 3), 23)
		g.Forward()
		g.Backward()
		checked, worst := 0, 0.0
		for _, n := range g.Nodes {
			if n.Grad == nil || n.Kind == engine.KindLoss {
				continue
			}
			r := gradcheck.Node(g, n, gradcheck.Sample(n.Value.Size(), 8, uint32(n.ID)), gradcheck.Step)
			if !r.Match() {
				t.Errorf("%s: node %s disagrees: %+v", variant, n.Name, r.Entries)
			}
			checked++
			worst = max(worst, r.Worst)
		}
		if checked < 40 {
			t.Errorf("%s: %d nodes checked, want every node with a gradient", variant, checked)
		}
		t.Logf("%s: %d nodes, worst error %.2g", variant, checked, worst)
	}
}
