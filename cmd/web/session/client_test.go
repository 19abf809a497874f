package session

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/widget"
)

// readTimeout bounds how long a test waits for the next message, so that a
// bug fails the test instead of hanging it. It is never reached when the
// server works: every wait is for a message that is on its way.
const readTimeout = 30 * time.Second

// testServer is a session manager behind a real HTTP server.
type testServer struct {
	srv  *httptest.Server
	m    *Manager
	pool *pool.Pool
}

func newTestServer(t *testing.T) *testServer { return newTestServerWith(t, nil) }

// newTestServerWith starts a test server whose options change first
// changes (nil: the defaults).
func newTestServerWith(t *testing.T, change func(*Options)) *testServer {
	t.Helper()
	p := pool.New(2, 16)
	m := NewManager(widget.Default(), p, slog.New(slog.DiscardHandler))
	if change != nil {
		o := DefaultOptions()
		change(&o)
		m.SetOptions(o)
	}
	mux := http.NewServeMux()
	mux.HandleFunc(protocol.ExportPath, m.ServeExport)
	mux.Handle("/", m)
	srv := httptest.NewServer(mux)
	ts := &testServer{srv: srv, m: m, pool: p}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		if err := m.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		srv.Close()
		p.Close()
	})
	return ts
}

func (ts *testServer) wsURL() string { return "ws" + strings.TrimPrefix(ts.srv.URL, "http") }

// download fetches the file of an export message's link and checks the
// answer's status; for 200, that the file comes as an attachment with the
// message's name and type.
func (ts *testServer) download(t *testing.T, x protocol.Export, status int) []byte {
	t.Helper()
	res, err := http.Get(ts.srv.URL + x.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != status {
		t.Fatalf("GET %s: %s %s, want %d", x.URL, res.Status, body, status)
	}
	if status == http.StatusOK {
		_, params, _ := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
		if params["filename"] != x.Filename || res.Header.Get("Content-Type") != x.MIME {
			t.Errorf("GET %s: %q %q, want %q as %s", x.URL, res.Header.Get("Content-Disposition"), res.Header.Get("Content-Type"), x.Filename, x.MIME)
		}
	}
	return body
}

// client is a test's websocket client.
type client struct {
	t    *testing.T
	conn *websocket.Conn
}

// dial connects with the server's own origin and reads the hello message.
func (ts *testServer) dial(t *testing.T) (*client, *protocol.Hello) {
	t.Helper()
	return ts.dialFrom(t, "")
}

// dialFrom is dial from client address ip, as a proxy the server trusts
// names it in X-Forwarded-For ("": the socket's own address).
func (ts *testServer) dialFrom(t *testing.T, ip string) (*client, *protocol.Hello) {
	t.Helper()
	c := ts.connect(t, ip)
	var hello protocol.Hello
	c.decode(c.next(), &hello)
	if hello.Type != protocol.TypeHello {
		t.Fatalf("first message type = %q, want hello", hello.Type)
	}
	return c, &hello
}

// connect opens a websocket from ip (as dialFrom) and reads nothing.
func (ts *testServer) connect(t *testing.T, ip string) *client {
	t.Helper()
	h := http.Header{"Origin": {ts.srv.URL}}
	if ip != "" {
		h.Set("X-Forwarded-For", ip)
	}
	conn, _, err := websocket.DefaultDialer.Dial(ts.wsURL(), h)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return &client{t: t, conn: conn}
}

// send writes one text frame.
func (c *client) send(frame string) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// request encodes and sends req.
func (c *client) request(req protocol.Request) {
	c.t.Helper()
	b, err := protocol.Encode(&req)
	if err != nil {
		c.t.Fatal(err)
	}
	c.send(string(b))
}

// configure sends request id, which makes widget a widget of kind with
// options opts (none when nil).
func (c *client) configure(widget string, id int64, kind string, opts map[string]string) {
	c.t.Helper()
	c.request(protocol.Request{Type: protocol.TypeConfigure, Widget: widget, ID: id, Kind: kind, Options: opts})
}

// badOption is the options of a configure request and the error they must
// get.
type badOption struct {
	opts  map[string]string
	code  protocol.Code
	field string // the option the error names, "" for none
}

// configureBad configures widget as a kind widget with each case's
// options, with request ids from id on, and checks that each answer is an
// error of the case's code and field that echoes the request.
func (c *client) configureBad(widget, kind string, id int64, cases []badOption) {
	c.t.Helper()
	for i, cs := range cases {
		c.configure(widget, id+int64(i), kind, cs.opts)
		var e protocol.ErrorMsg
		c.expect(protocol.TypeError, &e)
		if e.Code != cs.code || e.Field != cs.field || e.ID != id+int64(i) || e.Request != protocol.TypeConfigure {
			c.t.Errorf("configure %v: error %+v, want code %s field %q for configure id %d", cs.opts, e, cs.code, cs.field, id+int64(i))
		}
	}
}

// msg is one server message: its header and its raw JSON.
type msg struct {
	protocol.Header
	raw []byte
}

// next reads the next message.
func (c *client) next() msg {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(readTimeout))
	_, data, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var m msg
	c.decode(data, &m.Header)
	m.raw = data
	return m
}

// expect reads messages until one of type typ arrives, and decodes it into
// v. An error message on the way fails the test, unless typ is "error".
// Metrics messages are skipped, as they come with several requests.
func (c *client) expect(typ string, v any) msg {
	c.t.Helper()
	for {
		m := c.next()
		if m.Type == typ {
			c.decode(m.raw, v)
			return m
		}
		if m.Type == protocol.TypeError {
			c.t.Fatalf("got error %s while waiting for %s", m.raw, typ)
		}
	}
}

func (c *client) decode(data any, v any) {
	c.t.Helper()
	var b []byte
	switch d := data.(type) {
	case []byte:
		b = d
	case msg:
		b = d.raw
	}
	if err := json.Unmarshal(b, v); err != nil {
		c.t.Fatalf("decode %s: %v", b, err)
	}
}

// nodeNames returns the names of a graph message's nodes.
func nodeNames(g *protocol.Graph) []string {
	var names []string
	for _, n := range g.Nodes {
		names = append(names, n.Name)
	}
	return names
}
