package viz_test

import (
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/transformer"
	"stepgraph/viz"
)

// benchCases are the graphs of the layout benchmarks: "lab" is the default
// lab model (decoder, d 16, 2 heads, 1 layer, T 6, V 8); "4x8" the largest
// the layout aims at (4 layers of 8 heads, target under 5 ms); "encdec" a
// 2+2-layer encoder-decoder.
var benchCases = []struct {
	name    string
	cfg     transformer.Config
	T, tSrc int
}{
	{"lab", transformer.Config{Variant: "decoder", V: 8, D: 16, Heads: 2, DFF: 64, Layers: 1, MaxLen: 6, Act: "relu"}, 6, 0},
	{"4x8", transformer.Config{Variant: "decoder", V: 8, D: 32, Heads: 8, DFF: 128, Layers: 4, MaxLen: 6, Act: "relu"}, 6, 0},
	{"encdec", transformer.Config{Variant: "encdec", V: 8, VSrc: 8, D: 16, Heads: 2, DFF: 64, LEnc: 2, LDec: 2, MaxLen: 6, Act: "relu"}, 6, 5},
}

// benchGraph builds the graph of one benchmark case.
func benchGraph(b *testing.B, cfg transformer.Config, T, tSrc int) *engine.Graph {
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

// BenchmarkLayoutGraph measures LayoutGraph, the work a hyperparameter
// change costs before the new graph can be sent.
func BenchmarkLayoutGraph(b *testing.B) {
	for _, c := range benchCases {
		g := benchGraph(b, c.cfg, c.T, c.tSrc)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				viz.LayoutGraph(g, viz.Options{})
			}
		})
	}
}

// BenchmarkGraphSVG measures drawing a layout as SVG.
func BenchmarkGraphSVG(b *testing.B) {
	for _, c := range benchCases {
		l := viz.LayoutGraph(benchGraph(b, c.cfg, c.T, c.tSrc), viz.Options{})
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				viz.GraphSVG(l)
			}
		})
	}
}
