package widget_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/session"
	"stepgraph/cmd/web/widget"
)

// wsTimeout bounds each wait for a message, so that a bug fails the test
// instead of hanging it. A working server never comes near it: every wait
// is for a message on its way.
const wsTimeout = 60 * time.Second

// wsClient is a real websocket connection to a session manager that serves
// the default widget kinds, as the app does.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

// dialWidgets starts a server and connects to it, reading the hello.
func dialWidgets(t *testing.T) *wsClient {
	t.Helper()
	p := pool.New(2, 16)
	m := session.NewManager(widget.Default(), p, slog.New(slog.DiscardHandler))
	srv := httptest.NewServer(m)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wsTimeout)
		defer cancel()
		if err := m.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		srv.Close()
		p.Close()
	})
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	conn, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {srv.URL}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &wsClient{t: t, conn: conn}
	var hello protocol.Hello
	c.until(protocol.TypeHello, &hello)
	for _, kind := range []string{"quant", "distill"} {
		if !slices.Contains(hello.Kinds, kind) {
			t.Fatalf("hello kinds %v, want %s among them", hello.Kinds, kind)
		}
	}
	return c
}

// send writes one request as a JSON text frame.
func (c *wsClient) send(req map[string]any) {
	c.t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// configure sends a configure request for widget id.
func (c *wsClient) configure(id string, reqID int, kind string, opts map[string]string) {
	c.t.Helper()
	if opts == nil {
		opts = map[string]string{} // options, when sent, must be an object
	}
	c.send(map[string]any{"type": "configure", "widget": id, "id": reqID, "kind": kind, "options": opts})
}

// until reads messages until one of type typ arrives and decodes it into
// v; it returns the message's header. An error on the way fails the test
// unless typ is "error".
func (c *wsClient) until(typ string, v any) protocol.Header {
	c.t.Helper()
	for {
		h, data := c.next()
		if h.Type == typ {
			c.decode(data, v)
			return h
		}
		if h.Type == protocol.TypeError {
			c.t.Fatalf("got %s while waiting for %s", data, typ)
		}
	}
}

// next reads one message and returns its header and its JSON.
func (c *wsClient) next() (protocol.Header, []byte) {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(wsTimeout))
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var h protocol.Header
	if err := json.Unmarshal(data, &h); err != nil {
		c.t.Fatalf("decode %s: %v", data, err)
	}
	return h, data
}

// nodeNames returns the names of a graph message's nodes.
func nodeNames(g *protocol.Graph) []string {
	var names []string
	for _, n := range g.Nodes {
		names = append(names, n.Name)
	}
	return names
}

// quantConfigure configures a quant widget and reads its graph and
// metrics.
func quantConfigure(c *wsClient, id string, reqID int, opts map[string]string) (*protocol.Graph, *protocol.Metrics) {
	c.t.Helper()
	c.configure(id, reqID, "quant", opts)
	var g protocol.Graph
	if h := c.until(protocol.TypeGraph, &g); h.Widget != id || h.ID != int64(reqID) {
		c.t.Errorf("graph header %+v, want widget %s id %d", h, id, reqID)
	}
	var m protocol.Metrics
	c.until(protocol.TypeMetrics, &m)
	return &g, &m
}

// TestQuantOverWebsocket configures each pass and view over a real
// connection and checks the graph's nodes, the report and the histogram.
func TestQuantOverWebsocket(t *testing.T) {
	c := dialWidgets(t)
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
		g, m := quantConfigure(c, "q", i+1, cs.opts)
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
		if c.until(protocol.TypePlot, &p); p.Name != "error" || !strings.Contains(p.SVG, "<svg") {
			t.Errorf("%v: plot %q, want the error histogram", cs.opts, p.Name)
		}
	}
}

// TestQuantInt4LowerSQNR configures int8 and int4 on the same model (same
// seed) side by side and compares the logits' signal-to-noise ratio: four
// bits fewer cost about 24 dB; demand at least 10.
func TestQuantInt4LowerSQNR(t *testing.T) {
	c := dialWidgets(t)
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
	c := dialWidgets(t)
	quantConfigure(c, "q", 1, map[string]string{"bits": "4"})
	c.send(map[string]any{"type": "step", "widget": "q", "id": 2, "dir": "forward"})
	var n protocol.Node
	c.until(protocol.TypeNode, &n)
	if n.Node == nil || n.Node.Name != "layers.0.linear" || n.Node.Op != "int4 matmul (dynamic)" || !n.Node.Computed {
		t.Fatalf("first step shows %+v, want the computed int4 matmul layers.0.linear", n.Node)
	}
	if n.Node.Value == nil || n.Node.Value.Rows != 4 || n.Node.Value.Cols != 16 || n.Node.MathML == "" {
		t.Errorf("int matmul view %+v, want a 4x16 value and a rendered formula", n.Node.Value)
	}
	c.send(map[string]any{"type": "select", "widget": "q", "id": 3, "node": "layers.1.w.q"})
	c.until(protocol.TypeNode, &n)
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
	c := dialWidgets(t)
	cases := []struct {
		opts  map[string]string
		code  protocol.Code
		field string
	}{
		{map[string]string{"bits": "2"}, protocol.CodeBadField, "bits"},
		{map[string]string{"pass": "gptq"}, protocol.CodeBadField, "pass"},
		{map[string]string{"granularity": "per-group"}, protocol.CodeBadField, "granularity"},
		{map[string]string{"seed": "99999999999"}, protocol.CodeOutOfRange, "seed"},
		{map[string]string{"scale": "1"}, protocol.CodeUnknownParam, ""},
	}
	for i, cs := range cases {
		c.configure("q", 10+i, "quant", cs.opts)
		var e protocol.ErrorMsg
		c.until(protocol.TypeError, &e)
		if e.Code != cs.code || e.Field != cs.field || e.ID != int64(10+i) || e.Request != protocol.TypeConfigure {
			t.Errorf("configure %v: error %+v, want code %s field %q for id %d", cs.opts, e, cs.code, cs.field, 10+i)
		}
	}
	quantConfigure(c, "q", 20, nil)
	c.send(map[string]any{"type": "set", "widget": "q", "id": 21, "name": "view", "value": "float"})
	var e protocol.ErrorMsg
	if c.until(protocol.TypeError, &e); e.Code != protocol.CodeBadField || e.Field != "view" || e.ID != 21 {
		t.Errorf("set view float: %+v, want bad_field for view", e)
	}
	c.send(map[string]any{"type": "train", "widget": "q", "id": 22, "action": "start"})
	if c.until(protocol.TypeError, &e); e.Code != protocol.CodeUnsupported || e.ID != 22 {
		t.Errorf("train: %+v, want unsupported", e)
	}
	c.send(map[string]any{"type": "set", "widget": "q", "id": 23, "name": "pass", "value": "qat"})
	var g protocol.Graph
	if h := c.until(protocol.TypeGraph, &g); h.ID != 23 || !slices.Contains(nodeNames(&g), "layers.0.w.q") {
		t.Errorf("set pass qat answered id %d with nodes %v, want the integer graph", h.ID, nodeNames(&g))
	}
}

// decode decodes a message's JSON into v.
func (c *wsClient) decode(data []byte, v any) {
	c.t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		c.t.Fatalf("decode %s: %v", data, err)
	}
}
