package session

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
)

// sessionGoroutines returns the stacks of live goroutines that run code of
// a session or a widget.
func sessionGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "cmd/web/session.(*session)") ||
			strings.Contains(g, "cmd/web/session.(*Manager)") ||
			strings.Contains(g, "cmd/web/widget.") {
			found = append(found, g)
		}
	}
	return found
}

// TestSessionGoroutinesEnd opens connections whose widgets step and train
// (an mlp and a lab), closes them in different ways, and checks that every
// goroutine of every session is gone.
func TestSessionGoroutinesEnd(t *testing.T) {
	ts := newTestServer(t)
	before := runtime.NumGoroutine()

	var clients []*client
	for i := range 3 {
		c, _ := ts.dial(t)
		c.send(configureMLP)
		c.expect(protocol.TypeNode, &protocol.Node{})
		c.send(`{"type":"configure","widget":"w2","id":2,"kind":"mlp","options":{"hidden":"2,2"}}`)
		c.expect(protocol.TypeNode, &protocol.Node{})
		c.send(`{"type":"configure","widget":"lab","id":3,"kind":"lab"}`)
		c.expect(protocol.TypeMetrics, &protocol.Metrics{})
		if i > 0 { // training loops are running when the socket closes
			c.send(`{"type":"train","widget":"w1","id":4,"action":"start"}`)
			c.send(`{"type":"train","widget":"lab","id":5,"action":"start"}`)
			for running := map[string]bool{}; !running["w1"] || !running["lab"]; {
				var met protocol.Metrics
				m := c.expect(protocol.TypeMetrics, &met)
				running[m.Widget] = running[m.Widget] || met.Running
			}
		}
		clients = append(clients, c)
	}
	if n := ts.m.Active(); n != 3 {
		t.Fatalf("Active = %d, want 3", n)
	}

	// A clean close handshake, an abrupt close, and a close mid-request.
	clients[0].conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	clients[0].conn.Close()
	clients[1].conn.Close()
	clients[2].send(`{"type":"step","widget":"w2","dir":"forward","count":1000}`)
	clients[2].conn.Close()

	// Every session's run returns only after its own wg.Wait.
	done := make(chan struct{})
	go func() { ts.m.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(readTimeout):
		t.Fatalf("sessions still open after their sockets closed:\n%s", strings.Join(sessionGoroutines(), "\n\n"))
	}
	if n := ts.m.Active(); n != 0 {
		t.Errorf("Active after close = %d, want 0", n)
	}
	// A goroutine that has called wg.Done may still be returning, and no
	// channel tells when it is gone: yield the processor until the stacks
	// are gone. The deadline only guards against a hang; it measures no
	// time and asserts none.
	var left []string
	for deadline := time.Now().Add(readTimeout); ; runtime.Gosched() {
		if left = sessionGoroutines(); len(left) == 0 && runtime.NumGoroutine() <= before || time.Now().After(deadline) {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("%d session goroutines left after close:\n%s", len(left), strings.Join(left, "\n\n"))
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("NumGoroutine = %d after close, want at most %d as before connecting", n, before)
	}
}
