package transformer_test

import (
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/optim"
	"stepgraph/engine/transformer"
)

// benchModels are the performance targets of docs/perf.md: decoder-only
// models with dff = 4d, ReLU, MaxLen = T, trained with Adam at lr 1e-3.
var benchModels = []struct {
	name                       string
	d, heads, layers, T, V, bs int
}{
	{"small", 32, 4, 2, 16, 32, 1},
	{"medium", 64, 4, 2, 32, 64, 8},
	{"large", 128, 8, 4, 64, 96, 16},
}

// benchGraph builds one benchmark model's graph and feeds it a batch of the
// spec's random data.
func benchGraph(b *testing.B, d, heads, layers, T, V, bs int) *engine.Graph {
	b.Helper()
	cfg := transformer.Config{Variant: transformer.Decoder, V: V, D: d, Heads: heads, DFF: 4 * d,
		Layers: layers, MaxLen: T, Act: "relu"}
	m, err := transformer.New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	g, err := m.Build(bs, T, 0)
	if err != nil {
		b.Fatal(err)
	}
	batch := transformer.DrawBatch(cfg, engine.NewMulberry32(2), bs, T, 0)
	if err := m.Feed(g, batch); err != nil {
		b.Fatal(err)
	}
	return g
}

// matmulFlops counts the floating-point operations of the graph's matrix
// products in one forward pass: 2 m n k for each [m, k] x [k, n].
func matmulFlops(g *engine.Graph) float64 {
	var f float64
	for _, n := range g.Nodes {
		if _, ok := n.Op.(*engine.MatMul); ok {
			k := n.Inputs[0].Shape[len(n.Inputs[0].Shape)-1]
			f += 2 * float64(n.Value.Size()) * float64(k)
		}
	}
	return f
}

// BenchmarkTrainStep times one training step: forward, backward and an
// Adam update on one batch. The matmul-GFLOP/s metric counts the matrix
// products only (the backward pass does two per forward one).
func BenchmarkTrainStep(b *testing.B) {
	for _, c := range benchModels {
		b.Run(c.name, func(b *testing.B) {
			g := benchGraph(b, c.d, c.heads, c.layers, c.T, c.V, c.bs)
			opt := optim.NewAdam(1e-3)
			optim.TrainStep(g, opt) // the first step allocates Adam's moments
			b.ReportAllocs()
			for b.Loop() {
				optim.TrainStep(g, opt)
			}
			per := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(per*1e3, "ms/step")
			b.ReportMetric(3*matmulFlops(g)/per/1e9, "matmul-GFLOP/s")
		})
	}
}

// BenchmarkForward times one forward pass, loss included.
func BenchmarkForward(b *testing.B) {
	for _, c := range benchModels {
		b.Run(c.name, func(b *testing.B) {
			g := benchGraph(b, c.d, c.heads, c.layers, c.T, c.V, c.bs)
			b.ReportAllocs()
			for b.Loop() {
				g.Forward()
			}
			per := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(per*1e3, "ms/op")
			b.ReportMetric(matmulFlops(g)/per/1e9, "matmul-GFLOP/s")
		})
	}
}
