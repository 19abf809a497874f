package viz_test

import (
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/transformer"
	"stepgraph/viz"
)

// benchModel builds the graph of a transformer for the layout benchmarks.
func benchModel(b *testing.B, cfg transformer.Config, T, tSrc int) *engine.Graph {
	b.Helper()
	m, err := transformer.New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	g, err := m.Build(1, T, tSrc)
	if err != nil {
		b.Fatal(err)
	}
	return g
}

// BenchmarkLayoutGraph measures LayoutGraph plus GraphSVG, the work a
// hyperparameter change costs before the new graph can be sent. "lab" is
// the default lab model; "4x8" the largest the layout aims at (4 layers of
// 8 heads, target under 5 ms); "encdec" a 2+2-layer encoder-decoder.
func BenchmarkLayoutGraph(b *testing.B) {
	cases := []struct {
		name    string
		cfg     transformer.Config
		T, tSrc int
	}{
		{"lab", transformer.Config{Variant: "decoder", V: 8, D: 16, Heads: 2, DFF: 64, Layers: 1, MaxLen: 6, Act: "relu"}, 6, 0},
		{"4x8", transformer.Config{Variant: "decoder", V: 8, D: 32, Heads: 8, DFF: 128, Layers: 4, MaxLen: 6, Act: "relu"}, 6, 0},
		{"encdec", transformer.Config{Variant: "encdec", V: 8, VSrc: 8, D: 16, Heads: 2, DFF: 64, LEnc: 2, LDec: 2, MaxLen: 6, Act: "relu"}, 6, 5},
	}
	for _, c := range cases {
		g := benchModel(b, c.cfg, c.T, c.tSrc)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				viz.GraphSVG(viz.LayoutGraph(g, viz.Options{}))
			}
		})
	}
}
