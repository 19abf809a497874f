package transformer_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/transformer"
)

// tiny returns a small valid config of the variant, used across the tests.
func tiny(variant, act string) transformer.Config {
	return transformer.Config{Variant: variant, V: 7, VSrc: 9, D: 8, Heads: 2, DFF: 12,
		Layers: 2, LEnc: 1, LDec: 2, MaxLen: 6, Act: act}
}

// srcLen returns the source length to build with: 0 unless EncDec.
func srcLen(c transformer.Config, n int) int {
	if c.Variant == transformer.EncDec {
		return n
	}
	return 0
}

// fedGraph builds the model's graph for (batch, T, tSrc) and feeds it the
// spec's random data drawn from seed.
func fedGraph(t *testing.T, m *transformer.Model, batch, T, tSrc int, seed uint32) (*engine.Graph, transformer.Batch) {
	t.Helper()
	g, err := m.Build(batch, T, tSrc)
	if err != nil {
		t.Fatalf("Build(%d, %d, %d) error: %v", batch, T, tSrc, err)
	}
	b := transformer.DrawBatch(m.Config, engine.NewMulberry32(seed), batch, T, tSrc)
	if err := m.Feed(g, b); err != nil {
		t.Fatalf("Feed error: %v", err)
	}
	return g, b
}

func TestValidate(t *testing.T) {
	ok := tiny(transformer.Decoder, "relu")
	bench := transformer.Config{Variant: "decoder", V: 96, D: 128, Heads: 8, DFF: 512, Layers: 4, MaxLen: 64, Act: "relu"}
	mod := func(f func(*transformer.Config)) transformer.Config { c := ok; f(&c); return c }
	cases := []struct {
		name string
		cfg  transformer.Config
		want string // substring of the error; "" means valid
	}{
		{"tiny decoder", ok, ""},
		{"tiny encoder gelu", tiny(transformer.Encoder, "gelu_tanh"), ""},
		{"tiny encdec", tiny(transformer.EncDec, "relu"), ""},
		{"benchmark model", bench, ""},
		{"encdec ignores Layers", mod(func(c *transformer.Config) { c.Variant, c.Layers = "encdec", 0 }), ""},
		{"variant", mod(func(c *transformer.Config) { c.Variant = "gpt" }), `unknown variant "gpt"`},
		{"heads divide d", mod(func(c *transformer.Config) { c.Heads = 3 }), "d_model 8 is not divisible by 3 heads"},
		{"activation", mod(func(c *transformer.Config) { c.Act = "swish" }), `unknown activation "swish"`},
		{"vocab small", mod(func(c *transformer.Config) { c.V = 1 }), "vocabulary = 1 outside [2, 512]"},
		{"vocab large", mod(func(c *transformer.Config) { c.V = 513 }), "vocabulary = 513"},
		{"d zero", mod(func(c *transformer.Config) { c.D = 0 }), "d_model = 0"},
		{"d large", mod(func(c *transformer.Config) { c.D, c.Heads = 512, 8 }), "d_model = 512 outside [1, 256]"},
		{"heads", mod(func(c *transformer.Config) { c.D, c.Heads = 32, 32 }), "heads = 32 outside [1, 16]"},
		{"dff", mod(func(c *transformer.Config) { c.DFF = 2048 }), "feed-forward width = 2048"},
		{"layers", mod(func(c *transformer.Config) { c.Layers = 7 }), "layers = 7 outside [1, 6]"},
		{"no layers", mod(func(c *transformer.Config) { c.Layers = 0 }), "layers = 0"},
		{"max length", mod(func(c *transformer.Config) { c.MaxLen = 129 }), "max length = 129"},
		{"encdec src vocab", mod(func(c *transformer.Config) { c.Variant, c.VSrc = "encdec", 0 }), "source vocabulary = 0"},
		{"encdec enc layers", mod(func(c *transformer.Config) { c.Variant, c.LEnc = "encdec", 0 }), "encoder layers = 0"},
		{"encdec dec layers", mod(func(c *transformer.Config) { c.Variant, c.LDec = "encdec", 9 }), "decoder layers = 9"},
		{"eps", mod(func(c *transformer.Config) { c.Eps = -1 }), "layernorm eps -1"},
	}
	for _, c := range cases {
		err := c.cfg.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: Validate() = %v, want nil", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: Validate() = %v, want an error containing %q", c.name, err, c.want)
		}
		if _, err := transformer.New(c.cfg, 1); (err == nil) != (c.want == "") {
			t.Errorf("%s: New() error = %v, want error: %v", c.name, err, c.want != "")
		}
	}
}

