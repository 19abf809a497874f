package reference

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/transformer"
)

// Tolerances against the tfjs float32 values, from SPEC.md section 5. tfjs
// itself is within about 2.5e-7 of exact float64 (section 8), so these
// leave room for float32 summation order while any wrong formula fails by
// far more.
const (
	tfAbs     = 1e-5 // logits, attention, final hidden state: absolute
	tfLossRel = 1e-5 // loss: relative
	tfGradAbs = 1e-5 // gradients: 1e-5 + 1e-3*|g|
	tfGradRel = 1e-3
)

// Tolerances against reference_f64, the independent float64 forward and
// float64 central differences on the same float32 parameters.
const (
	// f64Tol bounds |got - want| / max(|want|, 1) for the loss and logits.
	// Both sides run the same math in float64 with different summation
	// orders; measured over the fixtures the worst difference is 4.4e-16
	// (two ulps of 1), so 1e-12 is tight while leaving room for deeper and
	// wider models, whose rounding grows with the number of operations.
	f64Tol = 1e-12
	// fdTol bounds |got - fd| for gradients. The fixture's central
	// differences (step 1e-5) are accurate to about 1e-9 (SPEC section 5);
	// measured, the worst difference is 8.2e-11. A wrong gradient formula
	// is off by far more than 1e-7 (gradients here reach 0.6).
	fdTol = 1e-7
	// bkTol bounds our gradient of every attention key bias *.bk, whose
	// true value is 0 (SPEC section 4): adding q.bk shifts a softmax row by
	// a constant. What remains is float64 cancellation noise, measured
	// below 1e-17; float32 tfjs leaves about 1e-9.
	bkTol = 1e-14
)

// modelTensor is a tensor of a fixture: its shape and flat row-major data.
type modelTensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

// modelFixture is the "oracle-fixture-v1" format of SPEC.md section 5.
type modelFixture struct {
	Name    string `json:"name"`
	Variant string `json:"variant"`
	Config  struct {
		Variant string  `json:"variant"`
		V       int     `json:"V"`
		VSrc    int     `json:"V_src"`
		D       int     `json:"d"`
		H       int     `json:"h"`
		DFF     int     `json:"dff"`
		L       int     `json:"L"`
		LEnc    int     `json:"L_enc"`
		LDec    int     `json:"L_dec"`
		T       int     `json:"T"`
		TSrc    int     `json:"T_src"`
		TTgt    int     `json:"T_tgt"`
		MaxLen  int     `json:"maxLen"`
		B       int     `json:"B"`
		Act     string  `json:"act"`
		Seed    uint32  `json:"seed"`
		Eps     float64 `json:"eps"`
	} `json:"config"`
	PRNG struct {
		Algorithm    string    `json:"algorithm"`
		Seed         uint32    `json:"seed"`
		FirstOutputs []float64 `json:"first_outputs"`
	} `json:"prng"`
	ParamOrder []string               `json:"param_order"`
	Params     map[string]modelTensor `json:"params"`
	Inputs     map[string]modelTensor `json:"inputs"`
	Attention  []struct {
		Name string `json:"name"`
		modelTensor
	} `json:"attention"`
	FinalHidden  modelTensor            `json:"final_hidden"`
	Logits       modelTensor            `json:"logits"`
	Loss         float64                `json:"loss"`
	Grads        map[string]modelTensor `json:"grads"`
	ReferenceF64 struct {
		Loss    float64                `json:"loss"`
		Logits  modelTensor            `json:"logits"`
		GradsFD map[string]modelTensor `json:"grads_fd"`
	} `json:"reference_f64"`
}

