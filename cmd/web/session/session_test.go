package session

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/widget"
	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/mlp"
	"stepgraph/exhibit"
)

func TestHello(t *testing.T) {
	ts := newTestServer(t)
	_, hello := ts.dial(t)
	if hello.Version != protocol.Version {
		t.Errorf("hello version = %d, want %d", hello.Version, protocol.Version)
	}
	if hello.Limits != protocol.CurrentLimits() {
		t.Errorf("hello limits = %+v, want %+v", hello.Limits, protocol.CurrentLimits())
	}
	for _, kind := range widget.Default().Kinds() {
		if !slices.Contains(hello.Kinds, kind) {
			t.Errorf("hello kinds = %v, want %s among them", hello.Kinds, kind)
		}
	}
}

// referenceMLP builds, outside the server, the graph the mlp widget
// documents for options hidden=3, act=tanh, data=xor, batch=4, seed=7: the
// model of mlp.New with that seed, fed the first 4 training points.
func referenceMLP(t *testing.T) *engine.Graph {
	t.Helper()
	train, _, err := data.PointSplit("xor", 256, 256, 0.05, 7)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mlp.New(mlp.Config{Inputs: 2, Hidden: []int{3}, Classes: 2, Act: "tanh"}, 7)
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Build(4)
	if err != nil {
		t.Fatal(err)
	}
	train.Fill(g.MustNode("x").Value, g.MustNode("y").Value, []int{0, 1, 2, 3})
	return g
}

const configureMLP = `{"type":"configure","widget":"w1","id":1,"kind":"mlp","options":{"hidden":"3","act":"tanh","data":"xor","batch":"4","seed":"7"}}`

// TestConfigureAndStep drives one widget through its timeline and checks
// every answer against the engine run outside the server.
func TestConfigureAndStep(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	ref := referenceMLP(t)
	nOps := 0
	for _, n := range ref.Nodes {
		if n.Op != nil {
			nOps++
		}
	}

	c.send(configureMLP)
	var g protocol.Graph
	if m := c.expect(protocol.TypeGraph, &g); m.ID != 1 || m.Widget != "w1" {
		t.Errorf("graph header = %+v, want widget w1 id 1", m.Header)
	}
	var names []string
	for _, n := range g.Nodes {
		names = append(names, n.Name)
		if n.W <= 0 || n.H <= 0 {
			t.Errorf("graph node %q has box %vx%v, want a positive size", n.Name, n.W, n.H)
		}
	}
	var want []string
	edges := 0
	for _, n := range ref.Nodes {
		want = append(want, n.Name)
		edges += len(n.Inputs)
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("graph nodes = %v, want %v", names, want)
	}
	if len(g.Edges) != edges {
		t.Errorf("graph has %d edges, want %d", len(g.Edges), edges)
	}
	if g.Steps != 2*nOps+1 { // forward, the seed of dL/dL, backward
		t.Errorf("graph steps = %d, want %d", g.Steps, 2*nOps+1)
	}
	var start protocol.Node
	c.expect(protocol.TypeNode, &start)
	if start.Step.Index != 0 || start.Node != nil || start.Step.Node != -1 {
		t.Errorf("node after configure = %+v, want index 0, no node", start.Step)
	}

	// One step forward computes the first op node: x W for the 4 points.
	c.send(`{"type":"step","widget":"w1","id":2,"dir":"forward"}`)
	var n protocol.Node
	if m := c.expect(protocol.TypeNode, &n); m.ID != 2 {
		t.Errorf("step answer id = %d, want 2", m.ID)
	}
	first := ref.Nodes[slices.IndexFunc(ref.Nodes, func(n *engine.Node) bool { return n.Op != nil })]
	ref.ForwardNode(first)
	if n.Step.Index != 1 || n.Step.Phase != "forward" || n.Node == nil || n.Node.Name != first.Name {
		t.Fatalf("step forward = %+v node %+v, want index 1 forward at %q", n.Step, n.Node, first.Name)
	}
	checkValues(t, first.Name, n.Node.Value, first.Value)
	if !slices.Equal(n.Forward, []int{first.ID}) {
		t.Errorf("forward list = %v, want [%d]", n.Forward, first.ID)
	}

	// Three backward steps finish the forward pass first, then start at
	// the loss.
	c.send(`{"type":"step","widget":"w1","id":3,"dir":"backward","count":3}`)
	c.expect(protocol.TypeNode, &n)
	if n.Step.Index != nOps+3 || n.Step.Phase != "backward" {
		t.Errorf("after 3 backward steps = %+v, want index %d backward", n.Step, nOps+3)
	}

	c.send(`{"type":"back","widget":"w1","id":4}`)
	c.expect(protocol.TypeNode, &n)
	if n.Step.Index != nOps+2 {
		t.Errorf("after back = index %d, want %d", n.Step.Index, nOps+2)
	}

	// Run to the end: the loss and every gradient are those of a full pass.
	c.send(`{"type":"run","widget":"w1","id":5}`)
	c.expect(protocol.TypeNode, &n)
	ref.Forward()
	ref.Backward()
	if !n.Step.Done || n.Step.Index != 2*nOps+1 {
		t.Errorf("after run = %+v, want done at %d", n.Step, 2*nOps+1)
	}
	var met protocol.Metrics
	for m := c.next(); ; m = c.next() {
		if m.Type == protocol.TypeMetrics {
			c.decode(m, &met)
			break
		}
	}
	// Exact: the session's stepper and ref run the same ops on the same
	// values in the same order, and encoding/json writes a float64 in a
	// form that reads back exactly, so the loss must be bit-identical.
	if got, want := met.Values["loss"], ref.LossNode().Value.Data[0]; got != want {
		t.Errorf("loss after run = %v, want %v", got, want)
	}

	c.send(`{"type":"select","widget":"w1","id":6,"node":"layers.0.w"}`)
	c.expect(protocol.TypeNode, &n)
	w := ref.MustNode("layers.0.w")
	if n.Node == nil || n.Node.Name != "layers.0.w" || !n.Node.GradKnown {
		t.Fatalf("select = %+v, want layers.0.w with a known gradient", n.Node)
	}
	checkValues(t, "layers.0.w", n.Node.Value, w.Value)
	checkValues(t, "grad layers.0.w", n.Node.Grad, w.Grad)

	c.send(`{"type":"reset","widget":"w1","id":7}`)
	c.expect(protocol.TypeNode, &n)
	if n.Step.Index != 0 || n.Node != nil || len(n.Forward) != 0 || len(n.Backward) != 0 {
		t.Errorf("after reset = %+v node %v forward %v backward %v, want the start", n.Step, n.Node, n.Forward, n.Backward)
	}
}

