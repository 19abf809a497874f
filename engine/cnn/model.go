package cnn

import (
	"fmt"
	"math"
	"slices"

	"stepgraph/engine"
)

// Model is a CNN's configuration and parameters. The parameters live here,
// outside any graph: every graph that Build returns shares these tensors.
type Model struct {
	Config
	Params map[string]*engine.Tensor // "convs.0.w" [C_out, C_in, k, k], "convs.0.b", ..., "fc.0.w" [d_in, d_out], "fc.0.b", ...
	Order  []string                  // parameter names, convolutions first, then the linear layers, w before b
}

// New validates cfg and returns a model whose parameters are drawn from a
// Mulberry32 seeded with seed. Layer by layer, first every entry of W and
// then every entry of b is uniform in ±1/sqrt(fan-in), where the fan-in is
// C_in k k for a convolution and d_in for a linear layer (the default of
// the common deep-learning libraries), rounded to float32 like the spec's
// draws, so a fresh model saves to F32 exactly.
func New(cfg Config, seed uint32) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("cnn config: %w", err)
	}
	cfg.Convs, cfg.Hidden = slices.Clone(cfg.Convs), slices.Clone(cfg.Hidden)
	m := &Model{Config: cfg, Params: map[string]*engine.Tensor{}}
	rng := engine.NewMulberry32(seed)
	cin := cfg.Channels
	for i, cv := range cfg.Convs {
		a := 1 / math.Sqrt(float64(cin*cv.Kernel*cv.Kernel))
		m.addParam(rng, a, convName(i, "w"), cv.Out, cin, cv.Kernel, cv.Kernel)
		m.addParam(rng, a, convName(i, "b"), cv.Out)
		cin = cv.Out
	}
	w := cfg.widths()
	for l := 0; l+1 < len(w); l++ {
		a := 1 / math.Sqrt(float64(w[l]))
		m.addParam(rng, a, fcName(l, "w"), w[l], w[l+1])
		m.addParam(rng, a, fcName(l, "b"), w[l+1])
	}
	return m, nil
}

// addParam draws a new parameter uniform in ±a.
func (m *Model) addParam(rng *engine.Mulberry32, a float64, name string, shape ...int) {
	m.Params[name] = engine.UniformTensor(rng, a, 0, shape...)
	m.Order = append(m.Order, name)
}

// convName returns "convs.<i>.<part>"; fcName returns "fc.<l>.<part>".
func convName(i int, part string) string { return fmt.Sprintf("convs.%d.%s", i, part) }
func fcName(l int, part string) string   { return fmt.Sprintf("fc.%d.%s", l, part) }

// SetParams copies values into the model's parameters, so graphs built
// earlier see them. src must hold exactly the model's parameter names, each
// with the model's shape; otherwise nothing is copied and an error returned.
func (m *Model) SetParams(src map[string]*engine.Tensor) error {
	return engine.CopyParams(m.Params, m.Order, src)
}

// Build returns a new graph of the model for batch images, or an error if
// batch is outside [1, MaxBatch].
//
// Its inputs are the images "x" [B, Channels, Size, Size] and the class
// targets "y" [B] (as float64). Its parameter nodes come in m.Order and
// share m.Params. Convolution layer i adds the nodes "convs.i.conv" (with
// its bias), "convs.i.act" and, unless Pool is "none", "convs.i.pool";
// then come "flatten" [B, Features], and for each hidden linear layer l
// "fc.l.linear", "fc.l.affine" and "fc.l.act"; the last linear layer adds
// "fc.L.linear" and "logits" [B, Classes]. The loss node "loss" is the mean
// cross-entropy.
func (m *Model) Build(batch int) (*engine.Graph, error) {
	if batch < 1 || batch > MaxBatch {
		return nil, fmt.Errorf("build: batch %d outside [1, %d]", batch, MaxBatch)
	}
	g := engine.NewGraph()
	x := g.Input("x", batch, m.Channels, m.Size, m.Size) // [B, C, S, S]
	y := g.Input("y", batch)                             // [B]
	p := map[string]*engine.Node{}
	for _, name := range m.Order {
		p[name] = g.Param(name, m.Params[name])
	}
	h := x
	for i, cv := range m.Convs {
		conv := &engine.Conv2D{Stride: cv.Stride, Pad: cv.Pad}
		h = g.Apply(convName(i, "conv"), conv, h, p[convName(i, "w")], p[convName(i, "b")]) // [B, C_out, H', W']
		h = g.Apply(convName(i, "act"), engine.ActivationByName(m.Act), h)                  // [B, C_out, H', W']
		switch m.Pool {
		case "max":
			h = g.Apply(convName(i, "pool"), &engine.MaxPool2D{Size: m.PoolSize, Stride: m.PoolSize}, h) // [B, C_out, H'/s, W'/s]
		case "avg":
			h = g.Apply(convName(i, "pool"), &engine.AvgPool2D{Size: m.PoolSize, Stride: m.PoolSize}, h) // [B, C_out, H'/s, W'/s]
		}
	}
	h = g.Apply("flatten", &engine.Flatten{}, h) // [B, Features]
	last := len(m.Hidden)
	for l := 0; l <= last; l++ {
		z := g.Apply(fcName(l, "linear"), &engine.MatMul{}, h, p[fcName(l, "w")]) // [B, d_{l+1}]
		if l == last {
			h = g.Apply("logits", &engine.Add{}, z, p[fcName(l, "b")]) // [B, Classes]
			break
		}
		z = g.Apply(fcName(l, "affine"), &engine.Add{}, z, p[fcName(l, "b")]) // [B, d_{l+1}]
		h = g.Apply(fcName(l, "act"), engine.ActivationByName(m.Act), z)      // [B, d_{l+1}]
	}
	g.Loss("loss", &engine.CrossEntropy{}, h, y) // [], mean over the batch
	return g, nil
}