// modelConfig returns the transformer config and the run sizes (B, T,
// tSrc) of a fixture.
func (f *modelFixture) modelConfig() (cfg transformer.Config, batch, T, tSrc int) {
	c := f.Config
	cfg = transformer.Config{
		Variant: c.Variant, V: c.V, D: c.D, Heads: c.H, DFF: c.DFF,
		MaxLen: c.MaxLen, Act: c.Act, Eps: c.Eps,
	}
	T = c.T
	if c.Variant == transformer.EncDec {
		cfg.VSrc, cfg.LEnc, cfg.LDec = c.VSrc, c.LEnc, c.LDec
		T, tSrc = c.TTgt, c.TSrc
	} else {
		cfg.Layers = c.L
	}
	return cfg, c.B, T, tSrc
}

// checkModelFixture checks the transformer against one model fixture:
// PRNG, initialisation and data draw; then, on the fixture's parameters,
// loss, logits, every attention map, the final hidden state and every
// parameter gradient, against both tfjs float32 and float64 references;
// then the properties of SPEC.md section 4.
func checkModelFixture(t *testing.T, raw []byte) {
	var f modelFixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("parse model fixture: %v", err)
	}
	cfg, batch, T, tSrc := f.modelConfig()
	if f.Variant != cfg.Variant {
		t.Fatalf("fixture variant %q, config variant %q", f.Variant, cfg.Variant)
	}
	checkPRNG(t, &f)

	// The model rebuilt from the seed has the fixture's parameters, bit for
	// bit, and the stream then yields the fixture's ids.
	rng := engine.NewMulberry32(f.Config.Seed)
	m, err := transformer.NewFromRNG(cfg, rng)
	if err != nil {
		t.Fatalf("transformer.NewFromRNG(%+v) error: %v", cfg, err)
	}
	checkInit(t, &f, m)
	checkDraw(t, &f, transformer.DrawBatch(cfg, rng, batch, T, tSrc))

	// From here on the model runs on the fixture's parameters, so the
	// checks below do not depend on the initialisation being right.
	params := map[string]*engine.Tensor{}
	for name, p := range f.Params {
		params[name] = engine.FromData(slices.Clone(p.Data), p.Shape...)
	}
	if err := m.SetParams(params); err != nil {
		t.Fatalf("load fixture params: %v", err)
	}
	g, err := m.Build(batch, T, tSrc)
	if err != nil {
		t.Fatalf("Build(%d, %d, %d) error: %v", batch, T, tSrc, err)
	}
	in := transformer.Batch{Input: fixtureIDs(t, f.Inputs, "input_ids"), Target: fixtureIDs(t, f.Inputs, "target_ids")}
	if cfg.Variant == transformer.EncDec {
		in.Src = fixtureIDs(t, f.Inputs, "src_ids")
	}
	if err := m.Feed(g, in); err != nil {
		t.Fatalf("feed fixture ids: %v", err)
	}
	loss := g.Forward()
	g.Backward()

	// Against tfjs float32.
	if !closeTo(loss, f.Loss, 0, tfLossRel) {
		t.Errorf("loss = %.10g, want %.10g (tfjs, rel %g)", loss, f.Loss, tfLossRel)
	}
	logits := g.MustNode("logits").Value
	dLogits := compareTensor(t, "logits (tfjs)", logits, f.Logits, tfAbs, 0)
	final := "ln_f"
	if cfg.Variant == transformer.EncDec {
		final = "dec.ln_f"
	}
	dHidden := compareTensor(t, "final_hidden (tfjs)", g.MustNode(final).Value, f.FinalHidden, tfAbs, 0)
	dAttn := checkAttention(t, &f, g)
	dGrad := checkGrads(t, "grads (tfjs)", g, f.Grads, tfGradAbs, tfGradRel)

	// Against the float64 references.
	if !closeTo(loss, f.ReferenceF64.Loss, f64Tol, f64Tol) {
		t.Errorf("loss = %.17g, want %.17g (reference_f64, tolerance %g)", loss, f.ReferenceF64.Loss, f64Tol)
	}
	dLogits64 := compareTensor(t, "logits (reference_f64)", logits, f.ReferenceF64.Logits, f64Tol, f64Tol)
	dFD := checkGrads(t, "grads (grads_fd)", g, f.ReferenceF64.GradsFD, fdTol, 0)
	dBK := 0.0
	for _, p := range g.Params() {
		if strings.HasSuffix(p.Name, ".bk") {
			for i, v := range p.Grad.Data {
				dBK = math.Max(dBK, math.Abs(v))
				if math.Abs(v) > bkTol {
					t.Errorf("grad %s[%d] = %g, want 0 (within %g)", p.Name, i, v, bkTol)
				}
			}
		}
	}
	t.Logf("max |diff| vs tfjs: loss %.2g, logits %.2g, attention %.2g, hidden %.2g, grads %.2g; "+
		"vs float64: loss %.2g, logits %.2g, grads_fd %.2g; max |grad *.bk| %.2g",
		math.Abs(loss-f.Loss), dLogits, dAttn, dHidden, dGrad,
		math.Abs(loss-f.ReferenceF64.Loss), dLogits64, dFD, dBK)

	checkCausalRows(t, g)
	checkLastTokenChange(t, m, g, in)
}

