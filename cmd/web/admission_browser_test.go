package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
)

// TestBrowserRefusedConnection opens the Lab on a server whose one
// connection per address is taken, and checks that the page says what the
// server's refusal says, and that it is offline rather than live.
func TestBrowserRefusedConnection(t *testing.T) {
	path := chromiumOrSkip(t)
	adm := protocol.DefaultAdmission()
	adm.MaxConnsPerIP = 1
	base := startApp(t, Config{Admission: &adm})
	dial := func() *websocket.Conn {
		conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws", http.Header{"Origin": {base}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		return conn
	}
	var hello protocol.Hello
	if err := dial().ReadJSON(&hello); err != nil || hello.Type != protocol.TypeHello {
		t.Fatalf("first connection: %+v %v, want hello", hello, err)
	}
	// The server's own words for the next connection from this address.
	var refusal protocol.ErrorMsg
	if err := dial().ReadJSON(&refusal); err != nil || refusal.Code != protocol.CodeTooManyConnections {
		t.Fatalf("second connection: %+v %v, want too_many_connections", refusal, err)
	}

	b := openBrowser(t, path, base)
	b.do("open the lab", chromedp.Navigate(b.base+"/lab"))
	shown := pollJS[string](b, "the refusal on the page", `(() => { const e = document.querySelector('[data-testid="lab-error"]'); return e && !e.hidden && e.textContent; })()`)
	if shown != refusal.Message {
		t.Errorf("the lab shows %q, want the server's refusal %q", shown, refusal.Message)
	}
	status := eval[string](b, `document.querySelector('[data-testid="status"]').dataset.status`)
	if status != "closed" {
		t.Errorf("status %q after the refusal, want closed", status)
	}
	b.checkClean("WebSocket", "1008")
}
