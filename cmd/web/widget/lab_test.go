package widget

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/safetensors"
	"stepgraph/exhibit"
)

// labOf returns the lab exhibit a lab widget adapts.
func labOf(w *adapter) *exhibit.Lab { return w.ex.(*exhibit.Lab) }

// labText returns a lab widget's options as its graph message gives them.
func labText(w *adapter) map[string]string { return exhibit.LabOptions.Text(w.ex.Values()) }

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
	{"collapsed", strings.Repeat("s", exhibit.LabMaxScopeName+1), protocol.CodeBadField},
	{"collapsed", manyScopes(exhibit.LabMaxCollapsed + 1), protocol.CodeOutOfRange},
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
	ref, _ := newWidget(t, "lab", nil)
	total := ref.ex.Stepping().Stepper().Total()
	configure := factory(t, "lab")
	for _, c := range labBounds {
		value := stepValue(c.value, total)
		env, _ := newEnv(t)
		w, e := configure(env, map[string]string{c.name: value})
		switch {
		case c.code == "" && e != nil:
			t.Errorf("configure(%s=%q) error %v, want none", c.name, value, e)
		case c.code != "" && (e == nil || e.Code != c.code || e.Field != c.name):
			t.Errorf("configure(%s=%q) error %+v, want code %s at field %s", c.name, value, e, c.code, c.name)
		}
		if w != nil {
			w.Close()
		}

		lab, rec := newWidget(t, "lab", nil)
		before, model, opts := lab.ex.Stepping(), labOf(lab).Model(), labText(lab)
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
		if lab.ex.Stepping() != before || labOf(lab).Model() != model || !maps.Equal(labText(lab), opts) {
			t.Errorf("set %s=%q (refused) changed the model: options %v, want %v", c.name, value, labText(lab), opts)
		}
	}
}

// TestLabConfigureReproduces checks the URL state: a lab configured with
// the options another lab reports (after sets, with the cursor) has the
// same graph, input and cursor.
func TestLabConfigureReproduces(t *testing.T) {
	a, rec := newWidget(t, "lab", nil)
	for _, s := range [][2]string{{"arch", "encdec"}, {"heads", "4"}, {"tokens", "dbf"}, {"collapsed", "enc.layers.0.ffn"}, {"seed", "9"}, {"lr", "0.05"}, {"step", "40"}} {
		if e := a.Handle(&protocol.Request{Type: protocol.TypeSet, Name: s[0], Value: s[1]}); e != nil {
			t.Fatalf("set %s=%s: %v", s[0], s[1], e)
		}
	}
	// The page keeps its URL from the options it sends and the cursor of
	// the node messages; a graph message tells it the options the model
	// was built with (lr came after the last one).
	msgs := rec.take()
	g := last[*protocol.Graph](msgs)
	cur := last[*protocol.Node](msgs).Step.Index
	opts := g.Options
	if opts["tokens"] != "dbf" || opts["seed"] != "9" || opts["heads"] != "4" {
		t.Errorf("graph options = %v, want tokens dbf, seed 9, heads 4", opts)
	}
	opts["lr"] = "0.05"
	opts["step"] = strconv.Itoa(cur)
	b, rec2 := newWidget(t, "lab", opts)
	b.Start(1)
	g2 := last[*protocol.Graph](rec2.take())
	delete(opts, "step")
	if g2.SVG != g.SVG || !maps.Equal(g2.Options, opts) || b.ex.Values().Float("lr") != 0.05 {
		t.Errorf("lab configured with %v: graph differs (options %v)", opts, g2.Options)
	}
	pos, input := b.ex.Stepping().Stepper().Pos(), labOf(b).Input()
	if pos != 40 || !slices.Equal(input, labOf(a).Input()) || !slices.Equal(input, []int{3, 1, 5}) {
		t.Errorf("lab configured with %v: cursor %d input %v, want 40 and %v", opts, pos, input, labOf(a).Input())
	}
	for name, p := range labOf(a).Model().Params {
		if !slices.Equal(p.Data, labOf(b).Model().Params[name].Data) {
			t.Errorf("param %s differs between the two labs", name)
		}
	}
}