// checkPRNG compares mulberry32's first outputs with the fixture's,
// exactly: both are the same dyadic rationals.
func checkPRNG(t *testing.T, f *modelFixture) {
	if f.PRNG.Algorithm != "mulberry32" || f.PRNG.Seed != f.Config.Seed || len(f.PRNG.FirstOutputs) == 0 {
		t.Fatalf("prng = %s seed %d with %d outputs, want mulberry32 seed %d with outputs",
			f.PRNG.Algorithm, f.PRNG.Seed, len(f.PRNG.FirstOutputs), f.Config.Seed)
	}
	r := engine.NewMulberry32(f.PRNG.Seed)
	for i, want := range f.PRNG.FirstOutputs {
		if got := r.Next(); got != want {
			t.Errorf("Mulberry32(%d) output %d = %.17g, want %.17g", f.PRNG.Seed, i, got, want)
		}
	}
}

// checkInit compares the seeded model's parameters with the fixture's, as
// float32 and exactly, and the parameter order with param_order.
func checkInit(t *testing.T, f *modelFixture, m *transformer.Model) {
	if !slices.Equal(m.Order, f.ParamOrder) {
		t.Fatalf("parameter order = %v, want %v", m.Order, f.ParamOrder)
	}
	if len(f.Params) != len(m.Order) {
		t.Fatalf("fixture has %d params, model %d", len(f.Params), len(m.Order))
	}
	for _, name := range m.Order {
		got, want := m.Params[name], f.Params[name]
		if !engine.SameShape(got.Shape, want.Shape) || len(want.Data) != got.Size() {
			t.Errorf("param %s shape = %v, want %v (%d values)", name, got.Shape, want.Shape, len(want.Data))
			continue
		}
		bad := 0
		for i, w := range want.Data {
			if float32(got.Data[i]) != float32(w) || got.Data[i] != w {
				if bad++; bad <= 3 {
					t.Errorf("init %s[%d] = %.9g, want %.9g (bit for bit)", name, i, got.Data[i], w)
				}
			}
		}
	}
}

// checkDraw compares the ids drawn after the parameters with the fixture's.
func checkDraw(t *testing.T, f *modelFixture, b transformer.Batch) {
	drawn := map[string][][]int{"input_ids": b.Input, "target_ids": b.Target}
	if b.Src != nil {
		drawn["src_ids"] = b.Src
	}
	if len(drawn) != len(f.Inputs) {
		t.Errorf("drew %d id tensors, fixture has %d", len(drawn), len(f.Inputs))
	}
	for name, rows := range drawn {
		want := fixtureIDs(t, f.Inputs, name)
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("DrawBatch %s = %v, want %v", name, rows, want)
		}
	}
}