// checkValues compares a heatmap with a tensor of rank <= 2, exactly: both
// come from the same float64 operations in the same order, and the wire
// rounds each cell to protocol.NumberDigits significant digits, as
// protocol.Round does.
func checkValues(t *testing.T, name string, h *protocol.Heatmap, want *engine.Tensor) {
	t.Helper()
	if h == nil {
		t.Fatalf("%s: no heatmap", name)
	}
	if h.Rows*h.Cols != want.Size() {
		t.Fatalf("%s: heatmap %dx%d, want %v", name, h.Rows, h.Cols, want.Shape)
	}
	for i, v := range want.Data {
		if h.Data[i] != protocol.Round(v) {
			t.Errorf("%s[%d] = %v, want %v rounded (%v)", name, i, h.Data[i], v, protocol.Round(v))
		}
	}
}

// TestBadInput sends every kind of bad request on one connection and checks
// the error code and the echo of each, then that the connection still works.
func TestBadInput(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	c.send(configureMLP)
	c.expect(protocol.TypeNode, &protocol.Node{})

	cases := []struct {
		name, frame string
		code        protocol.Code
		req         string // echoed request type
		id          int64  // echoed id
	}{
		{"malformed json", `{"type":"step",`, protocol.CodeBadJSON, "", 0},
		{"unknown type", `{"type":"jump","widget":"w1","id":11}`, protocol.CodeUnknownType, "", 11},
		{"unknown widget", `{"type":"step","widget":"w9","id":12,"dir":"forward"}`, protocol.CodeUnknownWidget, "step", 12},
		{"missing dir", `{"type":"step","widget":"w1","id":13}`, protocol.CodeMissingField, "step", 13},
		{"missing widget", `{"type":"reset","id":14}`, protocol.CodeMissingField, "reset", 14},
		{"count out of range", `{"type":"step","widget":"w1","id":15,"dir":"forward","count":5000}`, protocol.CodeOutOfRange, "step", 15},
		{"count wrong type", `{"type":"step","widget":"w1","id":16,"dir":"forward","count":"two"}`, protocol.CodeBadField, "step", 16},
		{"unknown kind", `{"type":"configure","widget":"w2","id":17,"kind":"rocket"}`, protocol.CodeUnknownKind, "configure", 17},
		{"option out of range", `{"type":"configure","widget":"w2","id":18,"kind":"mlp","options":{"hidden":"99"}}`, protocol.CodeOutOfRange, "configure", 18},
		{"unknown option", `{"type":"configure","widget":"w2","id":19,"kind":"mlp","options":{"colour":"red"}}`, protocol.CodeUnknownParam, "configure", 19},
		{"set unknown param", `{"type":"set","widget":"w1","id":20,"name":"momentum","value":0.9}`, protocol.CodeUnknownParam, "set", 20},
		{"set out of range", `{"type":"set","widget":"w1","id":21,"name":"lr","value":5}`, protocol.CodeOutOfRange, "set", 21},
		{"set bad value", `{"type":"set","widget":"w1","id":22,"name":"act","value":"swish"}`, protocol.CodeBadField, "set", 22},
		{"select unknown node", `{"type":"select","widget":"w1","id":23,"node":"layers.9.w"}`, protocol.CodeUnknownNode, "select", 23},
	}
	for _, tc := range cases {
		c.send(tc.frame)
		var e protocol.ErrorMsg
		c.expect(protocol.TypeError, &e)
		if e.Code != tc.code || e.Request != tc.req || e.ID != tc.id || e.Message == "" {
			t.Errorf("%s: error = %+v, want code %s request %q id %d and a message", tc.name, e, tc.code, tc.req, tc.id)
		}
	}

	// A binary frame is refused the same way.
	if err := c.conn.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	var e protocol.ErrorMsg
	c.expect(protocol.TypeError, &e)
	if e.Code != protocol.CodeBadJSON {
		t.Errorf("binary frame: code %s, want %s", e.Code, protocol.CodeBadJSON)
	}

	// The connection and widget w1 still work.
	c.send(`{"type":"step","widget":"w1","id":30,"dir":"forward","count":2}`)
	var n protocol.Node
	if m := c.expect(protocol.TypeNode, &n); m.ID != 30 || n.Step.Index != 2 {
		t.Errorf("after the bad requests, step answered id %d index %d, want id 30 index 2", m.ID, n.Step.Index)
	}
}