func TestBuildRejectsBadSizes(t *testing.T) {
	dec, _ := transformer.New(tiny(transformer.Decoder, "relu"), 1)
	ed, _ := transformer.New(tiny(transformer.EncDec, "relu"), 1)
	big, _ := transformer.New(transformer.Config{Variant: "decoder", V: 512, D: 256, Heads: 16, DFF: 1024,
		Layers: 6, MaxLen: 128, Act: "relu"}, 1)
	cases := []struct {
		name           string
		m              *transformer.Model
		batch, T, tSrc int
		want           string
	}{
		{"batch zero", dec, 0, 4, 0, "batch 0 outside [1, 64]"},
		{"batch large", dec, 65, 4, 0, "batch 65"},
		{"T zero", dec, 1, 0, 0, "sequence length 0"},
		{"T over max length", dec, 1, 7, 0, "sequence length 7 outside [1, 6]"},
		{"source for decoder", dec, 1, 4, 3, "source length 3 given to a decoder model"},
		{"encdec no source", ed, 1, 4, 0, "source length 0"},
		{"encdec source too long", ed, 1, 4, 7, "source length 7"},
		{"over the memory budget", big, 64, 128, 0, "over the limit"},
	}
	for _, c := range cases {
		_, err := c.m.Build(c.batch, c.T, c.tSrc)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Build(%d, %d, %d) = %v, want an error containing %q", c.name, c.batch, c.T, c.tSrc, err, c.want)
		}
	}
}

// TestGraphFloatsCountsTheGraph checks the memory estimate that Build uses
// against the tensors a built graph really holds.
func TestGraphFloatsCountsTheGraph(t *testing.T) {
	for _, cfg := range []transformer.Config{
		tiny(transformer.Decoder, "relu"), tiny(transformer.Encoder, "gelu_tanh"), tiny(transformer.EncDec, "relu"),
	} {
		m, err := transformer.New(cfg, 3)
		if err != nil {
			t.Fatal(err)
		}
		batch, T, tSrc := 3, 5, srcLen(cfg, 4)
		g, err := m.Build(batch, T, tSrc)
		if err != nil {
			t.Fatal(err)
		}
		n := countFloats(g)
		if got := transformer.GraphFloats(cfg, batch, T, tSrc); got != n {
			t.Errorf("GraphFloats(%s) = %d, want %d (counted in the graph)", cfg.Variant, got, n)
		}
	}
	// The benchmark model must fit the budget.
	bench := transformer.Config{Variant: "decoder", V: 96, D: 128, Heads: 8, DFF: 512, Layers: 4, MaxLen: 64, Act: "relu"}
	if n := transformer.GraphFloats(bench, 16, 64, 0); n > transformer.MaxGraphFloats {
		t.Errorf("GraphFloats(benchmark) = %d, over MaxGraphFloats %d", n, transformer.MaxGraphFloats)
	}
}

// countFloats returns the float64 values g holds: every value but the
// parameters' (the model's), and every gradient.
func countFloats(g *engine.Graph) int {
	n := 0
	for _, node := range g.Nodes {
		if node.Kind != engine.KindParam {
			n += node.Value.Size()
		}
		if node.Grad != nil {
			n += node.Grad.Size()
		}
	}
	return n
}