// fixtureIDs returns the named [B, T] id tensor of the fixture as rows.
func fixtureIDs(t *testing.T, inputs map[string]modelTensor, name string) [][]int {
	in, ok := inputs[name]
	if !ok || len(in.Shape) != 2 || len(in.Data) != in.Shape[0]*in.Shape[1] {
		t.Fatalf("fixture input %s missing or not [B, T]", name)
	}
	rows := make([][]int, in.Shape[0])
	for b := range rows {
		rows[b] = make([]int, in.Shape[1])
		for i := range rows[b] {
			v := in.Data[b*in.Shape[1]+i]
			if v != math.Trunc(v) {
				t.Fatalf("fixture %s holds non-integer id %v", name, v)
			}
			rows[b][i] = int(v)
		}
	}
	return rows
}

// checkAttention compares the fixture's attention maps, [B, h, Tq, Tk] in
// execution order, with the probs nodes of each head, and returns the
// largest difference.
func checkAttention(t *testing.T, f *modelFixture, g *engine.Graph) float64 {
	var scopes []string
	heads := map[string][]transformer.AttnRef{}
	for _, r := range transformer.AttentionNodes(g) {
		if len(heads[r.Scope]) == 0 {
			scopes = append(scopes, r.Scope)
		}
		heads[r.Scope] = append(heads[r.Scope], r)
	}
	var names []string
	for _, a := range f.Attention {
		names = append(names, a.Name)
	}
	if !slices.Equal(scopes, names) {
		t.Fatalf("attention in execution order = %v, want %v", scopes, names)
	}
	worst := 0.0
	for _, a := range f.Attention {
		refs := heads[a.Name]
		if len(a.Shape) != 4 || a.Shape[1] != len(refs) {
			t.Errorf("attention %s shape %v, want [B, %d, Tq, Tk]", a.Name, a.Shape, len(refs))
			continue
		}
		B, h, tq, tk := a.Shape[0], a.Shape[1], a.Shape[2], a.Shape[3]
		for j, r := range refs {
			// Head j of [B, h, Tq, Tk] as [B, Tq, Tk].
			want := modelTensor{Shape: []int{B, tq, tk}}
			for b := range B {
				off := (b*h + j) * tq * tk
				want.Data = append(want.Data, a.Data[off:off+tq*tk]...)
			}
			d := compareTensor(t, r.Probs+" (tfjs)", g.MustNode(r.Probs).Value, want, tfAbs, 0)
			worst = math.Max(worst, d)
		}
	}
	return worst
}

// checkGrads compares every parameter gradient of g with want, which must
// name exactly the graph's parameters, and returns the largest difference.
// Key-bias gradients (*.bk, true value 0) are compared with the absolute
// tolerance alone.
func checkGrads(t *testing.T, what string, g *engine.Graph, want map[string]modelTensor, abs, rel float64) float64 {
	params := g.Params()
	if len(want) != len(params) {
		t.Errorf("%s: fixture has %d tensors, model %d parameters", what, len(want), len(params))
	}
	worst := 0.0
	for _, p := range params {
		w, ok := want[p.Name]
		if !ok {
			t.Errorf("%s: no gradient for %s", what, p.Name)
			continue
		}
		r := rel
		if strings.HasSuffix(p.Name, ".bk") {
			r = 0
		}
		worst = math.Max(worst, compareTensor(t, what+" "+p.Name, p.Grad, w, abs, r))
	}
	return worst
}

// closeTo reports whether |got - want| <= abs + rel*|want|.
func closeTo(got, want, abs, rel float64) bool {
	return math.Abs(got-want) <= abs+rel*math.Abs(want)
}

