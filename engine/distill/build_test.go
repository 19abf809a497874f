package distill

import (
	"math"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
	"stepgraph/engine/mlp"
	"stepgraph/engine/transformer"
)

// models returns a teacher (2 -> 8 -> 8 -> 3) and a smaller student
// (2 -> 4 -> 3), both tanh so that finite differences see no kink.
func models(t *testing.T) (teacher, student *mlp.Model) {
	t.Helper()
	teacher, err := mlp.New(mlp.Config{Inputs: 2, Hidden: []int{8, 8}, Classes: 3, Act: "tanh"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	student, err = mlp.New(mlp.Config{Inputs: 2, Hidden: []int{4}, Classes: 3, Act: "tanh"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Sharper teacher logits than the initial ones, so that T matters.
	for _, p := range teacher.Params {
		for i := range p.Data {
			p.Data[i] *= 3
		}
	}
	return teacher, student
}

// feed fills the inputs "x" [B, 2] and "y" [B] of g from a seeded stream.
func feed(g *engine.Graph, seed uint32) {
	rng := engine.NewMulberry32(seed)
	x, y := g.MustNode("x").Value, g.MustNode("y").Value
	for i := range x.Data {
		x.Data[i] = 2*rng.Next() - 1
	}
	for i := range y.Data {
		y.Data[i] = float64(rng.Intn(3))
	}
}

func build(t *testing.T, teacher, student *mlp.Model, batch int, cfg Config) *engine.Graph {
	t.Helper()
	tg, _ := teacher.Build(batch)
	sg, _ := student.Build(batch)
	g, err := Build(tg, sg, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestBuildNamesAndRoles(t *testing.T) {
	teacher, student := models(t)
	g := build(t, teacher, student, 5, Config{Alpha: 0.7, T: 2})
	for _, name := range []string{"x", "y", "teacher.logits", "student.logits", "distill.kl", "distill.ce", "distill.loss", "teacher.layers.1.act", "student.layers.0.w"} {
		if g.Node(name) == nil {
			t.Errorf("Build: no node %q", name)
		}
	}
	if g.LossNode() != g.Node("distill.loss") {
		t.Errorf("Build: loss is %v, want distill.loss", g.LossNode())
	}
	for _, p := range g.Params() {
		teach := strings.HasPrefix(p.Name, "teacher.")
		model := student.Params
		if teach {
			model = teacher.Params
		}
		base := p.Name[strings.IndexByte(p.Name, '.')+1:]
		if p.Value != model[base] {
			t.Errorf("param %q does not share the model's tensor %q", p.Name, base)
		}
		if p.NeedsGrad() == teach {
			t.Errorf("param %q trainable = %v, want %v", p.Name, p.NeedsGrad(), !teach)
		}
	}
	// One input "x" feeds both models.
	x := g.MustNode("x")
	if len(x.Users) != 2 {
		t.Errorf("input x has %d users, want 2 (teacher and student)", len(x.Users))
	}
	feed(g, 9)
	g.Forward()
	g.Backward()
	for _, n := range g.Nodes {
		if strings.HasPrefix(n.Name, "teacher.") && n.NeedsGrad() {
			t.Errorf("teacher node %q has a gradient", n.Name)
		}
	}
}

func TestLossIsTheMix(t *testing.T) {
	// The combined loss against the two models run on their own graphs and
	// the KL divergence written out here.
	teacher, student := models(t)
	for _, cfg := range []Config{{Alpha: 0, T: 1}, {Alpha: 0.5, T: 2}, {Alpha: 1, T: 4}, {Alpha: 0.3, T: 0.5}} {
		g := build(t, teacher, student, 6, cfg)
		feed(g, 11)
		got := g.Forward()

		tg, _ := teacher.Build(6)
		sg, _ := student.Build(6)
		feed(tg, 11)
		feed(sg, 11)
		tg.Forward()
		ce := sg.Forward()
		zt, zs := tg.MustNode("logits").Value, sg.MustNode("logits").Value
		kl := 0.0
		for r := 0; r < 6; r++ {
			pt := softmax(zt.Data[3*r:3*r+3], cfg.T)
			ps := softmax(zs.Data[3*r:3*r+3], cfg.T)
			for c := range pt {
				kl += pt[c] * math.Log(pt[c]/ps[c])
			}
		}
		want := cfg.Alpha*cfg.T*cfg.T*kl/6 + (1-cfg.Alpha)*ce
		// 1e-12: the same float64 quantities summed in another order.
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("distill loss %+v = %v, want %v", cfg, got, want)
		}
	}
}

// softmax returns softmax(z / T).
func softmax(z []float64, temp float64) []float64 {
	p, sum := make([]float64, len(z)), 0.0
	for i, v := range z {
		p[i] = math.Exp(v / temp)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}

func TestDistillGradients(t *testing.T) {
	teacher, student := models(t)
	for _, cfg := range []Config{{Alpha: 0.5, T: 2}, {Alpha: 0.9, T: 4}, {Alpha: 0.2, T: 1}} {
		g := build(t, teacher, student, 4, cfg)
		feed(g, 13)
		// Central differences with h = 1e-5 on a smooth (tanh) graph are
		// accurate to about 1e-10; 1e-6 leaves a wide margin, as in the
		// engine's op tests.
		var names []string // the student's parameters; the teacher's are frozen
		for _, p := range g.Params() {
			if p.NeedsGrad() {
				names = append(names, p.Name)
			}
		}
		for _, m := range gradcheck.Graph(g, 1e-5, names...) {
			if m.Err > 1e-6 {
				t.Errorf("%+v: %v", cfg, m)
			}
		}
	}
}

func TestMixGradient(t *testing.T) {
	r := gradcheck.Random
	for _, alpha := range []float64{0, 0.25, 1} {
		// 1e-9: the mix is linear, so central differences are exact up to
		// rounding.
		for _, m := range gradcheck.Op(&Mix{Alpha: alpha}, 7, 1e-5, []*engine.Tensor{r(1, 1), r(2, 1)}) {
			if m.Err > 1e-9 {
				t.Errorf("Mix(%v): %v", alpha, m)
			}
		}
	}
}

func TestBuildErrors(t *testing.T) {
	teacher, student := models(t)
	wide, _ := mlp.New(mlp.Config{Inputs: 2, Hidden: []int{4}, Classes: 4, Act: "tanh"}, 3)
	other, _ := mlp.New(mlp.Config{Inputs: 3, Hidden: []int{4}, Classes: 3, Act: "tanh"}, 3)
	noLoss := engine.NewGraph()
	noLoss.Input("x", 2, 2)
	ok := Config{Alpha: 0.5, T: 2}
	for _, c := range []struct {
		name      string
		tg, sg    func() *engine.Graph
		cfg       Config
		wantInErr string
	}{
		{"alpha > 1", nil, nil, Config{Alpha: 1.5, T: 2}, "alpha"},
		{"alpha < 0", nil, nil, Config{Alpha: -0.1, T: 2}, "alpha"},
		{"alpha NaN", nil, nil, Config{Alpha: math.NaN(), T: 2}, "alpha"},
		{"T too small", nil, nil, Config{Alpha: 0.5, T: 0.1}, "temperature"},
		{"T too large", nil, nil, Config{Alpha: 0.5, T: 50}, "temperature"},
		{"T NaN", nil, nil, Config{Alpha: 0.5, T: math.NaN()}, "temperature"},
		{"no loss", func() *engine.Graph { return noLoss }, nil, ok, "no loss"},
		{"classes differ", func() *engine.Graph { g, _ := wide.Build(2); return g }, nil, ok, "logits"},
		{"batch differs", func() *engine.Graph { g, _ := teacher.Build(3); return g }, nil, ok, "logits"},
		{"inputs differ", func() *engine.Graph { g, _ := other.Build(2); return g }, nil, ok, "input \"x\""},
	} {
		tg, sg := c.tg, c.sg
		if tg == nil {
			tg = func() *engine.Graph { g, _ := teacher.Build(2); return g }
		}
		if sg == nil {
			sg = func() *engine.Graph { g, _ := student.Build(2); return g }
		}
		_, err := Build(tg(), sg(), c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.wantInErr) {
			t.Errorf("Build(%s) error = %v, want one mentioning %q", c.name, err, c.wantInErr)
		}
	}
}

func TestBuildOnTransformers(t *testing.T) {
	// A wider teacher and a narrower student of the same task: the graphs
	// join on their inputs (ids, targets, positions) whatever the model.
	for _, variant := range []string{transformer.Decoder, transformer.EncDec} {
		tcfg := transformer.Config{Variant: variant, V: 7, VSrc: 6, D: 8, Heads: 2, DFF: 16, Layers: 2, LEnc: 1, LDec: 1, MaxLen: 6, Act: "relu"}
		scfg := tcfg
		scfg.D, scfg.DFF, scfg.Layers = 4, 8, 1
		teacher, err := transformer.New(tcfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		student, err := transformer.New(scfg, 2)
		if err != nil {
			t.Fatal(err)
		}
		tSrc := 0
		if variant == transformer.EncDec {
			tSrc = 4
		}
		tg, _ := teacher.Build(2, 5, tSrc)
		sg, _ := student.Build(2, 5, tSrc)
		g, err := Build(tg, sg, Config{Alpha: 0.5, T: 2})
		if err != nil {
			t.Fatal(err)
		}
		if err := student.Feed(g, transformer.DrawBatch(scfg, engine.NewMulberry32(3), 2, 5, tSrc)); err != nil {
			t.Fatal(err)
		}
		// The student's own graph on the same batch gives the hard term.
		own, _ := student.Build(2, 5, tSrc)
		for _, in := range []string{"input_ids", "target_ids", "src_ids"} {
			if n := g.Node(in); n != nil {
				own.MustNode(in).Value.CopyFrom(n.Value)
			}
		}
		loss, ce := g.Forward(), own.Forward()
		// 1e-12: the same float64 computation in both graphs.
		if got := g.MustNode("distill.ce").Value.Data[0]; math.Abs(got-ce) > 1e-12 {
			t.Errorf("%s: distill.ce = %v, student's own loss %v", variant, got, ce)
		}
		kl := g.MustNode("distill.kl").Value.Data[0]
		if want := 0.5*kl + 0.5*ce; math.Abs(loss-want) > 1e-12 || !(kl > 0) {
			t.Errorf("%s: loss %v, kl %v, ce %v; want loss = (kl + ce)/2 with kl > 0", variant, loss, kl, ce)
		}
		if g.MustNode("positions").Value.Data[4] != 4 {
			t.Errorf("%s: positions input lost its values", variant)
		}
	}
}