// TestTooManyWidgets fills the connection with widgets; one more is refused
// and the others keep working.
func TestTooManyWidgets(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	for i := range protocol.MaxWidgets {
		c.send(fmt.Sprintf(`{"type":"configure","widget":"w%d","id":%d,"kind":"mlp"}`, i, i+1))
		c.expect(protocol.TypeNode, &protocol.Node{})
	}
	c.send(`{"type":"configure","widget":"extra","id":99,"kind":"mlp"}`)
	var e protocol.ErrorMsg
	c.expect(protocol.TypeError, &e)
	if e.Code != protocol.CodeTooManyWidgets || e.ID != 99 || e.Widget != "extra" {
		t.Errorf("extra widget: error %+v, want too_many_widgets for id 99", e)
	}
	// Configuring an existing id again replaces it and is allowed.
	c.send(`{"type":"configure","widget":"w0","id":100,"kind":"mlp","options":{"hidden":"2,2"}}`)
	var g protocol.Graph
	if m := c.expect(protocol.TypeGraph, &g); m.ID != 100 || !slices.ContainsFunc(g.Nodes, func(n protocol.GraphNode) bool { return n.Name == "layers.1.act" }) {
		t.Errorf("reconfigured w0: id %d, nodes without layers.1.act", m.ID)
	}
}

// TestOversizedMessage checks that a frame over the limit closes the
// connection with status 1009.
func TestOversizedMessage(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	big := `{"type":"select","widget":"w1","node":"` + strings.Repeat("n", protocol.MaxMessageBytes) + `"}`
	c.conn.WriteMessage(websocket.TextMessage, []byte(big)) // the server may close before the write ends
	_, _, err := c.conn.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Errorf("read after an oversized frame: %v, want close 1009", err)
	}
}

// TestOtherOriginRefused checks the same-origin rule of the upgrade.
func TestOtherOriginRefused(t *testing.T) {
	ts := newTestServer(t)
	for _, origin := range []string{"http://evil.example", "null", "http://127.0.0.1:1"} {
		conn, resp, err := websocket.DefaultDialer.Dial(ts.wsURL(), map[string][]string{"Origin": {origin}})
		if err == nil {
			conn.Close()
			t.Errorf("upgrade from origin %q succeeded, want it refused", origin)
			continue
		}
		if resp == nil || resp.StatusCode != 403 {
			t.Errorf("upgrade from origin %q: %v, want 403", origin, err)
		}
	}
}