// TestParamsMatchSpecTable checks names, shapes and the init ranges of
// SPEC.md section 2 (the reference test checks the values bit for bit).
func TestParamsMatchSpecTable(t *testing.T) {
	cfg := tiny(transformer.EncDec, "relu")
	m, err := transformer.New(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.D
	want := map[string][]int{
		"enc.tok_emb": {cfg.VSrc, d}, "enc.pos_emb": {cfg.MaxLen, d}, "dec.tok_emb": {cfg.V, d},
		"enc.layers.0.attn.wq": {d, d}, "enc.layers.0.ffn.w1": {d, cfg.DFF}, "enc.layers.0.ffn.b1": {cfg.DFF},
		"dec.layers.1.cross_attn.bk": {d}, "dec.layers.1.ln3.g": {d}, "dec.ln_f.b": {d},
		"head.w": {d, cfg.V}, "head.b": {cfg.V},
	}
	for name, shape := range want {
		p := m.Params[name]
		if p == nil || !engine.SameShape(p.Shape, shape) {
			t.Errorf("param %s = %v, want shape %v", name, p, shape)
		}
	}
	// 2 embeddings + 16 per encoder layer + 2 (enc.ln_f) + 2 embeddings
	// + 26 per decoder layer + 2 (dec.ln_f) + 2 (head).
	if n := 2 + 16*cfg.LEnc + 2 + 2 + 26*cfg.LDec + 2 + 2; len(m.Order) != n || len(m.Params) != n {
		t.Errorf("%d params in Order, %d in Params, want %d", len(m.Order), len(m.Params), n)
	}
	for _, name := range m.Order {
		p := m.Params[name]
		lo, hi := -0.1, 0.1 // biases
		switch {
		case strings.HasSuffix(name, "_emb"):
			lo, hi = -0.5, 0.5
		case strings.HasSuffix(name, ".g"):
			lo, hi = 0.9, 1.1
		case p.Rank() == 2:
			a := 1 / math.Sqrt(float64(p.Shape[0]))
			lo, hi = -a, a
		}
		for i, v := range p.Data {
			if v < lo || v > hi || float64(float32(v)) != v {
				t.Errorf("init %s[%d] = %v, want a float32 in [%v, %v]", name, i, v, lo, hi)
				break
			}
		}
	}
}

func TestGraphNamesAndSharedParams(t *testing.T) {
	cases := []struct {
		cfg   transformer.Config
		names []string
		none  []string
	}{
		{tiny(transformer.Decoder, "relu"), []string{
			"input_ids", "target_ids", "positions", "embed.tok", "embed.pos", "embed.sum",
			"layers.0.ln1", "layers.0.attn.q", "layers.0.attn.k", "layers.0.attn.v",
			"layers.1.attn.head.1.q", "layers.1.attn.head.1.k", "layers.1.attn.head.1.v",
			"layers.1.attn.head.1.scores", "layers.1.attn.head.1.masked", "layers.1.attn.head.1.probs",
			"layers.1.attn.head.1.out", "layers.0.attn.concat", "layers.0.attn.out", "layers.0.resid1",
			"layers.0.ln2", "layers.0.ffn.hidden", "layers.0.ffn.act", "layers.0.ffn.out", "layers.0.resid2",
			"ln_f", "logits", "loss"}, []string{"src_ids", "layers.2.ln1"}},
		{tiny(transformer.Encoder, "gelu_tanh"), []string{
			"layers.0.attn.head.0.scores", "layers.0.attn.head.0.probs", "ln_f", "logits"},
			[]string{"layers.0.attn.head.0.masked"}},
		{tiny(transformer.EncDec, "relu"), []string{
			"src_ids", "src_positions", "input_ids", "enc.embed.sum", "enc.layers.0.attn.head.0.probs", "enc.ln_f",
			"dec.embed.sum", "dec.layers.0.self_attn.head.0.masked", "dec.layers.0.self_attn.head.1.probs",
			"dec.layers.1.cross_attn.head.0.scores", "dec.layers.1.cross_attn.head.1.probs",
			"dec.layers.1.ln3", "dec.layers.1.resid3", "dec.ln_f", "logits", "loss"},
			[]string{"enc.layers.0.attn.head.0.masked", "dec.layers.0.cross_attn.head.0.masked", "ln_f"}},
	}
	for _, c := range cases {
		m, err := transformer.New(c.cfg, 2)
		if err != nil {
			t.Fatal(err)
		}
		g, err := m.Build(2, 4, srcLen(c.cfg, 3))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range c.names {
			if g.Node(name) == nil {
				t.Errorf("%s: no node %q", c.cfg.Variant, name)
			}
		}
		for _, name := range c.none {
			if g.Node(name) != nil {
				t.Errorf("%s: unexpected node %q", c.cfg.Variant, name)
			}
		}
		// Parameter nodes come in spec order and share the model's tensors.
		ps := g.Params()
		if len(ps) != len(m.Order) {
			t.Fatalf("%s: %d parameter nodes, want %d", c.cfg.Variant, len(ps), len(m.Order))
		}
		for i, p := range ps {
			if p.Name != m.Order[i] || p.Value != m.Params[p.Name] {
				t.Errorf("%s: parameter node %d = %s (shared %v), want %s shared", c.cfg.Variant, i, p.Name,
					p.Value == m.Params[p.Name], m.Order[i])
			}
		}
		// Positions hold 0..T-1.
		for i, v := range g.MustNode("positions").Value.Data {
			if v != float64(i) {
				t.Errorf("%s: positions[%d] = %v, want %d", c.cfg.Variant, i, v, i)
			}
		}
	}
}

func TestAttentionNodes(t *testing.T) {
	cases := []struct {
		cfg  transformer.Config
		want []string // scope/kind/causal per attention, heads 0 and 1 each
	}{
		{tiny(transformer.Decoder, "relu"), []string{"layers.0.attn self true", "layers.1.attn self true"}},
		{tiny(transformer.Encoder, "relu"), []string{"layers.0.attn self false", "layers.1.attn self false"}},
		{tiny(transformer.EncDec, "relu"), []string{"enc.layers.0.attn self false",
			"dec.layers.0.self_attn self true", "dec.layers.0.cross_attn cross false",
			"dec.layers.1.self_attn self true", "dec.layers.1.cross_attn cross false"}},
	}
	for _, c := range cases {
		m, _ := transformer.New(c.cfg, 2)
		g, err := m.Build(1, 4, srcLen(c.cfg, 5))
		if err != nil {
			t.Fatal(err)
		}
		refs := transformer.AttentionNodes(g)
		if len(refs) != 2*len(c.want) {
			t.Fatalf("%s: AttentionNodes() has %d heads, want %d", c.cfg.Variant, len(refs), 2*len(c.want))
		}
		for i, r := range refs {
			want := c.want[i/2]
			got := fmt.Sprintf("%s %s %v", r.Scope, r.Kind, r.Causal)
			if got != want || r.Head != i%2 {
				t.Errorf("%s: AttentionNodes()[%d] = %s head %d, want %s head %d", c.cfg.Variant, i, got, r.Head, want, i%2)
			}
			for _, name := range []string{r.Scores, r.Probs, r.Masked} {
				if name != "" && g.Node(name) == nil {
					t.Errorf("%s: AttentionNodes()[%d] names missing node %q", c.cfg.Variant, i, name)
				}
			}
			if r.Causal == (r.Masked == "") {
				t.Errorf("%s: AttentionNodes()[%d] causal %v with masked node %q", c.cfg.Variant, i, r.Causal, r.Masked)
			}
			wantStack, wantLayer := "", 0
			fmt.Sscanf(strings.TrimPrefix(strings.TrimPrefix(r.Scope, "enc."), "dec."), "layers.%d", &wantLayer)
			if s, _, ok := strings.Cut(r.Scope, ".layers"); ok {
				wantStack = s
			}
			if r.Stack != wantStack || r.Layer != wantLayer {
				t.Errorf("%s: AttentionNodes()[%d] stack %q layer %d, want %q %d", c.cfg.Variant, i, r.Stack, r.Layer, wantStack, wantLayer)
			}
		}
		// The cross-attention maps (refs[4], after the encoder and the first self-attention) are [B, T, Tsrc].
		if c.cfg.Variant == transformer.EncDec {
			if s := g.MustNode(refs[4].Probs).Shape; !engine.SameShape(s, []int{1, 4, 5}) {
				t.Errorf("cross-attention probs shape = %v, want [1 4 5]", s)
			}
		}
	}
}

func TestFeedRejectsBadData(t *testing.T) {
	m, _ := transformer.New(tiny(transformer.EncDec, "relu"), 1)
	g, err := m.Build(2, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	good := transformer.Batch{
		Src:    [][]int{{8, 0}, {1, 2}},
		Input:  [][]int{{0, 1, 2}, {3, 4, 5}},
		Target: [][]int{{1, 2, 3}, {4, 5, 6}},
	}
	if err := m.Feed(g, good); err != nil {
		t.Fatalf("Feed(good) = %v, want nil", err)
	}
	snapshot := g.MustNode("input_ids").Value.Clone()
	cases := []struct {
		name string
		edit func(b *transformer.Batch)
		want string
	}{
		{"id too large", func(b *transformer.Batch) { b.Input[1][2] = 7 }, "input_ids[1][2] = 7 outside [0, 7)"},
		{"negative target", func(b *transformer.Batch) { b.Target[0][0] = -1 }, "target_ids[0][0] = -1"},
		{"source vocab", func(b *transformer.Batch) { b.Src[0][1] = 9 }, "src_ids[0][1] = 9 outside [0, 9)"},
		{"rows", func(b *transformer.Batch) { b.Input = b.Input[:1] }, "input_ids has 1 rows, want 2"},
		{"row length", func(b *transformer.Batch) { b.Target[1] = []int{1} }, "target_ids row 1 has length 1, want 3"},
		{"no source", func(b *transformer.Batch) { b.Src = nil }, "src_ids has 0 rows"},
	}
	for _, c := range cases {
		b := transformer.Batch{Src: clone2(good.Src), Input: clone2(good.Input), Target: clone2(good.Target)}
		b.Input[0][0] = 6 // a valid change that must not be written when the batch is rejected
		c.edit(&b)
		err := m.Feed(g, b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Feed() = %v, want an error containing %q", c.name, err, c.want)
		}
		for i, v := range g.MustNode("input_ids").Value.Data {
			if v != snapshot.Data[i] {
				t.Fatalf("%s: a rejected Feed changed input_ids[%d] to %v", c.name, i, v)
			}
		}
	}
	dec, _ := transformer.New(tiny(transformer.Decoder, "relu"), 1)
	gd, _ := dec.Build(2, 3, 0)
	if err := dec.Feed(gd, good); err == nil || !strings.Contains(err.Error(), "source ids given to a decoder") {
		t.Errorf("decoder Feed(with src) = %v, want a source ids error", err)
	}
}

func clone2(rows [][]int) [][]int {
	out := make([][]int, len(rows))
	for i, r := range rows {
		out[i] = append([]int(nil), r...)
	}
	return out
}

func TestSetParams(t *testing.T) {
	m, _ := transformer.New(tiny(transformer.Decoder, "relu"), 1)
	other, _ := transformer.New(tiny(transformer.Decoder, "relu"), 2)
	g, _ := m.Build(1, 3, 0)
	if err := m.SetParams(other.Params); err != nil {
		t.Fatalf("SetParams(same config) = %v", err)
	}
	// Copied into the shared tensors: the graph built before sees them.
	if got, want := g.MustNode("head.w").Value.Data[0], other.Params["head.w"].Data[0]; got != want {
		t.Errorf("graph head.w[0] after SetParams = %v, want %v", got, want)
	}
	wide, _ := transformer.New(transformer.Config{Variant: "decoder", V: 7, D: 12, Heads: 2, DFF: 12, Layers: 2, MaxLen: 6, Act: "relu"}, 1)
	deep, _ := transformer.New(transformer.Config{Variant: "decoder", V: 7, D: 8, Heads: 2, DFF: 12, Layers: 3, MaxLen: 6, Act: "relu"}, 1)
	shallow, _ := transformer.New(transformer.Config{Variant: "decoder", V: 7, D: 8, Heads: 2, DFF: 12, Layers: 1, MaxLen: 6, Act: "relu"}, 1)
	for _, c := range []struct {
		src  map[string]*engine.Tensor
		want string
	}{
		{wide.Params, "has shape [7 12], want [7 8]"},
		{deep.Params, `unknown parameter "layers.2.`},
		{shallow.Params, `missing parameter "layers.1.`},
	} {
		if err := m.SetParams(c.src); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SetParams() = %v, want an error containing %q", err, c.want)
		}
	}
}

// TestBatchRowsAreIndependent changes the second example of a batch and
// checks that the first example's logits do not move at all: batch rows
// never interact (SPEC section 0).
func TestBatchRowsAreIndependent(t *testing.T) {
	for _, cfg := range []transformer.Config{
		tiny(transformer.Decoder, "gelu_tanh"), tiny(transformer.Encoder, "relu"), tiny(transformer.EncDec, "gelu_tanh"),
	} {
		m, _ := transformer.New(cfg, 4)
		g, b := fedGraph(t, m, 2, 5, srcLen(cfg, 4), 9)
		g.Forward()
		before := g.MustNode("logits").Value.Clone()
		for i := range b.Input[1] {
			b.Input[1][i] = (b.Input[1][i] + 1) % cfg.V
		}
		if b.Src != nil {
			b.Src[1][0] = (b.Src[1][0] + 1) % cfg.VSrc
		}
		if err := m.Feed(g, b); err != nil {
			t.Fatal(err)
		}
		g.Forward()
		after := g.MustNode("logits").Value
		half := after.Size() / 2
		moved := false
		for i := range after.Data {
			if i < half && after.Data[i] != before.Data[i] {
				t.Errorf("%s: logits[%d] of example 0 = %v after changing example 1, want %v", cfg.Variant, i, after.Data[i], before.Data[i])
			}
			moved = moved || (i >= half && after.Data[i] != before.Data[i])
		}
		if !moved {
			t.Errorf("%s: changing example 1 left its logits unchanged", cfg.Variant)
		}
	}
}
