package content_test

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
	"stepgraph/exhibit"
	"stepgraph/lesson"
)

// The transformer lesson states numbers, layouts, parameter counts and
// what its widgets and Lab links show after training. The tests below
// recompute each with the engine.

// labModel builds the Lab's model for the Lab options opts (the default
// model for nil: decoder-only, d_model 16, 2 heads, dff 64, 1 layer, ReLU,
// reversing 3 symbols of 7), as exhibit.LabModel does for the Lab itself.
func labModel(t *testing.T, opts map[string]string) (*transformer.Model, task.Layout) {
	t.Helper()
	v, e := exhibit.LabOptions.Configure(opts)
	if e != nil {
		t.Fatalf("lab options %v: %v", opts, e)
	}
	m, l, err := exhibit.LabModel(v)
	if err != nil {
		t.Fatal(err)
	}
	return m, l
}

// build returns m's graph for batch rows (its cross-entropy skips the
// decoder layout's unscored input half).
func build(t *testing.T, m *transformer.Model, l task.Layout, rows int) *engine.Graph {
	t.Helper()
	g, err := m.Build(rows, l.T, l.TSrc)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestTransformerLayerNormExample(t *testing.T) {
	text := lessonText(t, "transformer.md")
	x := []float64{2, -1, 0, 3}
	y := apply(engine.NewLayerNorm(), engine.FromData(x, 1, 4), engine.FromData([]float64{1, 1, 1, 1}, 4), engine.New(4))

	mu, dev, sq := 0.0, make([]float64, len(x)), make([]string, len(x))
	for _, v := range x {
		mu += v / float64(len(x))
	}
	biased := 0.0
	for i, v := range x {
		dev[i] = v - mu
		sq[i] = num(dev[i] * dev[i])
		biased += dev[i] * dev[i] / float64(len(x))
	}
	unbiased := biased * float64(len(x)) / float64(len(x)-1)
	mustContain(t, "transformer.md", text,
		"$x = "+vec(x)+"$",
		"$\\mu = "+num(mu)+"$",
		"$"+vec(dev)+"$, so $\\sigma^2 = ("+strings.Join(sq, " + ")+")/4 = "+num(biased)+"$",
		"would give $"+num(unbiased)+"$",
		"y = \\frac{"+vec(dev)+"}{\\sqrt{"+num(biased)+" + 10^{-5}}} \\approx "+vec(y.Data))

	// "mean 0 and variance almost exactly 1; only the epsilon keeps it a
	// hair below": the variance is var/(var+eps) = 1 - 4e-6, so 1 - 1e-5
	// tells it from 1 without hiding a missing or doubled eps. The mean is
	// 0 up to the rounding of four values near 1 (ulp 2.2e-16); 1e-12.
	m, v := 0.0, 0.0
	for _, yi := range y.Data {
		m += yi / 4
	}
	for _, yi := range y.Data {
		v += (yi - m) * (yi - m) / 4
	}
	if math.Abs(m) > 1e-12 || !(v < 1 && v > 1-1e-5) {
		t.Errorf("LayerNorm(%v) has mean %g and variance %g, want 0 and just under 1", x, m, v)
	}

	// A constant row gives y = b: eps keeps the division finite.
	b := engine.FromData([]float64{0.1, -0.2, 0.3, 0}, 4)
	c := apply(engine.NewLayerNorm(), engine.FromData([]float64{5, 5, 5, 5}, 1, 4), engine.FromData([]float64{1, 2, 3, 4}, 4), b)
	for i := range c.Data {
		if c.Data[i] != b.Data[i] {
			t.Errorf("LayerNorm of a constant row [%d] = %v, want b = %v", i, c.Data[i], b.Data[i])
		}
	}
}

// TestTransformerInitialLoss checks log V and the claim that the default
// model starts a little worse than a uniform guess, between 2.1 and 2.4
// on batches of 64 random examples.
func TestTransformerInitialLoss(t *testing.T) {
	text := lessonText(t, "transformer.md")
	m, l := labModel(t, nil)
	logV := math.Log(float64(l.V))
	mustContain(t, "transformer.md", text,
		fmt.Sprintf("has $V = %d$, so $\\log %d \\approx %s$", l.V, l.V, num(logV)),
		"default model starts between 2.1 and 2.4")
	g := build(t, m, l, 64)
	for seed := uint32(1); seed <= 8; seed++ {
		task.Fill(g, l.Batch(engine.NewMulberry32(seed), 64))
		if loss := g.Forward(); loss < logV || loss < 2.1 || loss > 2.4 {
			t.Errorf("initial loss on batch seed %d = %.4f, want in [log V = %.3f, 2.4] and [2.1, 2.4]", seed, loss, logV)
		}
	}
}

// TestTransformerLayouts checks the table of the three layouts of reverse
// on the input cab.
func TestTransformerLayouts(t *testing.T) {
	text := lessonText(t, "transformer.md")
	seq := task.Seq{Kind: task.Reverse, N: 3, K: 7}
	x, err := seq.Parse("cab")
	if err != nil {
		t.Fatal(err)
	}
	code := func(ids []int) string {
		if ids == nil {
			return ""
		}
		return "`" + strings.ReplaceAll(seq.Format(ids), "|", `\|`) + "`" // a | in a table cell is escaped
	}
	for _, c := range []struct{ row, variant string }{
		{"encoder-only", task.Encoder}, {"decoder-only", task.Decoder}, {"encoder-decoder", task.EncDec},
	} {
		l, err := seq.Layout(c.variant)
		if err != nil {
			t.Fatal(err)
		}
		b, err := l.Encode([][]int{x})
		if err != nil {
			t.Fatal(err)
		}
		row := strings.Join([]string{"", c.row, code(b.Src), code(b.Input), code(b.Target), ""}, " | ")
		mustContain(t, "transformer.md", text, strings.Join(strings.Fields(row), " ")) // an empty cell reads "| |"
	}
	mustContain(t, "transformer.md", text, "the input `cab` to be reversed into `bac`")
	if y := seq.Format(seq.Output(x)); y != "bac" {
		t.Errorf("reverse(cab) = %s, want bac", y)
	}
}

// paramsUnder sums the sizes of m's parameters named prefix or prefix.*.
func paramsUnder(m *transformer.Model, prefix string) int {
	n := 0
	for name, p := range m.Params {
		if name == prefix || strings.HasPrefix(name, prefix+".") {
			n += p.Size()
		}
	}
	return n
}

// blockFormula is the lesson's count for one block: 4d^2 + 2 d dff + dff + 9d.
func blockFormula(d, dff int) int { return 4*d*d + 2*d*dff + dff + 9*d }

func TestTransformerParameterCounts(t *testing.T) {
	text := lessonText(t, "transformer.md")
	m, l := labModel(t, nil)
	d, dff := m.D, m.DFF
	mustContain(t, "transformer.md", text,
		fmt.Sprintf("$V = %d$, $T_{\\max} = %d$, $d = %d$, $d_{\\text{ff}} = %d$ and one block", l.V, m.MaxLen, d, dff),
		fmt.Sprintf("($%d = 4 \\cdot %d$)", dff, d),
		fmt.Sprintf("$V d = %d \\cdot %d$", l.V, d),
		fmt.Sprintf("$T_{\\max} d = %d \\cdot %d$", m.MaxLen, d))
	if dff != 4*d {
		t.Errorf("the lesson says dff = 4d, but dff %d, d %d", dff, d)
	}

	// Each row of the table counts the parameters it names.
	rows := regexp.MustCompile("\\| ((?:`[a-z0-9_.]+`(?:, )?)+) \\| \\$[^$]+\\$ \\| (\\d+) \\|").FindAllStringSubmatch(text, -1)
	if len(rows) != 7 {
		t.Fatalf("parameter table has %d rows, want 7", len(rows))
	}
	sum := 0
	for _, r := range rows {
		got := 0
		for _, name := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(r[1], -1) {
			got += paramsUnder(m, name[1])
		}
		if strconv.Itoa(got) != r[2] {
			t.Errorf("parameter table row %s = %s, the model has %d", r[1], r[2], got)
		}
		sum += got
	}
	total := m.NumParams()
	if sum != total {
		t.Errorf("the table's rows cover %d parameters of %d", sum, total)
	}
	mustContain(t, "transformer.md", text,
		fmt.Sprintf("| total | | %d |", total),
		fmt.Sprintf("whose %d parameters are counted", total),
		fmt.Sprintf("More than half of them, %d%%,", int(math.Round(100*float64(paramsUnder(m, "layers.0.ffn"))/float64(total)))))
	w1 := m.Params["layers.0.ffn.w1"]
	mustContain(t, "transformer.md", text, fmt.Sprintf("$%d \\times %d$ matrix, %d of those", w1.Shape[0], w1.Shape[1], w1.Size()))

	// The general formula, for other sizes and both self-attention variants.
	for _, c := range []transformer.Config{
		{Variant: transformer.Decoder, V: 11, D: 12, Heads: 3, DFF: 20, Layers: 3, MaxLen: 9, Act: "relu"},
		{Variant: transformer.Encoder, V: 5, D: 8, Heads: 1, DFF: 7, Layers: 2, MaxLen: 4, Act: "gelu_tanh"},
		m.Config,
	} {
		mc, err := transformer.New(c, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := (c.V+c.MaxLen)*c.D + c.Layers*blockFormula(c.D, c.DFF) + 2*c.D + c.D*c.V + c.V
		if got := mc.NumParams(); got != want {
			t.Errorf("%s V %d d %d dff %d L %d: NumParams() = %d, the lesson's formula gives %d", c.Variant, c.V, c.D, c.DFF, c.Layers, got, want)
		}
	}

	// The encoder-decoder of the same sizes: a decoder block adds a
	// cross-attention and a third LayerNorm.
	ed, el := labModel(t, map[string]string{"arch": transformer.EncDec})
	perDec := paramsUnder(ed, "dec.layers.0")
	if perDec != blockFormula(d, dff)+4*d*d+4*d+2*d {
		t.Errorf("decoder block has %d parameters, want the encoder block's %d plus 4d^2 + 4d + 2d", perDec, blockFormula(d, dff))
	}
	mustContain(t, "transformer.md", text,
		fmt.Sprintf("source vocabulary of %d and $T_{\\max} = %d$, has %d parameters", el.VSrc, ed.MaxLen, ed.NumParams()))
}

// TestTransformerPositions checks the lesson's claim about order: without
// positional embeddings an encoder computes the same output rows for a
// reordered input, in the reordered order; with them it does not. It also
// checks the embedding's gradient: zero for a token that never appears.
func TestTransformerPositions(t *testing.T) {
	m, l := labModel(t, map[string]string{"arch": transformer.Encoder, "task": task.Reverse, "seed": "3"})
	g := build(t, m, l, 1)
	logits := g.MustNode("logits").Value // [1, T, V]
	x := []int{2, 0, 5}                  // positions 0, 1, 2
	perm := []int{1, 2, 0}               // the reordered input reads x[perm[t]] at position t
	run := func(ids []int) []float64 {
		task.Fill(g, task.Batch{B: 1, T: l.T, Input: ids, Target: []int{0, 0, 0}})
		g.Forward()
		return slices.Clone(logits.Data)
	}
	reordered := make([]int, len(x))
	for t, p := range perm {
		reordered[t] = x[p]
	}
	maxDiff := func(a, b []float64) float64 {
		worst := 0.0
		for tt, p := range perm {
			for c := range l.V {
				worst = max(worst, math.Abs(b[tt*l.V+c]-a[p*l.V+c]))
			}
		}
		return worst
	}
	// With positions, reordering changes more than the order of the rows.
	if diff := maxDiff(run(x), run(reordered)); diff < 1e-3 {
		t.Errorf("with pos_emb, reordered logits differ by %g from reordered rows, want a real change", diff)
	}
	clear(m.Params["pos_emb"].Data)
	// Without positions the rows only move: the sums in attention run in
	// another order, so allow float64 rounding.
	if diff := maxDiff(run(x), run(reordered)); diff > 1e-12 {
		t.Errorf("without pos_emb, logits of the reordered input differ by %g from the reordered rows, want the same rows", diff)
	}

	// Tokens 1, 3, 4 and 6 never appear: their rows of tok_emb get no
	// gradient; tokens 0, 2 and 5 do.
	run(x)
	g.Backward()
	grad := g.MustNode("tok_emb").Grad // [V, d]
	for tok := range l.V {
		norm := 0.0
		for _, v := range grad.Data[tok*m.D : (tok+1)*m.D] {
			norm += v * v
		}
		if used := slices.Contains(x, tok); used != (norm > 0) {
			t.Errorf("tok_emb gradient row %d has norm^2 %g; token used = %v", tok, norm, used)
		}
	}
}

// widgetRecipe trains the exhibit of an attention widget block for its
// whole budget, exhibit.AttentionMaxSteps of its training steps, and
// returns its stepped graph run forward on its example, and its task.
func widgetRecipe(t *testing.T, w lesson.Widget) (*engine.Graph, task.Layout) {
	t.Helper()
	a := buildWidget[*exhibit.Attention](t, w)
	for range exhibit.AttentionMaxSteps {
		a.TrainStep()
	}
	g := a.Stepping().Graph()
	g.Forward()
	return g, a.Task()
}

// probsAt returns entry [q, k] of a [1, Tq, Tk] attention map.
func probsAt(p *engine.Tensor, q, k int) float64 { return p.Data[q*p.Shape[2]+k] }

// checkCrossReversal checks that every cross-attention head of g, after a
// forward pass on one sequence of n symbols, is the anti-diagonal of a
// reversal: output t puts over half its weight on source n-1-t. It fails
// the test when g has no cross-attention head, so that nothing checked
// never passes. what prefixes the failure messages.
func checkCrossReversal(t *testing.T, g *engine.Graph, n int, what string) {
	t.Helper()
	cross := 0
	for _, ref := range transformer.AttentionNodes(g) {
		if ref.Kind != "cross" {
			continue
		}
		cross++
		p := g.MustNode(ref.Probs).Value
		for q := range n {
			if w := probsAt(p, q, n-1-q); w <= 0.5 {
				t.Errorf("%s: %s row %d gives source %d weight %.3f, want over 0.5", what, ref.Probs, q, n-1-q, w)
			}
		}
	}
	if cross == 0 {
		t.Fatalf("%s: no cross-attention head to check", what)
	}
}

// TestTransformerWidgetsAfterTraining trains the lesson's two widgets'
// models and checks what the lesson says to look for: a head of the
// decoder copying its input has the stripe "position n+t looks at t"; every
// cross-attention head of the encoder-decoder reversing its input is the
// anti-diagonal "output t reads source n-1-t". A weight over 0.5 is the
// largest of its row, so "looks at" means most of the attention.
func TestTransformerWidgetsAfterTraining(t *testing.T) {
	ls := loadAll(t)
	i := slices.IndexFunc(ls, func(l2 *lesson.Lesson) bool { return l2.Slug == "transformer" })
	if i < 0 {
		t.Fatal("no transformer lesson")
	}
	found := map[string]bool{}
	for _, w := range ls[i].Widgets {
		arch, kind := w.Options["arch"], w.Options["task"]
		found[arch+"/"+kind] = true
		t.Run(w.ID+"-"+arch+"-"+kind, func(t *testing.T) {
			t.Parallel() // two independent trainings, one per core
			g, l := widgetRecipe(t, w)
			n := l.Task.N
			switch {
			case arch == task.Decoder && kind == task.Copy:
				stripe := false
				for _, ref := range transformer.AttentionNodes(g) {
					p := g.MustNode(ref.Probs).Value
					ok := true
					for tt := range n {
						ok = ok && probsAt(p, n+tt, tt) > 0.5
					}
					stripe = stripe || ok
				}
				if !stripe {
					t.Errorf("decoder copying %d symbols: no head puts over half its weight at position t from position n+t", n)
				}
			case arch == task.EncDec && kind == task.Reverse:
				checkCrossReversal(t, g, n, "encdec reversing")
			}
		})
	}
	if !found["decoder/copy"] || !found["encdec/reverse"] {
		t.Errorf("the lesson's widgets are %v, want a decoder copying and an encdec reversing", found)
	}
}

// TestTransformerNoMaskCheats checks the Lab link that switches the causal
// mask off for sorting: without the mask the training loss falls faster
// and teacher-forced predictions become perfect, but greedy decoding, one
// token at a time, gets most answers wrong; with the mask it gets them
// right. 200 of the Lab's own training steps (Adam on batches of 16,
// seed 1).
func TestTransformerNoMaskCheats(t *testing.T) {
	text := lessonText(t, "transformer.md")
	mustContain(t, "transformer.md", text, "](/lab?task=sort&causal=false)")
	type result struct{ early, teacher, greedy float64 }
	train := func(causal bool) result {
		lab := newLab(t, map[string]string{"task": task.Sort, "causal": strconv.FormatBool(causal)})
		m, l := lab.Model(), lab.Task()
		eg := build(t, m, l, 64)
		var r result
		for s := range 200 {
			loss, _ := lab.TrainStep()
			if s < 50 {
				r.early += loss / 50
			}
		}
		xs := l.Inputs(engine.NewMulberry32(99), 64)
		b, err := l.Encode(xs)
		if err != nil {
			t.Fatal(err)
		}
		task.Fill(eg, b)
		eg.Forward()
		r.teacher = task.Accuracy(eg, b)
		preds, err := l.Decode(eg, xs)
		if err != nil {
			t.Fatal(err)
		}
		right := 0
		for i, x := range xs {
			for j, y := range l.Task.Output(x) {
				if preds[i][j] == y {
					right++
				}
			}
		}
		r.greedy = float64(right) / float64(len(xs)*l.Task.N)
		return r
	}
	masked, open := train(true), train(false)
	if open.early >= masked.early {
		t.Errorf("mean loss of the first 50 steps: %.3f without the mask, %.3f with it; want lower without", open.early, masked.early)
	}
	if open.teacher < 0.99 || open.greedy > 0.6 {
		t.Errorf("without the mask: teacher-forced accuracy %.3f, greedy %.3f; want >= 0.99 and <= 0.6 (mostly wrong)", open.teacher, open.greedy)
	}
	if masked.greedy < 0.9 {
		t.Errorf("with the mask: greedy accuracy %.3f, want >= 0.9", masked.greedy)
	}
}

// TestTransformerLabEncDec checks the Lab link to the encoder-decoder:
// "train it and watch the cross-attention maps find the reversal". After
// 100 of the Lab's own training steps (a run trains 3000), every
// cross-attention head of the default sizes puts over half its weight on
// the mirrored source position, for inputs drawn as the Lab draws its
// example.
func TestTransformerLabEncDec(t *testing.T) {
	mustContain(t, "transformer.md", lessonText(t, "transformer.md"), "[Encoder-decoder](/lab?arch=encdec&heads=2)")
	lab := newLab(t, map[string]string{"arch": transformer.EncDec, "heads": "2"})
	for range 100 {
		lab.TrainStep()
	}
	m, l := lab.Model(), lab.Task()
	g := build(t, m, l, 1)
	n := l.Task.N
	for _, x := range l.Inputs(exhibit.LabStream(1, exhibit.StreamExample), 3) {
		b, err := l.Encode([][]int{x})
		if err != nil {
			t.Fatal(err)
		}
		task.Fill(g, b)
		g.Forward()
		checkCrossReversal(t, g, n, fmt.Sprintf("input %v", x))
	}
}

// TestTransformerNodeNames checks that every node or parameter name the
// lesson writes in a code span is a node, a parameter, or a scope of one,
// in the graph of the decoder-only or the encoder-decoder model.
func TestTransformerNodeNames(t *testing.T) {
	var names []string
	for _, arch := range []string{transformer.Decoder, transformer.EncDec} {
		m, l := labModel(t, map[string]string{"arch": arch, "task": task.Reverse})
		cfg := m.Config
		cfg.Layers, cfg.LEnc, cfg.LDec = 2, 2, 2 // the lesson says layers.1 reads layers.0
		m, err := transformer.New(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range build(t, m, l, 1).Nodes {
			names = append(names, n.Name)
		}
	}
	known := func(s string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return n == s || strings.HasPrefix(n, s+".") })
	}
	nodeLike := regexp.MustCompile("`((?:enc\\.|dec\\.)?(?:layers\\.[0-9][a-z0-9_.]*|embed\\.[a-z]+|ln_f|tok_emb|pos_emb|head(?:\\.[a-z]+)?|logits|loss))`")
	found := 0
	for _, m := range nodeLike.FindAllStringSubmatch(lessonText(t, "transformer.md"), -1) {
		if !known(m[1]) {
			t.Errorf("transformer.md names %q, which is neither a node, a parameter nor a scope of the models' graphs", m[1])
		}
		found++
	}
	if found < 30 {
		t.Errorf("transformer.md names %d nodes, want it to name the graph's nodes", found)
	}
}

// TestTransformerPlace checks that the lesson comes right after attention
// in the Transformers section, with an attention widget for a decoder and
// one for an encoder-decoder.
func TestTransformerPlace(t *testing.T) {
	ls := loadAll(t)
	i := slices.IndexFunc(ls, func(l *lesson.Lesson) bool { return l.Slug == "transformer" })
	if i < 1 {
		t.Fatalf("transformer lesson at %d, want after attention", i)
	}
	l := ls[i]
	if l.Section != "Transformers" || l.Order != 2 || ls[i-1].Slug != "attention" {
		t.Errorf("transformer: section %q order %d after %s, want Transformers 2 after attention", l.Section, l.Order, ls[i-1].Slug)
	}
	var archs []string
	for _, w := range l.Widgets {
		if w.Kind == "attention" {
			archs = append(archs, w.Options["arch"])
		}
	}
	if !slices.Contains(archs, "decoder") || !slices.Contains(archs, "encdec") {
		t.Errorf("transformer: attention widgets for %v, want decoder and encdec", archs)
	}
}