// TestTraining steps twice, starts training at 50 steps a second, reads
// metrics while it runs (a step each, unless coalesced), checks that stepping is refused
// meanwhile, then pauses it: the cursor is where it was, its run
// recomputed with the trained weights.
func TestTraining(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	c.send(configureMLP)
	var met protocol.Metrics
	c.expect(protocol.TypeMetrics, &met)
	if met.Running || met.Step != 0 || met.Values["accuracy"] < 0 || met.Values["accuracy"] > 1 {
		t.Errorf("metrics before training = %+v", met)
	}
	c.send(`{"type":"step","widget":"w1","id":2,"dir":"forward","count":2}`)
	var before protocol.Node
	c.expect(protocol.TypeNode, &before)
	c.send(`{"type":"train","widget":"w1","id":3,"action":"start","rate":50}`)
	// A chunk is one step at this rate, and each sends its metrics; the
	// outbox replaces metrics the client has not read yet with newer ones
	// (coalescing), so a slow reader may see a step skipped, never one
	// twice or out of order.
	for i, last := 0, 0; i < 3; i++ {
		c.expect(protocol.TypeMetrics, &met)
		if !met.Running || met.Step <= last || met.RunEnd != exhibit.MLPMaxSteps || math.IsNaN(met.Values["loss"]) {
			t.Fatalf("metrics while training = %+v, want running after step %d of %d with a loss", met, last, exhibit.MLPMaxSteps)
		}
		last = met.Step
	}
	c.send(`{"type":"step","widget":"w1","id":4,"dir":"forward"}`)
	var e protocol.ErrorMsg
	c.expect(protocol.TypeError, &e)
	if e.Code != protocol.CodeBusy || e.ID != 4 {
		t.Errorf("step while training: %+v, want busy for id 4", e)
	}
	c.send(`{"type":"train","widget":"w1","id":5,"action":"stop"}`)
	for {
		c.expect(protocol.TypeMetrics, &met)
		if !met.Running {
			break
		}
	}
	// The cursor stays at its step, the values recomputed with the trained
	// weights.
	var n protocol.Node
	if m := c.expect(protocol.TypeNode, &n); m.ID != 5 || n.Step.Index != before.Step.Index || n.Node == nil || n.Node.Name != before.Node.Name {
		t.Errorf("node after stop = id %d index %d, want id 5 at index %d (%s)", m.ID, n.Step.Index, before.Step.Index, before.Node.Name)
	}
	if slices.Equal(n.Node.Value.Data, before.Node.Value.Data) {
		t.Errorf("node %s after training has the values of before it; want them recomputed", n.Node.Name)
	}
	c.send(`{"type":"step","widget":"w1","id":6,"dir":"forward"}`)
	if c.expect(protocol.TypeNode, &n); n.Step.Index != before.Step.Index+1 {
		t.Errorf("step after training = index %d, want %d", n.Step.Index, before.Step.Index+1)
	}
}

// TestTrainingRuns checks a run's budget: a run of 7 steps stops by
// itself at step 7; a pause in a run of 20 and a start without steps
// resume it to the same end.
func TestTrainingRuns(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	c.send(configureMLP)
	var met protocol.Metrics
	c.expect(protocol.TypeMetrics, &met)
	c.send(`{"type":"train","widget":"w1","id":2,"action":"start","steps":7}`)
	for met.Running || met.Step == 0 {
		c.expect(protocol.TypeMetrics, &met)
	}
	if met.Step != 7 || met.RunEnd != 7 {
		t.Fatalf("a run of 7 steps ended with %+v, want step 7 of 7", met)
	}
	c.send(`{"type":"train","widget":"w1","id":3,"action":"start","steps":20,"rate":100}`)
	for met.Step < 10 {
		c.expect(protocol.TypeMetrics, &met)
	}
	c.send(`{"type":"train","widget":"w1","id":4,"action":"stop"}`)
	for met.Running {
		c.expect(protocol.TypeMetrics, &met)
	}
	paused := met.Step
	if paused >= 27 || met.RunEnd != 27 {
		t.Fatalf("paused at %+v, want before step 27, the run's end", met)
	}
	c.send(`{"type":"train","widget":"w1","id":5,"action":"start"}`)
	for met.Step == paused || met.Running {
		c.expect(protocol.TypeMetrics, &met)
	}
	if met.Step != 27 || met.RunEnd != 27 {
		t.Errorf("the resumed run ended with %+v, want step 27 of 27", met)
	}
}

// TestShutdownClosesSessions checks that Manager.Shutdown ends open
// connections with status 1001.
func TestShutdownClosesSessions(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	done := make(chan error, 1)
	go func() { done <- ts.m.Shutdown(t.Context()) }()
	_, _, err := c.conn.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("read during shutdown: %v, want close 1001", err)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	if n := ts.m.Active(); n != 0 {
		t.Errorf("Active after Shutdown = %d, want 0", n)
	}
}
