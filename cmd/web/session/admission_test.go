package session

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// The admission tests run a server with small limits, reached from client
// addresses a trusted proxy names (X-Forwarded-For), and check that each
// limit refuses with its documented code, value and close, and that what a
// closed connection held is given back.

// refused reads messages until the error answering request id, and
// checks its code and limit.
func (c *client) refused(id int64, code protocol.Code, limit int64) protocol.ErrorMsg {
	c.t.Helper()
	for {
		m := c.next()
		if m.Type != protocol.TypeError {
			continue
		}
		var e protocol.ErrorMsg
		c.decode(m, &e)
		if e.ID != id {
			c.t.Fatalf("error %s, want the answer to request %d", m.raw, id)
		}
		if e.Code != code || e.Limit != limit || e.Message == "" {
			c.t.Errorf("refusal %+v, want code %s with limit %d and a message", e, code, limit)
		}
		return e
	}
}

// closedWith reads until the socket closes and checks the close code.
func (c *client) closedWith(code int) {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(readTimeout))
	for {
		_, _, err := c.conn.ReadMessage()
		if err == nil {
			continue
		}
		if ce, ok := errors.AsType[*websocket.CloseError](err); !ok || ce.Code != code {
			c.t.Errorf("connection ended with %v, want close %d", err, code)
		}
		return
	}
}

