package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stepgraph/content"
	"stepgraph/static"
)

// countingListener counts the bytes the server writes on each connection
// it accepts, the websocket's (which the HTTP server hands over) too.
type countingListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[string]*atomic.Int64 // by the client's address
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	n := new(atomic.Int64)
	l.mu.Lock()
	l.conns[c.RemoteAddr().String()] = n
	l.mu.Unlock()
	return &countingConn{Conn: c, n: n}, nil
}

// total returns the bytes written so far: on the connections whose client
// address is in ws, and on the others.
func (l *countingListener) total(ws map[string]bool) (http, socket int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for addr, n := range l.conns {
		if ws[addr] {
			socket += n.Load()
		} else {
			http += n.Load()
		}
	}
	return http, socket
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// firstLoad is what a page's first load sends: over HTTP (the page and
// every asset) and over its websocket until its widgets have drawn.
type firstLoad struct{ http, socket int64 }

// measureFirstLoad opens path in a fresh browser on a server with or
// without compression, waits until ready is true in the page, and returns
// the bytes the server wrote.
func measureFirstLoad(t *testing.T, chrome string, compress bool, path, ready string) firstLoad {
	t.Helper()
	srv, err := NewServer(Config{Static: static.FS, Content: content.FS, NoCompression: !compress})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	ws := map[string]bool{}
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ws" {
			mu.Lock()
			ws[r.RemoteAddr] = true
			mu.Unlock()
		}
		srv.Echo.ServeHTTP(w, r)
	}))
	ln := &countingListener{Listener: hs.Listener, conns: map[string]*atomic.Int64{}}
	hs.Listener = ln
	hs.Start()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
	}()
	b := openBrowser(t, chrome, hs.URL)
	b.do("open "+path, chromedp.Navigate(b.base+path))
	pollJS[bool](b, path+" ready", ready)
	mu.Lock()
	defer mu.Unlock()
	h, s := ln.total(ws)
	return firstLoad{h, s}
}

// TestFirstLoadBytes measures what the first load of / and of /lab sends,
// without compression and with it (brotli static files, gzipped pages,
// permessage-deflate on the socket), and checks that compression cuts the
// Lab's first load to under a third (measured: 302 KB -> 88 KB). The numbers
// are in docs/perf.md.
func TestFirstLoadBytes(t *testing.T) {
	chrome := chromiumOrSkip(t)
	labReady := `!!document.querySelector('[data-testid="graph"] .sg-node') && !!document.querySelector('[data-testid="attention"] .heatmap, [data-testid="attention"] [data-testid^="attention-"]')`
	for _, c := range []struct{ path, ready string }{
		{"/", `document.readyState === "complete"`},
		{"/lab", labReady},
	} {
		plain := measureFirstLoad(t, chrome, false, c.path, c.ready)
		packed := measureFirstLoad(t, chrome, true, c.path, c.ready)
		t.Logf("%s first load: %d + %d bytes (HTTP + socket) uncompressed, %d + %d compressed: %.1fx smaller",
			c.path, plain.http, plain.socket, packed.http, packed.socket, float64(plain.http+plain.socket)/float64(packed.http+packed.socket))
		if packed.http >= plain.http || (plain.socket > 0 && packed.socket >= plain.socket) {
			t.Errorf("%s: compression did not shrink the load: %+v compressed, %+v not", c.path, packed, plain)
		}
		if c.path == "/lab" && 3*(packed.http+packed.socket) > plain.http+plain.socket {
			t.Errorf("the Lab's first load is %d bytes compressed, %d not: want under a third", packed.http+packed.socket, plain.http+plain.socket)
		}
	}
}
