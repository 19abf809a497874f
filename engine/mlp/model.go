package mlp

import (
	"fmt"
	"math"
	"slices"

	"stepgraph/engine"
)

// Model is an MLP's configuration and parameters. The parameters live here,
// outside any graph: every graph that Build returns shares these tensors.
type Model struct {
	Config
	Params map[string]*engine.Tensor // "layers.0.w" [d_0, d_1], "layers.0.b" [d_1], ...
	Order  []string                  // parameter names layer by layer, w before b
}

// New validates cfg and returns a model whose parameters are drawn from a
// Mulberry32 seeded with seed. Layer by layer, first every entry of W_l and
// then every entry of b_l is uniform in ±1/sqrt(d_l), d_l being the layer's
// fan-in (the default of the common deep-learning libraries), and rounded
// to float32 like the spec's draws, so a fresh model saves to F32 exactly.
func New(cfg Config, seed uint32) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("mlp config: %w", err)
	}
	cfg.Hidden = slices.Clone(cfg.Hidden)
	m := &Model{Config: cfg, Params: map[string]*engine.Tensor{}}
	rng := engine.NewMulberry32(seed)
	w := cfg.Widths()
	for l := 0; l+1 < len(w); l++ {
		a := 1 / math.Sqrt(float64(w[l]))
		m.addParam(rng, a, layerName(l, "w"), w[l], w[l+1])
		m.addParam(rng, a, layerName(l, "b"), w[l+1])
	}
	return m, nil
}

// addParam draws a new parameter uniform in ±a.
func (m *Model) addParam(rng *engine.Mulberry32, a float64, name string, shape ...int) {
	m.Params[name] = engine.UniformTensor(rng, a, 0, shape...)
	m.Order = append(m.Order, name)
}

// layerName returns "layers.<l>.<part>".
func layerName(l int, part string) string { return fmt.Sprintf("layers.%d.%s", l, part) }

// SetParams copies values into the model's parameters, so graphs built
// earlier see them. src must hold exactly the model's parameter names, each
// with the model's shape; otherwise nothing is copied and an error returned.
func (m *Model) SetParams(src map[string]*engine.Tensor) error {
	return engine.CopyParams(m.Params, m.Order, src)
}

// Build returns a new graph of the model for batch examples, or an error if
// batch is outside [1, MaxBatch].
//
// Its inputs are "x" [B, Inputs] and the class targets "y" [B] (as
// float64). Its parameter nodes come in m.Order and share m.Params. Hidden
// layer l adds the nodes "layers.l.linear" (h W), "layers.l.affine"
// (+ b) and "layers.l.act"; the last layer adds "layers.L.linear" and
// "logits" [B, Classes]. The loss node "loss" is the mean cross-entropy;
// with an L2 strength above 0 it is "ce" (the mean cross-entropy) plus
// "l2", the penalty (λ/2) Σ W² of every weight matrix, so that the graph
// shows the whole loss training descends.
func (m *Model) Build(batch int) (*engine.Graph, error) {
	if batch < 1 || batch > MaxBatch {
		return nil, fmt.Errorf("build: batch %d outside [1, %d]", batch, MaxBatch)
	}
	g := engine.NewGraph()
	x := g.Input("x", batch, m.Inputs) // [B, d_0]
	y := g.Input("y", batch)           // [B]
	params := map[string]*engine.Node{}
	for _, name := range m.Order {
		params[name] = g.Param(name, m.Params[name])
	}
	h := x
	last := len(m.Hidden)
	for l := 0; l <= last; l++ {
		z := g.Apply(layerName(l, "linear"), &engine.MatMul{}, h, params[layerName(l, "w")]) // [B, d_{l+1}]
		if l == last {
			h = g.Apply("logits", &engine.Add{}, z, params[layerName(l, "b")]) // [B, Classes]
			break
		}
		z = g.Apply(layerName(l, "affine"), &engine.Add{}, z, params[layerName(l, "b")]) // [B, d_{l+1}]
		h = g.Apply(layerName(l, "act"), engine.ActivationByName(m.Act), z)              // [B, d_{l+1}]
	}
	if m.L2 == 0 {
		g.Loss("loss", &engine.CrossEntropy{}, h, y) // [], mean over the batch
		return g, nil
	}
	ce := g.Apply("ce", &engine.CrossEntropy{}, h, y) // [], mean over the batch
	var ws []*engine.Node
	for l := 0; l <= last; l++ {
		ws = append(ws, params[layerName(l, "w")])
	}
	l2 := g.Apply("l2", engine.NewL2Penalty(m.L2), ws...) // [], (λ/2) Σ W²
	g.Loss("loss", &engine.Add{}, ce, l2)                 // [], ce + l2
	return g, nil
}
