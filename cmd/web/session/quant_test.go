package session

import (
	"slices"
	"strings"
	"testing"

	"stepgraph/cmd/web/protocol"
)

// quantConfigure configures a quant widget and reads its graph and
// metrics.
func quantConfigure(c *client, widget string, id int64, opts map[string]string) (*protocol.Graph, *protocol.Metrics) {
	c.t.Helper()
	c.configure(widget, id, "quant", opts)
	var g protocol.Graph
	if m := c.expect(protocol.TypeGraph, &g); m.Widget != widget || m.ID != id {
		c.t.Errorf("graph header %+v, want widget %s id %d", m.Header, widget, id)
	}
	var met protocol.Metrics
	c.expect(protocol.TypeMetrics, &met)
	return &g, &met
}

// TestQuantOverWebsocket configures each pass and view over a real
// connection and checks the graph's nodes, the report and the histogram.
func TestQuantOverWebsocket(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	cases := []struct {
		opts map[string]string
		want []string // node names the graph must have
		op   string   // op of layers.0.linear
	}{
		{map[string]string{}, []string{"x", "layers.0.w.q", "layers.1.w.q", "layers.2.w.q", "layers.0.linear", "layers.1.act", "logits", "loss"}, "int8 matmul (dynamic)"},
		{map[string]string{"pass": "static", "bits": "4"}, []string{"layers.0.w.q", "layers.2.w.q", "logits"}, "int4 matmul (static)"},
		{map[string]string{"pass": "static", "view": "prepared"}, []string{"x.obs", "layers.0.act.obs", "layers.1.act.obs", "layers.0.w"}, "matmul"},
		{map[string]string{"pass": "qat", "view": "prepared"}, []string{"x.fq", "layers.0.w.fq", "layers.1.act.fq", "layers.2.w.fq"}, "matmul"},
	}
	for i, cs := range cases {
		g, m := quantConfigure(c, "q", int64(i+1), cs.opts)
		names := nodeNames(g)
		for _, n := range cs.want {
			if !slices.Contains(names, n) {
				t.Errorf("%v: graph has no node %q (have %v)", cs.opts, n, names)
			}
		}
		for _, n := range g.Nodes {
			if n.Name == "layers.0.linear" && n.Op != cs.op {
				t.Errorf("%v: layers.0.linear op %q, want %q", cs.opts, n.Op, cs.op)
			}
		}
		for _, key := range []string{"floatLoss", "floatAccuracy", "quantLoss", "quantAccuracy", "floatBytes", "bytes", "mse:logits", "maxAbs:logits", "sqnr:logits", "sqnr:layers.1.w"} {
			if _, ok := m.Values[key]; !ok {
				t.Errorf("%v: metrics have no %q", cs.opts, key)
			}
		}
		var p protocol.Plot
		if c.expect(protocol.TypePlot, &p); p.Name != "error" || !strings.Contains(p.SVG, "<svg") {
			t.Errorf("%v: plot %q, want the error histogram", cs.opts, p.Name)
		}
	}
}

// TestQuantInt4LowerSQNR configures int8 and int4 on the same model (same
// seed) side by side and compares the logits' signal-to-noise ratio: four
// bits fewer cost about 24 dB; demand at least 10.
func TestQuantInt4LowerSQNR(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	for _, opts := range []map[string]string{{}, {"granularity": "per-channel", "symmetry": "asymmetric"}} {
		o8, o4 := map[string]string{"bits": "8"}, map[string]string{"bits": "4"}
		for k, v := range opts {
			o8[k], o4[k] = v, v
		}
		_, m8 := quantConfigure(c, "int8", 1, o8)
		_, m4 := quantConfigure(c, "int4", 2, o4)
		s8, s4 := m8.Values["sqnr:logits"], m4.Values["sqnr:logits"]
		if !(s8 > s4+10) {
			t.Errorf("%v: logits SQNR int8 %.1f dB, int4 %.1f dB; want int8 ahead by > 10 dB", opts, s8, s4)
		}
		if m8.Values["floatLoss"] != m4.Values["floatLoss"] {
			t.Errorf("%v: float loss %v and %v; want one float model", opts, m8.Values["floatLoss"], m4.Values["floatLoss"])
		}
		if !(m4.Values["bytes"] < m8.Values["bytes"]) {
			t.Errorf("%v: int4 takes %v bytes, int8 %v; want fewer", opts, m4.Values["bytes"], m8.Values["bytes"])
		}
	}
}

