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

// smallWindowClient connects with a receive buffer of 64 KiB, which also
// turns off the kernel's autotuning of it (up to 32 MiB here): the
// loopback socket then absorbs little more than the server's send buffer
// (up to 4 MiB), and the server's writes stall soon on a client that does
// not read. (Below the segment size of 32 KiB, the sender would crawl
// on retransmission timeouts once the client reads again.)
func smallWindowClient(t *testing.T, ts *testServer) *client {
	t.Helper()
	dialer := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetReadBuffer(64 << 10)
		}
		return conn, err
	}}
	conn, _, err := dialer.Dial(ts.wsURL(), map[string][]string{"Origin": {ts.srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &client{t: t, conn: conn}
}

// wideGraph is a lab with many nodes and few numbers: its graph message
// is about 1.95 MB (the drawing of every head of four encoder-decoder
// layers), its model estimated at 14 MiB, so that a connection may hold
// eight of them.
const wideGraph = `"kind":"lab","options":{"arch":"encdec","layers":"4","d":"8","heads":"8","dff":"8","n":"8","k":"16"}`

// TestNonReadingClientBudget has a client configure more big graphs than
// maxQueuedBytes holds and never read: the server ends its session (1008)
// instead of queueing without bound, and keeps serving another client.
// (Each widget's graph replaces its unsent one, and an export is a link,
// so it takes several widgets.)
func TestNonReadingClientBudget(t *testing.T) {
	ts := newTestServer(t)
	c := smallWindowClient(t, ts)
	c.next() // hello
	closed := false
	for i := range protocol.MaxWidgets {
		if err := c.conn.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, `{"type":"configure","widget":"w%d","id":%d,%s}`, i, i+1, wideGraph)); err != nil {
			closed = true
			break
		}
	}
	// Read nothing until the server has ended the session. Its close frame
	// (1008) waits behind what the client never read, and the socket is
	// closed under it after closeWait: then read what the kernel holds to
	// the end of the connection.
	waitFor(t, "the end of the session of a client that does not read", func() bool { return ts.m.Active() == 0 })
	var err error
	for err == nil {
		c.conn.SetReadDeadline(time.Now().Add(readTimeout))
		_, _, err = c.conn.ReadMessage()
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() && !closed {
		t.Errorf("the server never closed a client that did not read: %v", err)
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
	c := smallWindowClient(t, ts)
	c.next() // hello
	// One graph (about 1.9 MB) can fit in the loopback socket's buffers
	// (up to 4 MiB to send, 8 KiB to receive here), and its write would
	// end; three cannot, and stay under the queue's 8 MiB budget.
	for i := range 3 {
		c.send(fmt.Sprintf(`{"type":"configure","widget":"w%d","id":%d,%s}`, i, i+1, wideGraph))
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
