package quant

import (
	"errors"
	"math"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/cnn"
	"stepgraph/engine/mlp"
	"stepgraph/engine/transformer"
)

// tinyTransformer returns a small transformer of the given variant and a
// function that builds a fresh graph of it, fed with one random batch.
func tinyTransformer(t *testing.T, variant string) (*transformer.Model, func() *engine.Graph) {
	t.Helper()
	cfg := transformer.Config{Variant: variant, V: 7, VSrc: 6, D: 8, Heads: 2, DFF: 16, Layers: 2, LEnc: 1, LDec: 1, MaxLen: 6, Act: "relu"}
	m, err := transformer.New(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	tSrc := 0
	if variant == transformer.EncDec {
		tSrc = 4
	}
	batch := transformer.DrawBatch(cfg, engine.NewMulberry32(4), 2, 5, tSrc)
	build := func() *engine.Graph {
		g, err := m.Build(2, 5, tSrc)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Feed(g, batch); err != nil {
			t.Fatal(err)
		}
		return g
	}
	return m, build
}

// weightNames returns the model's 2-D parameters read by a matmul: every
// 2-D parameter but the embedding tables.
func weightNames(m *transformer.Model) []string {
	var out []string
	for _, name := range m.Order {
		if m.Params[name].Rank() == 2 && !strings.HasSuffix(name, "_emb") {
			out = append(out, name)
		}
	}
	return out
}

// countMatMuls returns the number of MatMul nodes of g.
func countMatMuls(g *engine.Graph) int {
	n := 0
	for _, node := range g.Nodes {
		if _, ok := node.Op.(*engine.MatMul); ok {
			n++
		}
	}
	return n
}

func TestQATOnTransformers(t *testing.T) {
	for _, variant := range []string{transformer.Decoder, transformer.Encoder, transformer.EncDec} {
		t.Run(variant, func(t *testing.T) {
			m, build := tinyTransformer(t, variant)
			ref := build()
			refLoss := ref.Forward()
			g, err := QAT(build(), Int8Sym)
			if err != nil {
				t.Fatal(err)
			}
			// Every weight of SPEC section 2 read by a linear layer, and only
			// those, gets a fake-quant node, which the layer now reads.
			weights := weightNames(m)
			if got := len(Linears(ref)); got != len(weights) {
				t.Errorf("Linears(%s) = %d nodes, want one per weight (%d)", variant, got, len(weights))
			}
			for _, w := range weights {
				fq := g.Node(w + ".fq")
				if fq == nil {
					t.Errorf("QAT(%s): no node %q", variant, w+".fq")
					continue
				}
				if _, ok := fq.Op.(*engine.FakeQuant); !ok || fq.Inputs[0].Name != w {
					t.Errorf("QAT(%s): %q = %T of %q, want a fake-quant of %q", variant, fq.Name, fq.Op, fq.Inputs[0].Name, w)
				}
				if len(fq.Users) == 0 || !IsLinear(ref.MustNode(fq.Users[0].Name)) {
					t.Errorf("QAT(%s): %q is not read by a linear layer", variant, fq.Name)
				}
			}
			// Attention's products of two activations are left alone: the
			// QAT graph has the same matmuls.
			if a, b := countMatMuls(ref), countMatMuls(g); a != b {
				t.Errorf("QAT(%s) has %d matmuls, want %d", variant, b, a)
			}
			// Parameters stay trainable and shared with the model.
			for _, p := range g.Params() {
				if !p.NeedsGrad() || p.Value != m.Params[p.Name] {
					t.Errorf("QAT(%s): param %q trainable %v, shared %v; want both", variant, p.Name, p.NeedsGrad(), p.Value == m.Params[p.Name])
				}
			}
			// Fake quantization at int8 barely moves the loss: measured
			// differences are 1.3e-3 to 2.5e-3 for the three variants, so
			// 0.02 leaves a margin of about 10x.
			loss := g.Forward()
			t.Logf("QAT(%s) int8: loss %.6f, float %.6f", variant, loss, refLoss)
			if math.Abs(loss-refLoss) > 0.02 {
				t.Errorf("QAT(%s) loss %v, float %v", variant, loss, refLoss)
			}
			g.Backward()
			for _, w := range weights {
				if s := g.MustNode(w).Grad.Stats(); s.Norm == 0 {
					t.Errorf("QAT(%s): %q got no gradient through its fake-quant node", variant, w)
				}
			}
		})
	}
}

func TestDynamicOnTransformer(t *testing.T) {
	m, build := tinyTransformer(t, transformer.Decoder)
	ref := build()
	refLoss := ref.Forward()
	g, err := Dynamic(build(), Int8SymChannel)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range weightNames(m) {
		q := g.Node(w + ".q")
		if q == nil {
			t.Errorf("Dynamic: no node %q", w+".q")
			continue
		}
		for i, v := range q.Value.Data {
			if v != math.Trunc(v) || v < -127 || v > 127 {
				t.Fatalf("Dynamic: %s[%d] = %v, want an integer in [-127, 127]", q.Name, i, v)
			}
		}
		if _, ok := q.Users[0].Op.(*QMatMul); !ok {
			t.Errorf("Dynamic: %q is read by %T, want *QMatMul", q.Name, q.Users[0].Op)
		}
	}
	for _, n := range g.Nodes {
		if n.NeedsGrad() && n.Kind != engine.KindLoss {
			t.Errorf("Dynamic: node %q has a gradient; an inference graph wants none", n.Name)
		}
	}
	// Measured difference 1.6e-4 (per-row activation grids are finer than
	// QAT's per-tensor ones); 0.02 as for QAT.
	loss := g.Forward()
	t.Logf("Dynamic int8 per-channel: loss %.6f, float %.6f", loss, refLoss)
	if math.Abs(loss-refLoss) > 0.02 {
		t.Errorf("Dynamic loss %v, float %v", loss, refLoss)
	}
	// The per-node report pairs every node with its float twin.
	errs := Compare(ref, g)
	if len(errs) == 0 {
		t.Fatal("Compare found no common node")
	}
	for _, e := range errs {
		if e.Name == "logits" {
			t.Logf("Dynamic logits: %v", e.Error)
		}
		// Measured 44 dB; 20 dB would already be a visible loss.
		if e.Name == "logits" && !(e.SQNR > 20) {
			t.Errorf("Dynamic logits: %v, want SQNR > 20 dB", e.Error)
		}
	}
}

func TestPassErrors(t *testing.T) {
	m, err := mlp.New(mlp.Config{Inputs: 2, Hidden: []int{4}, Classes: 2, Act: "relu"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	build := func() *engine.Graph { g, _ := m.Build(3); return g }
	noLinear := engine.NewGraph()
	x := noLinear.Input("x", 2, 3)
	noLinear.Loss("loss", &engine.CrossEntropy{}, x, noLinear.Input("y", 2))
	bad := Scheme{Bits: 3, Symmetric: true}
	calErr := errors.New("no data")
	for name, run := range map[string]func() error{
		"dynamic bad scheme": func() error { _, err := Dynamic(build(), bad); return err },
		"static bad scheme":  func() error { _, err := Static(build(), bad, nil, nil); return err },
		"qat bad scheme":     func() error { _, err := QAT(build(), bad); return err },
		"dynamic no linear":  func() error { _, err := Dynamic(noLinear, Int8Sym); return err },
		"calibrate fails": func() error {
			_, err := Static(build(), Int8Sym, nil, func(*engine.Graph) error { return calErr })
			if !errors.Is(err, calErr) {
				t.Errorf("Static error %v does not wrap the calibration error", err)
			}
			return err
		},
		"never observed": func() error {
			_, err := Static(build(), Int8Sym, nil, func(*engine.Graph) error { return nil })
			return err
		},
		"convert unobserved": func() error {
			qat, _ := QAT(build(), Int8Sym)
			_, err := Convert(qat, build(), Int8Sym)
			return err
		},
	} {
		if err := run(); err == nil {
			t.Errorf("%s: error = nil, want an error", name)
		}
	}
}

func TestDynamicOnCNN(t *testing.T) {
	// Only the fully-connected layers are matmuls by a weight: the
	// convolutions stay float.
	m, err := cnn.New(cnn.Config{Size: 8, Channels: 1, Convs: []cnn.Conv{{Out: 2, Kernel: 3, Stride: 1, Pad: 1}}, Pool: "max", PoolSize: 2, Act: "relu", Hidden: []int{6}, Classes: 3}, 1)
	if err != nil {
		t.Fatal(err)
	}
	build := func() *engine.Graph {
		g, _ := m.Build(2)
		x := g.MustNode("x").Value
		copy(x.Data, randTensor(5, 1, x.Shape...).Data)
		return g
	}
	ref := build()
	ref.Forward()
	g, err := Dynamic(build(), Int8Sym)
	if err != nil {
		t.Fatal(err)
	}
	g.Forward()
	for _, name := range []string{"fc.0.w.q", "fc.1.w.q"} {
		if g.Node(name) == nil {
			t.Errorf("Dynamic(cnn): no node %q", name)
		}
	}
	if g.Node("convs.0.w.q") != nil {
		t.Error("Dynamic(cnn) quantized a convolution")
	}
	for _, e := range Compare(ref, g) {
		// A convolution is copied unchanged, so its output is exact.
		if e.Name == "convs.0.conv" && e.MSE != 0 {
			t.Errorf("Dynamic(cnn): %s changed: %v", e.Name, e.Error)
		}
		// Measured 51.6 dB for the logits of this tiny net; 25 is a loose bar.
		if e.Name == "logits" && !(e.SQNR > 25) {
			t.Errorf("Dynamic(cnn) logits: %v, want SQNR > 25 dB", e.Error)
		}
	}
}