// waitFor waits until cond holds, as the server releases what a closed
// connection held after its client has seen the close.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	guard := time.Now().Add(readTimeout)
	for !cond() {
		if time.Now().After(guard) {
			t.Fatalf("%s never happened", what)
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// counts returns the server's admission counts.
func (m *Manager) counts() (conns, widgets int, bytes int64) {
	m.adm.mu.Lock()
	defer m.adm.mu.Unlock()
	return m.adm.conns, m.adm.widgets, m.adm.bytes
}

// closeClient closes c's socket and waits until the server has let its
// connection go.
func closeClient(t *testing.T, ts *testServer, c *client, conns int) {
	t.Helper()
	c.conn.Close()
	waitFor(t, fmt.Sprintf("the server down to %d connections", conns), func() bool { n, _, _ := ts.m.counts(); return n == conns })
}

func TestAdmissionConnections(t *testing.T) {
	ts := newTestServerWith(t, func(o *Options) {
		o.TrustProxy = true
		o.Admission.MaxConns, o.Admission.MaxConnsPerIP = 3, 2
	})
	a1, hello := ts.dialFrom(t, "10.0.0.1")
	if hello.Limits.MaxConns != 3 || hello.Limits.MaxConnsPerIP != 2 || hello.Limits.MaxTrainersPerConn != protocol.DefaultAdmission().MaxTrainersPerConn {
		t.Errorf("hello limits %+v, want the server's own admission limits", hello.Limits)
	}
	ts.dialFrom(t, "10.0.0.1")
	// A third from the same address: an error, then 1008.
	c := ts.connect(t, "10.0.0.1")
	c.refused(0, protocol.CodeTooManyConnections, 2)
	c.closedWith(websocket.ClosePolicyViolation)
	// Another address gets the server's last connection; one more is
	// server_full, closed with 1013.
	ts.dialFrom(t, "10.0.0.2")
	c = ts.connect(t, "10.0.0.3")
	e := c.refused(0, protocol.CodeServerFull, 3)
	if !strings.Contains(e.Message, "try again") {
		t.Errorf("server_full message %q, want it to say to try again", e.Message)
	}
	c.closedWith(websocket.CloseTryAgainLater)
	// The refused connections held nothing; a closed one gives its place
	// back.
	if n, _, _ := ts.m.counts(); n != 3 {
		t.Errorf("server holds %d connections, want 3", n)
	}
	closeClient(t, ts, a1, 2)
	ts.dialFrom(t, "10.0.0.3") // refused before, admitted now
}

func TestAdmissionWidgets(t *testing.T) {
	ts := newTestServerWith(t, func(o *Options) { o.Admission.MaxServerWidgets = 2 })
	a, _ := ts.dial(t)
	b, _ := ts.dial(t)
	a.configure("w1", 1, "mlp", nil)
	a.expect(protocol.TypeGraph, &protocol.Graph{})
	a.configure("w2", 2, "mlp", nil)
	a.expect(protocol.TypeGraph, &protocol.Graph{})
	b.configure("w1", 3, "mlp", nil)
	b.refused(3, protocol.CodeServerFull, 2)
	// Replacing a widget keeps the count.
	a.configure("w1", 4, "mlp", map[string]string{"hidden": "4"})
	a.expect(protocol.TypeGraph, &protocol.Graph{})
	if _, w, _ := ts.m.counts(); w != 2 {
		t.Errorf("server holds %d widgets, want 2", w)
	}
	// Admission comes before the options are read; the refused configure
	// holds nothing.
	b.configure("w1", 5, "mlp", map[string]string{"hidden": "99"})
	b.refused(5, protocol.CodeServerFull, 2)
	closeClient(t, ts, a, 1)
	if _, w, bytes := ts.m.counts(); w != 0 || bytes != 0 {
		t.Errorf("after the connection closed the server holds %d widgets and %d bytes, want none", w, bytes)
	}
	b.configure("w1", 6, "mlp", nil)
	b.expect(protocol.TypeGraph, &protocol.Graph{})
}

// labCost returns the estimate of a lab with opts.
func labCost(t *testing.T, opts map[string]string) int64 {
	t.Helper()
	k, _ := exhibit.KindOf("lab")
	v, e := k.Options.Configure(opts)
	if e != nil {
		t.Fatal(e)
	}
	return k.Cost(v)
}

func TestAdmissionBudget(t *testing.T) {
	small := labCost(t, nil)
	big := map[string]string{"d": "64", "dff": "256"}
	smaller := labCost(t, map[string]string{"d": "8"})
	budget := small + small/2
	server := smaller + small + small/2 // room for one lab more than smaller and small
	if labCost(t, big) <= budget {
		t.Fatalf("a lab of %v is estimated at %d bytes, within the budget %d of the test", big, labCost(t, big), budget)
	}
	ts := newTestServerWith(t, func(o *Options) {
		o.Admission.MaxSessionBytes, o.Admission.MaxServerBytes = budget, server
	})
	c, _ := ts.dial(t)
	c.configure("lab", 1, "lab", nil)
	c.expect(protocol.TypeGraph, &protocol.Graph{})
	if _, _, b := ts.m.counts(); b != small {
		t.Errorf("the server reserves %d bytes for the default lab, want its estimate %d", b, small)
	}
	// A second lab would pass the connection's budget.
	c.configure("lab2", 2, "lab", nil)
	e := c.refused(2, protocol.CodeOverBudget, budget)
	if !strings.Contains(e.Message, "MiB") {
		t.Errorf("over_budget message %q, want the sizes in MiB", e.Message)
	}
	// So would growing the first; it stays as it was and steps.
	c.request(protocol.Request{Type: protocol.TypeSet, Widget: "lab", ID: 3, Name: "d", Value: "64"})
	if e := c.refused(3, protocol.CodeOverBudget, budget); e.Field != "d" {
		t.Errorf("over_budget of a set names field %q, want d", e.Field)
	}
	c.request(protocol.Request{Type: protocol.TypeStep, Widget: "lab", ID: 4, Dir: protocol.DirForward, Count: 1})
	var n protocol.Node
	if m := c.expect(protocol.TypeNode, &n); m.ID != 4 || n.Step.Index != 1 {
		t.Errorf("step after the refused set: id %d index %d, want 4 at 1", m.ID, n.Step.Index)
	}
	// Shrinking gives back the difference.
	c.request(protocol.Request{Type: protocol.TypeSet, Widget: "lab", ID: 5, Name: "d", Value: "8"})
	c.expect(protocol.TypeGraph, &protocol.Graph{})
	if _, _, b := ts.m.counts(); b != smaller || smaller >= small {
		t.Errorf("after d=8 the server reserves %d bytes, want %d (less than %d)", b, smaller, small)
	}
	// The server's budget: a lab on each of two more connections passes it.
	d, _ := ts.dial(t)
	d.configure("lab", 6, "lab", nil)
	d.expect(protocol.TypeGraph, &protocol.Graph{})
	f, _ := ts.dial(t)
	f.configure("lab", 7, "lab", nil)
	f.refused(7, protocol.CodeServerFull, server)
	closeClient(t, ts, d, 2)
	f.configure("lab", 8, "lab", nil)
	f.expect(protocol.TypeGraph, &protocol.Graph{})
}

// startTraining asks widget w of c to train slowly, for longer than the
// test.
func startTraining(c *client, w string, id int64) {
	c.t.Helper()
	c.request(protocol.Request{Type: protocol.TypeTrain, Widget: w, ID: id, Action: protocol.TrainStart, Rate: 1, Steps: 1000})
}

// trainingStarted reads until a metrics message of w that is running.
func (c *client) trainingStarted(w string) {
	c.t.Helper()
	for {
		var met protocol.Metrics
		if m := c.expect(protocol.TypeMetrics, &met); m.Widget == w && met.Running {
			return
		}
	}
}

func TestAdmissionTrainers(t *testing.T) {
	ts := newTestServerWith(t, func(o *Options) {
		o.TrustProxy = true
		o.Admission.MaxTrainersPerConn, o.Admission.MaxTrainersPerIP = 1, 2
	})
	a, _ := ts.dialFrom(t, "10.0.0.1")
	for i, w := range []string{"w1", "w2"} {
		a.configure(w, int64(i+1), "mlp", nil)
		a.expect(protocol.TypeGraph, &protocol.Graph{})
	}
	startTraining(a, "w1", 3)
	a.trainingStarted("w1")
	startTraining(a, "w2", 4)
	a.refused(4, protocol.CodeTooManyTrainers, 1)
	startTraining(a, "w1", 5) // a change of rate: the same loop, no new slot
	a.request(protocol.Request{Type: protocol.TypeTrain, Widget: "w1", ID: 6, Action: protocol.TrainStop})
	a.expect(protocol.TypeNode, &protocol.Node{})
	startTraining(a, "w2", 7) // w1's slot was given back
	a.trainingStarted("w2")

	// The address's second trainer is another connection's; its third is
	// refused, whichever connection asks.
	b, _ := ts.dialFrom(t, "10.0.0.1")
	b.configure("w1", 1, "mlp", nil)
	b.expect(protocol.TypeGraph, &protocol.Graph{})
	startTraining(b, "w1", 2)
	b.trainingStarted("w1")
	c, _ := ts.dialFrom(t, "10.0.0.1")
	c.configure("w1", 1, "mlp", nil)
	c.expect(protocol.TypeGraph, &protocol.Graph{})
	startTraining(c, "w1", 2)
	c.refused(2, protocol.CodeTooManyTrainers, 2)
	// Another address is not held back; a closed connection's trainer
	// gives its slot back.
	d, _ := ts.dialFrom(t, "10.0.0.2")
	d.configure("w1", 1, "mlp", nil)
	d.expect(protocol.TypeGraph, &protocol.Graph{})
	startTraining(d, "w1", 2)
	d.trainingStarted("w1")
	closeClient(t, ts, b, 3)
	startTraining(c, "w1", 3)
	c.trainingStarted("w1")
}
