package widget

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/safetensors"
)

// newTestLab builds a lab with opts and fails the test on an error.
func newTestLab(t *testing.T, opts map[string]string) (*labWidget, *recorder) {
	t.Helper()
	return newWidget[*labWidget](t, "lab", opts)
}

// labBound is one value of one option and the answer it must get.
type labBound struct {
	name, value string
	code        protocol.Code // "" for a valid value
}

// labBounds lists, for every option, the values at its bounds and just
// past them, and malformed values. The default model is d 16, heads 2,
// n 3, k 7.
var labBounds = []labBound{
	{"arch", "encoder", ""}, {"arch", "decoder", ""}, {"arch", "encdec", ""}, {"arch", "gpt", protocol.CodeBadField},
	{"layers", "1", ""}, {"layers", "4", ""}, {"layers", "0", protocol.CodeOutOfRange}, {"layers", "5", protocol.CodeOutOfRange},
	{"layers", "two", protocol.CodeBadField},
	{"d", "4", ""}, {"d", "64", ""}, {"d", "3", protocol.CodeOutOfRange}, {"d", "65", protocol.CodeOutOfRange},
	{"d", "15", protocol.CodeOutOfRange}, // not a multiple of 2 heads
	{"heads", "1", ""}, {"heads", "8", ""}, {"heads", "0", protocol.CodeOutOfRange}, {"heads", "9", protocol.CodeOutOfRange},
	{"heads", "3", protocol.CodeOutOfRange}, // does not divide d 16
	{"heads", "2.5", protocol.CodeBadField},
	{"dff", "4", ""}, {"dff", "256", ""}, {"dff", "3", protocol.CodeOutOfRange}, {"dff", "257", protocol.CodeOutOfRange},
	{"n", "2", ""}, {"n", "8", ""}, {"n", "1", protocol.CodeOutOfRange}, {"n", "9", protocol.CodeOutOfRange},
	{"k", "2", ""}, {"k", "16", ""}, {"k", "1", protocol.CodeOutOfRange}, {"k", "17", protocol.CodeOutOfRange},
	{"act", "relu", ""}, {"act", "gelu_tanh", ""}, {"act", "tanh", protocol.CodeBadField},
	{"task", "copy", ""}, {"task", "reverse", ""}, {"task", "sort", ""}, {"task", "add", protocol.CodeBadField},
	{"seed", "0", ""}, {"seed", "4294967295", ""}, {"seed", "-1", protocol.CodeOutOfRange}, {"seed", "4294967296", protocol.CodeOutOfRange},
	{"opt", "sgd", ""}, {"opt", "adam", ""}, {"opt", "rmsprop", protocol.CodeBadField},
	{"lr", "1", ""}, {"lr", "1e-6", ""}, {"lr", "0", protocol.CodeOutOfRange}, {"lr", "1.5", protocol.CodeOutOfRange},
	{"lr", "NaN", protocol.CodeBadField},
	{"causal", "true", ""}, {"causal", "false", ""}, {"causal", "maybe", protocol.CodeBadField},
	{"tokens", "abc", ""}, {"tokens", "gfe", ""}, {"tokens", "0,1,6", ""}, {"tokens", "", ""},
	{"tokens", "abcd", protocol.CodeOutOfRange}, {"tokens", "ab", protocol.CodeOutOfRange},
	{"tokens", "abh", protocol.CodeOutOfRange}, {"tokens", "0,7,1", protocol.CodeOutOfRange},
	{"tokens", "a-c", protocol.CodeBadField}, {"tokens", "0,x,1", protocol.CodeBadField},
	{"step", "0", ""}, {"step", "end", ""}, {"step", "-1", protocol.CodeOutOfRange}, {"step", "end+1", protocol.CodeOutOfRange},
	{"collapsed", "layers.0.attn,embed", ""}, {"collapsed", "", ""}, {"collapsed", "layers 0", protocol.CodeBadField},
	{"collapsed", strings.Repeat("s", labMaxScopeName+1), protocol.CodeBadField},
	{"collapsed", manyScopes(labMaxCollapsed + 1), protocol.CodeOutOfRange},
	{"colour", "red", protocol.CodeUnknownParam},
}

func manyScopes(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = "s" + strconv.Itoa(i)
	}
	return strings.Join(s, ",")
}

// stepValue turns "end" and "end+1" into indices of the default timeline.
func stepValue(v string, total int) string {
	switch v {
	case "end":
		return strconv.Itoa(total)
	case "end+1":
		return strconv.Itoa(total + 1)
	}
	return v
}