// compareTensor checks got against want element by element within
// abs + rel*|want|, reports the first few failures, and returns the
// largest absolute difference.
func compareTensor(t *testing.T, what string, got *engine.Tensor, want modelTensor, abs, rel float64) float64 {
	t.Helper()
	if !engine.SameShape(got.Shape, want.Shape) || len(want.Data) != got.Size() {
		t.Errorf("%s: shape %v, want %v (%d values)", what, got.Shape, want.Shape, len(want.Data))
		return math.Inf(1)
	}
	worst, bad := 0.0, 0
	for i, w := range want.Data {
		d := math.Abs(got.Data[i] - w)
		worst = math.Max(worst, d)
		if !closeTo(got.Data[i], w, abs, rel) {
			if bad++; bad <= 3 {
				t.Errorf("%s[%d] = %.10g, want %.10g (tolerance %g + %g|want|)", what, i, got.Data[i], w, abs, rel)
			}
		}
	}
	return worst
}

// checkCausalRows asserts SPEC section 4 on every causal attention head:
// future keys get probability exactly 0, so the first query's row is
// exactly [1, 0, ..., 0]; and every row of every head sums to 1.
func checkCausalRows(t *testing.T, g *engine.Graph) {
	for _, r := range transformer.AttentionNodes(g) {
		p := g.MustNode(r.Probs).Value
		tq, tk := p.Dim(-2), p.Dim(-1)
		for row := 0; row < p.Size()/tk; row++ {
			i := row % tq
			sum := 0.0
			for k, v := range p.Data[row*tk : (row+1)*tk] {
				sum += v
				if r.Causal && k > i && v != 0 {
					t.Errorf("%s[row %d][key %d] = %g, want exactly 0 (future key)", r.Probs, row, k, v)
				}
				if r.Causal && i == 0 && k == 0 && v != 1 {
					t.Errorf("%s[row %d][key 0] = %.17g, want exactly 1", r.Probs, row, v)
				}
			}
			// A float64 sum of tk <= 128 terms in [0, 1] is off by at most
			// tk ulps of 1, below 1e-13.
			if math.Abs(sum-1) > 1e-13 {
				t.Errorf("%s row %d sums to %.17g, want 1", r.Probs, row, sum)
			}
		}
	}
}

// checkLastTokenChange changes the last input token of every row and
// reruns the forward pass. With causal self-attention (decoder and
// encdec) the logits of every earlier position stay exactly the same;
// the encoder's unmasked attention lets the change reach them.
func checkLastTokenChange(t *testing.T, m *transformer.Model, g *engine.Graph, in transformer.Batch) {
	before := g.MustNode("logits").Value.Clone()
	changed := transformer.Batch{Src: in.Src, Target: in.Target}
	for _, row := range in.Input {
		row = slices.Clone(row)
		row[len(row)-1] = (row[len(row)-1] + 1) % m.V
		changed.Input = append(changed.Input, row)
	}
	if err := m.Feed(g, changed); err != nil {
		t.Fatalf("feed changed ids: %v", err)
	}
	g.Forward()
	after := g.MustNode("logits").Value
	T, V := after.Dim(-2), after.Dim(-1)
	var earlier, last float64
	for i := range after.Data {
		d := math.Abs(after.Data[i] - before.Data[i])
		if (i/V)%T == T-1 {
			last = math.Max(last, d)
		} else {
			earlier = math.Max(earlier, d)
		}
	}
	if last == 0 {
		t.Errorf("changing the last token left its own logits unchanged")
	}
	switch {
	case m.Variant == transformer.Encoder && T > 1 && earlier == 0:
		t.Errorf("encoder: changing the last token left earlier logits unchanged, want a change (unmasked attention)")
	case m.Variant != transformer.Encoder && earlier != 0:
		t.Errorf("%s: changing the last token changed earlier logits by %g, want exactly 0 (causal mask)", m.Variant, earlier)
	}
	t.Logf("last-token change: earlier positions %.3g, last position %.3g", earlier, last)
	if err := m.Feed(g, in); err != nil {
		t.Fatalf("restore ids: %v", err)
	}
	g.Forward()
}