// TestQuantStepsIntegerNodes steps the integer graph over the socket: the
// first op is the integer matmul, whose value differs from the float
// product only by rounding, and selecting a quantized weight shows its
// integers.
func TestQuantStepsIntegerNodes(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	quantConfigure(c, "q", 1, map[string]string{"bits": "4"})
	c.request(protocol.Request{Type: protocol.TypeStep, Widget: "q", ID: 2, Dir: protocol.DirForward})
	var n protocol.Node
	c.expect(protocol.TypeNode, &n)
	if n.Node == nil || n.Node.Name != "layers.0.linear" || n.Node.Op != "int4 matmul (dynamic)" || !n.Node.Computed {
		t.Fatalf("first step shows %+v, want the computed int4 matmul layers.0.linear", n.Node)
	}
	if n.Node.Value == nil || n.Node.Value.Rows != 4 || n.Node.Value.Cols != 16 || n.Node.MathML == "" {
		t.Errorf("int matmul view %+v, want a 4x16 value and a rendered formula", n.Node.Value)
	}
	c.request(protocol.Request{Type: protocol.TypeSelect, Widget: "q", ID: 3, Node: "layers.1.w.q"})
	c.expect(protocol.TypeNode, &n)
	if n.Node == nil || n.Node.Name != "layers.1.w.q" || n.Node.Grad != nil {
		t.Fatalf("select shows %+v, want layers.1.w.q with no gradient", n.Node)
	}
	for i, v := range n.Node.Value.Data {
		if v != float64(int(v)) || v < -7 || v > 7 {
			t.Fatalf("layers.1.w.q value[%d] = %v, want an integer of the int4 grid [-7, 7]", i, v)
		}
	}
}

// TestQuantBadOptions checks that bad options answer an error with its
// code and field, and that the connection stays usable.
func TestQuantBadOptions(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	c.configureBad("q", "quant", 10, []badOption{
		{map[string]string{"bits": "2"}, protocol.CodeBadField, "bits"},
		{map[string]string{"pass": "gptq"}, protocol.CodeBadField, "pass"},
		{map[string]string{"granularity": "per-group"}, protocol.CodeBadField, "granularity"},
		{map[string]string{"seed": "99999999999"}, protocol.CodeOutOfRange, "seed"},
		{map[string]string{"scale": "1"}, protocol.CodeUnknownParam, "scale"},
	})
	quantConfigure(c, "q", 20, nil)
	c.request(protocol.Request{Type: protocol.TypeSet, Widget: "q", ID: 21, Name: "view", Value: "float"})
	var e protocol.ErrorMsg
	if c.expect(protocol.TypeError, &e); e.Code != protocol.CodeBadField || e.Field != "view" || e.ID != 21 {
		t.Errorf("set view float: %+v, want bad_field for view", e)
	}
	c.request(protocol.Request{Type: protocol.TypeTrain, Widget: "q", ID: 22, Action: protocol.TrainStart})
	if c.expect(protocol.TypeError, &e); e.Code != protocol.CodeUnsupported || e.ID != 22 {
		t.Errorf("train: %+v, want unsupported", e)
	}
	c.request(protocol.Request{Type: protocol.TypeSet, Widget: "q", ID: 23, Name: "pass", Value: "qat"})
	var g protocol.Graph
	if m := c.expect(protocol.TypeGraph, &g); m.ID != 23 || !slices.Contains(nodeNames(&g), "layers.0.w.q") {
		t.Errorf("set pass qat answered id %d with nodes %v, want the integer graph", m.ID, nodeNames(&g))
	}
}