// TestLabOptionBounds checks every option at and past its bounds, both in
// configure and in set: a valid value is taken, an invalid one answers
// its code with the option named in Field, and set leaves the model as it
// was.
func TestLabOptionBounds(t *testing.T) {
	ref, _ := newTestLab(t, nil)
	total := ref.step.st.Total()
	for _, c := range labBounds {
		value := stepValue(c.value, total)
		env, _ := newEnv(t)
		w, e := NewLab(env, map[string]string{c.name: value})
		switch {
		case c.code == "" && e != nil:
			t.Errorf("NewLab(%s=%q) error %v, want none", c.name, value, e)
		case c.code != "" && (e == nil || e.Code != c.code || e.Field != c.name):
			t.Errorf("NewLab(%s=%q) error %+v, want code %s at field %s", c.name, value, e, c.code, c.name)
		}
		if w != nil {
			w.Close()
		}

		lab, rec := newTestLab(t, nil)
		before, lm, opts := lab.step, lab.lm, lab.opts.text()
		e = lab.Handle(&protocol.Request{Type: protocol.TypeSet, ID: 5, Name: c.name, Value: value})
		if c.code == "" {
			if e != nil {
				t.Errorf("set %s=%q error %v, want none", c.name, value, e)
			} else if len(rec.take()) == 0 {
				t.Errorf("set %s=%q sent nothing, want an answer", c.name, value)
			}
			continue
		}
		if e == nil || e.Code != c.code || e.Field != c.name {
			t.Errorf("set %s=%q error %+v, want code %s at field %s", c.name, value, e, c.code, c.name)
		}
		if !strings.Contains(e.Message, c.name) && c.code != protocol.CodeUnknownParam {
			t.Errorf("set %s=%q message %q does not name the field", c.name, value, e.Message)
		}
		if lab.step != before || lab.lm != lm || !mapsEqual(lab.opts.text(), opts) {
			t.Errorf("set %s=%q (refused) changed the model: options %v, want %v", c.name, value, lab.opts.text(), opts)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestLabConfigureReproduces checks the URL state: a lab configured with
// the options another lab reports (after sets, with the cursor) has the
// same graph, input and cursor.
func TestLabConfigureReproduces(t *testing.T) {
	a, rec := newTestLab(t, nil)
	for _, s := range [][2]string{{"arch", "encdec"}, {"heads", "4"}, {"tokens", "dbf"}, {"collapsed", "enc.layers.0.ffn"}, {"seed", "9"}, {"lr", "0.05"}, {"step", "40"}} {
		if e := a.Handle(&protocol.Request{Type: protocol.TypeSet, Name: s[0], Value: s[1]}); e != nil {
			t.Fatalf("set %s=%s: %v", s[0], s[1], e)
		}
	}
	// The page keeps its URL from the options it sends and the cursor of
	// the node messages; a graph message tells it the options the model
	// was built with (lr came after the last one).
	msgs := rec.take()
	g := last[*protocol.LabGraph](msgs)
	cur := last[*protocol.Node](msgs).Step.Index
	opts := g.Options
	if opts["tokens"] != "dbf" || opts["seed"] != "9" || opts["heads"] != "4" {
		t.Errorf("graph options = %v, want tokens dbf, seed 9, heads 4", opts)
	}
	opts["lr"] = "0.05"
	opts["step"] = strconv.Itoa(cur)
	b, rec2 := newTestLab(t, opts)
	b.Start(1)
	g2 := last[*protocol.LabGraph](rec2.take())
	delete(opts, "step")
	if g2.SVG != g.SVG || !mapsEqual(g2.Options, opts) || b.opts.LR != 0.05 {
		t.Errorf("lab configured with %v: graph differs (options %v)", opts, g2.Options)
	}
	if b.step.st.Pos() != 40 || !slices.Equal(b.lm.input, a.lm.input) || !slices.Equal(b.lm.input, []int{3, 1, 5}) {
		t.Errorf("lab configured with %v: cursor %d input %v, want 40 and %v", opts, b.step.st.Pos(), b.lm.input, a.lm.input)
	}
	for name, p := range a.lm.model.Params {
		if !slices.Equal(p.Data, b.lm.model.Params[name].Data) {
			t.Errorf("param %s differs between the two labs", name)
		}
	}
}

// TestLabDropsTokensThatNoLongerFit checks that a new length discards the
// learner's input (back to the seed's) instead of refusing the change.
func TestLabDropsTokensThatNoLongerFit(t *testing.T) {
	lab, rec := newTestLab(t, map[string]string{"tokens": "abc"})
	if e := lab.Handle(&protocol.Request{Type: protocol.TypeSet, Name: "k", Value: "3"}); e != nil {
		t.Fatal(e)
	}
	if g := last[*protocol.LabGraph](rec.take()); g.Options["tokens"] != "abc" {
		t.Errorf("after k 3, tokens option = %q, want abc (it still fits)", g.Options["tokens"])
	}
	if e := lab.Handle(&protocol.Request{Type: protocol.TypeSet, Name: "n", Value: "4"}); e != nil {
		t.Fatal(e)
	}
	g := last[*protocol.LabGraph](rec.take())
	if _, ok := g.Options["tokens"]; ok || len(lab.lm.input) != 4 {
		t.Errorf("after n 4: tokens option %q, input %v, want none and 4 drawn symbols", g.Options["tokens"], lab.lm.input)
	}
}

// TestCarryCursor checks where the cursor goes after a rebuild.
func TestCarryCursor(t *testing.T) {
	cases := []struct{ pos, oldTotal, newTotal, want int }{
		{0, 100, 140, 0},
		{10, 100, 140, 10},   // in the forward pass: same index
		{45, 100, 80, 40},    // forward index past the new forward pass: its end
		{50, 100, 140, 70},   // end of forward stays the end of forward
		{55, 100, 140, 75},   // five steps into backward
		{100, 100, 140, 140}, // the end stays the end
		{95, 100, 60, 60},    // past the end of a shorter backward pass
	}
	for _, c := range cases {
		if got := carryCursor(c.pos, c.oldTotal, c.newTotal); got != c.want {
			t.Errorf("carryCursor(%d, %d, %d) = %d, want %d", c.pos, c.oldTotal, c.newTotal, got, c.want)
		}
	}
}

// TestLabExportWeights reads an exported weights file back and compares it
// with the model's parameters rounded to float32, bit for bit.
func TestLabExportWeights(t *testing.T) {
	lab, _ := newTestLab(t, nil)
	m, e := lab.export(&protocol.Request{Type: protocol.TypeExport, What: protocol.ExportWeights})
	if e != nil {
		t.Fatal(e)
	}
	if m.Encoding != protocol.EncodingBase64 || !strings.HasSuffix(m.Filename, ".safetensors") {
		t.Errorf("weights export %q encoding %q, want a .safetensors file in base64", m.Filename, m.Encoding)
	}
	raw, err := base64.StdEncoding.DecodeString(m.Data)
	if err != nil {
		t.Fatal(err)
	}
	got, meta, err := safetensors.Read(bytes.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	if meta["heads"] != "2" || meta["trained_steps"] != "0" {
		t.Errorf("weights metadata = %v, want heads 2 and trained_steps 0", meta)
	}
	if len(got) != len(lab.lm.model.Params) {
		t.Errorf("weights file holds %d tensors, want %d", len(got), len(lab.lm.model.Params))
	}
	for name, p := range lab.lm.model.Params {
		g := got[name]
		if g == nil || !slices.Equal(g.Shape, p.Shape) {
			t.Errorf("tensor %s = %v, want shape %v", name, g, p.Shape)
			continue
		}
		for i, v := range p.Data {
			if g.Data[i] != float64(float32(v)) {
				t.Fatalf("%s[%d] = %v, want float32(%v)", name, i, g.Data[i], v)
			}
		}
	}
}

// TestLabExportTrace checks that the trace lists every node, with -inf
// cells of the causal mask written as strings, and values only for what
// the pass has computed.
func TestLabExportTrace(t *testing.T) {
	lab, _ := newTestLab(t, nil)
	lab.step.seek(lab.step.st.Total()/2 + 3) // forward done, three backward steps
	m, e := lab.export(&protocol.Request{Type: protocol.TypeExport, What: protocol.ExportTrace})
	if e != nil {
		t.Fatal(e)
	}
	var tr struct {
		Cursor protocol.Cursor
		Nodes  []struct {
			Name     string
			Computed bool
			Shape    []int
			Value    []any
			Grad     []any
		}
	}
	if err := json.Unmarshal([]byte(m.Data), &tr); err != nil {
		t.Fatalf("trace is not JSON: %v", err)
	}
	g := lab.lm.g
	if len(tr.Nodes) != len(g.Nodes) || tr.Cursor.Index != lab.step.st.Pos() {
		t.Fatalf("trace has %d nodes at cursor %d, want %d at %d", len(tr.Nodes), tr.Cursor.Index, len(g.Nodes), lab.step.st.Pos())
	}
	grads := 0
	for i, n := range tr.Nodes {
		want := g.Nodes[i]
		if n.Name != want.Name || len(n.Value) != want.Value.Size() {
			t.Errorf("trace node %d = %s with %d values, want %s with %d", i, n.Name, len(n.Value), want.Name, want.Value.Size())
			continue
		}
		for j, v := range n.Value {
			x := want.Value.Data[j]
			switch v := v.(type) {
			case string:
				if v != "-inf" || !math.IsInf(x, -1) {
					t.Errorf("%s[%d] = %q, want %v", n.Name, j, v, x)
				}
			case float64:
				if v != x {
					t.Errorf("%s[%d] = %v, want %v", n.Name, j, v, x)
				}
			}
		}
		if n.Grad != nil {
			grads++
		}
	}
	// The loss, logits (bias add) and its two inputs have gradients after
	// three backward steps; a fresh run has none.
	if grads == 0 {
		t.Errorf("trace after three backward steps has no gradient")
	}
	if n := tr.Nodes[g.MustNode("layers.0.attn.head.0.masked").ID]; !slices.Contains(n.Value, any("-inf")) {
		t.Errorf("masked scores in the trace = %v, want -inf cells", n.Value)
	}
}

// TestLabExportDrawings checks the graph and heatmap exports and the
// errors of a heatmap export.
func TestLabExportDrawings(t *testing.T) {
	lab, _ := newTestLab(t, nil)
	lab.step.seek(lab.step.st.Total())
	cases := []struct {
		req  protocol.Request
		want string // in the SVG
		code protocol.Code
	}{
		{protocol.Request{What: protocol.ExportGraph}, `data-testid="node-layers.0.attn.head.1.probs"`, ""},
		{protocol.Request{What: protocol.ExportHeatmap, Node: "layers.0.attn.head.1.probs", Tensor: protocol.TensorValue}, `class="hm"`, ""},
		{protocol.Request{What: protocol.ExportHeatmap, Node: "head.w", Tensor: protocol.TensorGrad}, `class="hm"`, ""},
		{protocol.Request{What: protocol.ExportHeatmap, Node: "nope", Tensor: protocol.TensorValue}, "", protocol.CodeUnknownNode},
		{protocol.Request{What: protocol.ExportHeatmap, Node: "input_ids", Tensor: protocol.TensorGrad}, "", protocol.CodeBadField},
	}
	for _, c := range cases {
		c.req.Type = protocol.TypeExport
		m, e := lab.export(&c.req)
		if c.code != "" {
			if e == nil || e.Code != c.code {
				t.Errorf("export %+v error %v, want %s", c.req, e, c.code)
			}
			continue
		}
		if e != nil {
			t.Fatalf("export %+v: %v", c.req, e)
		}
		if m.MIME != "image/svg+xml" || m.Encoding != protocol.EncodingText || !strings.Contains(m.Data, c.want) {
			t.Errorf("export %+v = %s %s %.80q..., want an SVG with %s", c.req, m.MIME, m.Encoding, m.Data, c.want)
		}
	}
}

// TestLabTrainingSharesWeights trains a few chunks and checks that the
// stepped graph computes with the trained weights, and the samples come.
func TestLabTrainingSharesWeights(t *testing.T) {
	lab, rec := newTestLab(t, nil)
	wq := lab.lm.model.Params["layers.0.attn.wq"]
	before := slices.Clone(wq.Data)
	lab.trainChunk()
	if slices.Equal(before, wq.Data) {
		t.Fatalf("a training chunk left layers.0.attn.wq unchanged")
	}
	if got := lab.lm.g.MustNode("layers.0.attn.wq").Value; got != wq {
		t.Errorf("the stepped graph's wq is not the model's tensor")
	}
	m := last[*protocol.LabMetrics](rec.take())
	// A chunk is at most labChunkSteps steps, fewer if they are slow.
	if m == nil || m.Step < 1 || m.Step > labChunkSteps || len(m.Samples) != labSamples || !m.Training {
		t.Errorf("metrics after a chunk = %+v, want step 1 to %d, %d samples, training", m, labChunkSteps, labSamples)
	}
}