// TestLabDropsTokensThatNoLongerFit checks that a new length discards the
// learner's input (back to the seed's) instead of refusing the change.
func TestLabDropsTokensThatNoLongerFit(t *testing.T) {
	lab, rec := newWidget(t, "lab", map[string]string{"tokens": "abc"})
	if e := lab.Handle(&protocol.Request{Type: protocol.TypeSet, Name: "k", Value: "3"}); e != nil {
		t.Fatal(e)
	}
	if g := last[*protocol.Graph](rec.take()); g.Options["tokens"] != "abc" {
		t.Errorf("after k 3, tokens option = %q, want abc (it still fits)", g.Options["tokens"])
	}
	if e := lab.Handle(&protocol.Request{Type: protocol.TypeSet, Name: "n", Value: "4"}); e != nil {
		t.Fatal(e)
	}
	g := last[*protocol.Graph](rec.take())
	if _, ok := g.Options["tokens"]; ok || len(labOf(lab).Input()) != 4 {
		t.Errorf("after n 4: tokens option %q, input %v, want none and 4 drawn symbols", g.Options["tokens"], labOf(lab).Input())
	}
}

// TestLabExportWeights reads an exported weights file back and compares it
// with the model's parameters rounded to float32, bit for bit.
func TestLabExportWeights(t *testing.T) {
	lab, _ := newWidget(t, "lab", nil)
	m := exportOf(t, lab, protocol.Request{Type: protocol.TypeExport, What: protocol.ExportWeights})
	if m.MIME != "application/octet-stream" || !strings.HasSuffix(m.Name, ".safetensors") {
		t.Errorf("weights export %q %q, want a .safetensors file", m.Name, m.MIME)
	}
	got, meta, err := safetensors.Read(bytes.NewReader(m.Data), 0)
	if err != nil {
		t.Fatal(err)
	}
	if meta["heads"] != "2" || meta["trained_steps"] != "0" {
		t.Errorf("weights metadata = %v, want heads 2 and trained_steps 0", meta)
	}
	params := labOf(lab).Model().Params
	if len(got) != len(params) {
		t.Errorf("weights file holds %d tensors, want %d", len(got), len(params))
	}
	for name, p := range params {
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
	lab, _ := newWidget(t, "lab", nil)
	s := lab.ex.Stepping()
	if e := s.Seek(s.Stepper().Total()/2 + 3); e != nil { // forward done, three backward steps
		t.Fatal(e)
	}
	m := exportOf(t, lab, protocol.Request{Type: protocol.TypeExport, What: protocol.ExportTrace})
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
	if err := json.Unmarshal(m.Data, &tr); err != nil {
		t.Fatalf("trace is not JSON: %v", err)
	}
	g := s.Graph()
	if len(tr.Nodes) != len(g.Nodes) || tr.Cursor.Index != s.Stepper().Pos() {
		t.Fatalf("trace has %d nodes at cursor %d, want %d at %d", len(tr.Nodes), tr.Cursor.Index, len(g.Nodes), s.Stepper().Pos())
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
	lab, _ := newWidget(t, "lab", nil)
	if s := lab.ex.Stepping(); s.Seek(s.Stepper().Total()) != nil {
		t.Fatalf("seek to the end (%d) refused", s.Stepper().Total())
	}
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
		if c.code != "" {
			_, _, e := lab.ExportName(&c.req)
			_, e2 := lab.Export(&c.req)
			if e == nil || e.Code != c.code || e2 == nil || e2.Code != c.code {
				t.Errorf("export %+v errors %v and %v, want %s from both", c.req, e, e2, c.code)
			}
			continue
		}
		m := exportOf(t, lab, c.req)
		if m.MIME != "image/svg+xml" || !strings.Contains(string(m.Data), c.want) {
			t.Errorf("export %+v = %s %.80q..., want an SVG with %s", c.req, m.MIME, m.Data, c.want)
		}
	}
}

// exportOf makes the file of an export request as a link's download
// does, and checks that ExportName, which the link is handed out with,
// names it alike.
func exportOf(t *testing.T, w *adapter, req protocol.Request) *File {
	t.Helper()
	name, mime, e := w.ExportName(&req)
	if e != nil {
		t.Fatalf("export %+v: %v", req, e)
	}
	f, e := w.Export(&req)
	if e != nil {
		t.Fatalf("export %+v: %v", req, e)
	}
	if f.Name != name || f.MIME != mime || len(f.Data) == 0 {
		t.Errorf("export %+v made %q %q (%d bytes), named %q %q", req, f.Name, f.MIME, len(f.Data), name, mime)
	}
	return f
}
