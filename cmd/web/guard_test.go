package main

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
)

// TestUploadNonFiniteWeights uploads a lab's own weights with one NaN and,
// then, one infinity: each is refused with 422 bad_weights naming the
// tensor, and the lab keeps its weights.
func TestUploadNonFiniteWeights(t *testing.T) {
	s := newTestServer(t)
	hs := httptest.NewServer(s.Echo)
	defer hs.Close()
	a := dialApp(t, hs)
	a.runLab("lab", nil)
	file := a.weights("lab")
	for _, bad := range []float64{math.NaN(), math.Inf(-1)} {
		edited := rewrite(t, readWeights(t, file), func(ts map[string]*engine.Tensor) { ts["layers.0.ffn.w2"].Data[5] = bad })
		status, ans := post(t, hs, okUpload(hs, a.hello.Session, "lab", edited))
		if status != http.StatusUnprocessableEntity || ans.Code != protocol.CodeBadWeights || !strings.Contains(ans.Error, `"layers.0.ffn.w2"`) {
			t.Errorf("upload with %v: %d %+v, want 422 bad_weights naming layers.0.ffn.w2", bad, status, ans)
		}
	}
	if got := a.weights("lab"); string(got) != string(file) {
		t.Errorf("a refused upload changed the lab's weights")
	}
}

// TestUploadBadTokenTakesNoSlot starts more slow uploads than there are
// slots, each with a made-up session token and a body that never ends:
// they are refused at once, without holding a slot, and a real upload
// still goes through. Then a second slow upload from the same address as
// one that holds a slot is refused with 429.
func TestUploadBadTokenTakesNoSlot(t *testing.T) {
	s := newTestServer(t)
	hs := httptest.NewServer(s.Echo)
	defer hs.Close()
	a := dialApp(t, hs)
	a.runLab("lab", nil)
	file := a.weights("lab")
	for i := range maxUploads + 2 {
		never, stop := io.Pipe() // a body that never arrives
		defer stop.Close()
		status, ans := post(t, hs, upload{strings.Repeat("0", 31) + string(rune('a'+i)), "lab", hs.URL, protocol.UploadMediaType, never, 1 << 20})
		if status != http.StatusNotFound || ans.Code != protocol.CodeUnknownSession {
			t.Fatalf("slow upload %d with a made-up token: %d %+v, want 404 unknown_session at once", i, status, ans)
		}
	}
	if status, ans := post(t, hs, okUpload(hs, a.hello.Session, "lab", file)); status != http.StatusOK || !ans.OK {
		t.Fatalf("a real upload after them: %d %+v, want 200", status, ans)
	}
	// A slow upload with the real token holds its address's one slot.
	slow, w := io.Pipe()
	defer w.Close()
	first := make(chan int, 1)
	go func() {
		status, _, _ := tryPost(hs, upload{a.hello.Session, "lab", hs.URL, protocol.UploadMediaType, slow, int64(len(file))})
		first <- status
	}()
	w.Write(file[:8]) // the upload is being sent
	// Wait until the server reads it, holding its address's slot (bounded:
	// 30 s). Only then is the next upload's refusal certain: before, it
	// could go through, or take the slot first and the slow one be refused.
	for deadline := time.Now().Add(30 * time.Second); s.weights.reading("127.0.0.1") == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the slow upload with the real token never took its slot")
		}
		time.Sleep(time.Millisecond)
	}
	if status, ans := post(t, hs, okUpload(hs, a.hello.Session, "lab", file)); status != http.StatusTooManyRequests || ans.Code != protocol.CodeTooManyUploads {
		t.Fatalf("a second upload from the same address: %d %+v, want 429 too_many_uploads", status, ans)
	}
	w.Write(file[8:])
	w.Close()
	if status := <-first; status != http.StatusOK {
		t.Errorf("the slow upload, once sent: %d, want 200", status)
	}
}

// TestOriginAndHost checks the same-origin rule with scheme and port, and
// the Host allow-list: an https page of the same host, a page on another
// port, and a DNS-rebinding request (Host and Origin both the attacker's
// name) reach neither the websocket nor an upload.
func TestOriginAndHost(t *testing.T) {
	s := newTestServer(t)
	hs := httptest.NewServer(s.Echo)
	defer hs.Close()
	host := strings.TrimPrefix(hs.URL, "http://")
	ws := "ws://" + host + "/ws"
	for _, c := range []struct {
		name, origin, host string
		status             int
	}{
		{"https on the same host", "https://" + host, "", http.StatusForbidden},
		{"another port", "http://127.0.0.1:1", "", http.StatusForbidden},
		{"dns rebinding", "http://rebind.example:" + strings.Split(host, ":")[1], "rebind.example:" + strings.Split(host, ":")[1], http.StatusMisdirectedRequest},
	} {
		h := http.Header{"Origin": {c.origin}}
		if c.host != "" {
			h.Set("Host", c.host)
		}
		conn, res, err := websocket.DefaultDialer.Dial(ws, h)
		if err == nil {
			conn.Close()
			t.Errorf("%s: the websocket upgraded, want %d", c.name, c.status)
		} else if res == nil || res.StatusCode != c.status {
			t.Errorf("%s: upgrade %v, want %d", c.name, err, c.status)
		}
		req, _ := http.NewRequest(http.MethodPost, hs.URL+protocol.UploadPath+"?session=x&widget=lab", strings.NewReader("x"))
		req.Header.Set("Origin", c.origin)
		req.Header.Set("Content-Type", protocol.UploadMediaType)
		if c.host != "" {
			req.Host = c.host
		}
		res, err = hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("%s: upload answered %d, want %d", c.name, res.StatusCode, c.status)
		}
	}
	// The page's own origin still works.
	dialApp(t, hs)
}
