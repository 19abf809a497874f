package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
)

// The tests below are the server under pressure from one client: a
// saturated pool, a burst of bad frames, a client that stops reading, and
// a shutdown while it stalls. Each waits on messages and channels; the
// only timer is readTimeout's hang guard, and Shutdown's own deadline.

// queuedBytes returns the bytes that wait in every session's send queue,
// or are being written.
func (m *Manager) queuedBytes() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, s := range m.byToken {
		n += s.out.queued()
	}
	return n
}

// saturate occupies every worker of ts's pool until the test ends or the
// returned release is called.
func saturate(t *testing.T, ts *testServer) (release func()) {
	t.Helper()
	block := make(chan struct{})
	started := make(chan struct{}, runtime.GOMAXPROCS(0)+2)
	for range 2 { // the test server's pool has 2 workers
		go ts.pool.Do(context.Background(), func() { started <- struct{}{}; <-block })
	}
	for range 2 {
		<-started
	}
	closed := false
	release = func() {
		if !closed {
			closed = true
			close(block)
		}
	}
	t.Cleanup(release)
	return release
}

// TestPongWhilePoolSaturated checks that the server answers a ping while
// every worker is busy and a request of the same connection waits for
// one: the reader never waits for work, so the connection's keep-alive
// does not depend on the pool.
func TestPongWhilePoolSaturated(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	release := saturate(t, ts)
	c.send(configureMLP) // waits for a worker
	pong := make(chan struct{}, 1)
	c.conn.SetPongHandler(func(string) error { pong <- struct{}{}; return nil })
	go func() {
		for { // control frames are read by ReadMessage
			if _, _, err := c.conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	if err := c.conn.WriteControl(websocket.PingMessage, []byte("alive?"), time.Now().Add(readTimeout)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-pong:
	case <-time.After(readTimeout):
		t.Fatal("no pong while the pool was saturated")
	}
	release()
}

// TestBadFrameBurst sends 2000 bad frames as fast as it can from a client
// that reads: the refusals coalesce, the client stays connected, and its
// next valid request is answered.
func TestBadFrameBurst(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	c.send(configureMLP)
	c.expect(protocol.TypeNode, &protocol.Node{})
	errs := make(chan int, 1)
	go func() {
		n := 0
		for {
			c.conn.SetReadDeadline(time.Now().Add(readTimeout))
			_, data, err := c.conn.ReadMessage()
			if err != nil {
				errs <- -1
				return
			}
			var m protocol.ErrorMsg
			if json.Unmarshal(data, &m) == nil && m.Type == protocol.TypeNode && m.ID == 9999 {
				errs <- n
				return
			}
			if m.Type == protocol.TypeError {
				n++
			}
		}
	}()
	for i := range 2000 {
		c.send(fmt.Sprintf(`{"type":"step","widget":"w1","id":%d,"dir":"sideways"}`, i+1))
	}
	c.send(`{"type":"step","widget":"w1","id":9999,"dir":"forward"}`)
	n := <-errs
	if n < 0 {
		t.Fatal("the connection closed during the burst")
	}
	if n == 0 || n > 2000 {
		t.Errorf("%d refusals for 2000 bad frames, want at least one and at most one each", n)
	}
}

// TestNonReadingClientBudget has a client ask for far more than
// maxQueuedBytes and never read: the server closes it (1008) instead of
// queueing without bound, and keeps serving another client.
func TestNonReadingClientBudget(t *testing.T) {
	ts := newTestServer(t)
	c, _ := ts.dial(t)
	c.lab(protocol.Request{Type: protocol.TypeConfigure, ID: 1, Kind: "lab", Options: map[string]string{"arch": "encdec", "layers": "4", "d": "64", "heads": "8", "dff": "256", "n": "8", "k": "16"}})
	// Each trace of this model is megabytes; ask until the server gives
	// up on the client, reading nothing meanwhile.
	closed := false
	for i := range 64 {
		if err := c.conn.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, `{"type":"export","widget":"lab","id":%d,"what":"trace"}`, 100+i)); err != nil {
			closed = true
			break
		}
		if i%8 == 7 && ts.m.Active() == 0 {
			closed = true
			break
		}
	}
	// The server has ended the session, or will once its budget is used:
	// read what was sent until the close frame.
	var err error
	for err == nil {
		c.conn.SetReadDeadline(time.Now().Add(readTimeout))
		_, _, err = c.conn.ReadMessage()
	}
	if !websocket.IsCloseError(err, websocket.ClosePolicyViolation) && !closed {
		t.Errorf("a client that did not read ended with %v, want close 1008", err)
	}
	other, _ := ts.dial(t)
	other.send(configureMLP)
	other.expect(protocol.TypeNode, &protocol.Node{})
}

// TestShutdownWithStalledWriter stalls the server's writer on a client
// that never reads and checks that Shutdown still ends within its 1 s
// deadline: the writer gets a moment to finish, then its socket is closed
// under it.
func TestShutdownWithStalledWriter(t *testing.T) {
	ts := newTestServer(t)
	h := map[string][]string{"Origin": {ts.srv.URL}}
	dialer := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetReadBuffer(4096) // a small window, so the server's writes stall soon
		}
		return conn, err
	}}
	conn, _, err := dialer.Dial(ts.wsURL(), h)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := &client{t: t, conn: conn}
	c.next() // hello
	c.send(`{"type":"configure","widget":"lab","id":1,"kind":"lab","options":{"arch":"encdec","layers":"4","d":"64","heads":"8","dff":"256","n":"8","k":"16"}}`)
	// One trace (about 1.95 MB) can fit in the loopback socket's buffers
	// (up to 4 MiB to send, 8 KiB to receive here), and its write would
	// end; three cannot, and stay under the queue's 8 MiB budget.
	for id := 2; id <= 4; id++ {
		c.send(fmt.Sprintf(`{"type":"export","widget":"lab","id":%d,"what":"trace"}`, id))
	}
	// Wait until the writer is stuck on a client that reads nothing, with
	// more than a MiB it cannot hand to the kernel.
	guard := time.Now().Add(readTimeout)
	for ts.m.queuedBytes() < 1<<20 {
		if time.Now().After(guard) {
			t.Fatal("the export never reached the send queue")
		}
		runtime.Gosched()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := ts.m.Shutdown(ctx); errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown with a stalled writer did not end within 1 s")
	} else if err != nil {
		t.Fatal(err)
	}
}
