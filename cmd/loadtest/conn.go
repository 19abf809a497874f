package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one learner's websocket, as a page holds it: the hello, a
// reader that reads every message the server sends, and requests
// matched to their answers by id.
type conn struct {
	ws     *websocket.Conn
	hello  hello
	rec    *recorder
	closed chan struct{} // closed when the reader stops

	wmu sync.Mutex // one writer at a time: the stepper's ticks, and close

	mu      sync.Mutex
	nextID  int64
	pending map[int64]*request
	closing bool
	// onMessage, when set, sees every message after its request is
	// matched (a stepper watches its cursor with it, a trainer counts
	// its steps). It runs on the reader.
	onMessage func(h head, data []byte)
}

// hello is the part of the server's first message the load test reads.
type hello struct {
	Type    string           `json:"type"`
	Limits  map[string]int64 `json:"limits"`
	Session string           `json:"session"`
}

// request is one request waiting for its answer.
type request struct {
	sent    time.Time
	measure bool      // its latency counts (it was sent in the window)
	answer  chan head // the answer, for the caller that waits; nil when nobody waits
}

// ioTimeout bounds the handshake, the hello and every write.
const ioTimeout = 10 * time.Second

// dial opens a socket to addr, as a page of http://addr does, and reads
// the hello. onMessage may be nil.
func dial(ctx context.Context, addr string, compress bool, rec *recorder, onMessage func(head, []byte)) (*conn, error) {
	d := websocket.Dialer{HandshakeTimeout: ioTimeout, EnableCompression: compress}
	ws, res, err := d.DialContext(ctx, "ws://"+addr+"/ws", http.Header{"Origin": {"http://" + addr}})
	if err != nil {
		if res != nil {
			return nil, fmt.Errorf("dial: %v (HTTP %d)", err, res.StatusCode)
		}
		return nil, fmt.Errorf("dial: %v", err)
	}
	ws.SetReadDeadline(time.Now().Add(ioTimeout))
	_, data, err := ws.ReadMessage()
	if err != nil {
		ws.Close()
		return nil, fmt.Errorf("hello: %v", err)
	}
	c := &conn{ws: ws, rec: rec, closed: make(chan struct{}), pending: map[int64]*request{}, onMessage: onMessage}
	if err := json.Unmarshal(data, &c.hello); err != nil || c.hello.Type != "hello" {
		ws.Close()
		if h := parseHead(data); h.typ == "error" {
			return nil, fmt.Errorf("refused: %s", h.code)
		}
		return nil, fmt.Errorf("first message is not hello: %.80s", data)
	}
	ws.SetReadDeadline(time.Time{}) // the server pings; the test's own clock bounds it
	// The client's frames are a few dozen bytes: deflating them would cost
	// the load test's share of the machine more than it saves.
	ws.EnableWriteCompression(false)
	go c.read()
	return c, nil
}

// read reads every message until the socket closes, and hands each
// answer to its request.
func (c *conn) read() {
	defer close(c.closed)
	var buf bytes.Buffer // one buffer for every message: the load test's own garbage is the server's CPU
	for {
		data, err := c.next(&buf)
		if err != nil {
			c.mu.Lock()
			closing := c.closing
			c.mu.Unlock()
			if !closing {
				c.rec.drop(closeReason(err))
			}
			return
		}
		h := parseHead(data)
		now := time.Now()
		if h.typ == "error" {
			c.rec.error(h.code)
		}
		if h.id != 0 && (h.typ == "node" || h.typ == "error") {
			c.mu.Lock()
			r := c.pending[h.id]
			delete(c.pending, h.id)
			c.mu.Unlock()
			if r != nil {
				if r.measure {
					c.rec.latency(now.Sub(r.sent))
				}
				if r.answer != nil {
					r.answer <- h
				}
			}
		}
		if c.onMessage != nil {
			c.onMessage(h, data)
		}
	}
}

// next reads the next message into buf and returns its bytes, valid
// until the next call.
func (c *conn) next(buf *bytes.Buffer) ([]byte, error) {
	_, r, err := c.ws.NextReader()
	if err != nil {
		return nil, err
	}
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// send writes a request built by msg from its id; the answer's latency
// is measured from sent when measure is set.
func (c *conn) send(msg func(id int64) string, sent time.Time, measure bool, answer chan head) error {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.pending[id] = &request{sent: sent, measure: measure, answer: answer}
	c.mu.Unlock()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(ioTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, []byte(msg(id)))
}

// call sends a request and waits for its answer (a node or an error).
func (c *conn) call(ctx context.Context, msg func(id int64) string) (head, error) {
	answer := make(chan head, 1)
	if err := c.send(msg, time.Now(), false, answer); err != nil {
		return head{}, err
	}
	select {
	case h := <-answer:
		return h, nil
	case <-c.closed:
		return head{}, errors.New("the connection closed")
	case <-ctx.Done():
		return head{}, ctx.Err()
	}
}

// close ends the connection with a normal close frame and waits for the
// reader (bounded by ioTimeout).
func (c *conn) close() {
	c.mu.Lock()
	c.closing = true
	c.mu.Unlock()
	c.wmu.Lock()
	c.ws.SetWriteDeadline(time.Now().Add(ioTimeout))
	c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "load test done"))
	c.wmu.Unlock()
	select {
	case <-c.closed:
	case <-time.After(ioTimeout):
	}
	c.ws.Close()
}

// closeReason names why a read failed: the close code and reason the
// server sent, or the error.
func closeReason(err error) string {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Sprintf("close %d %s", ce.Code, ce.Text)
	}
	return err.Error()
}

// head is what the load test reads of a message: its type, the id it
// answers, the stepper's cursor and an error's code.
type head struct {
	typ          string
	id           int64
	index, total int
	code         string
}

// parseHead reads a message's head without decoding the whole message
// (a step's node message is a few KB of numbers, and the load test must
// read 20,000 of them a second on the server's own machine). The server
// writes the envelope first (type, widget, id) and a node's cursor right
// after it; an error, which is small, is decoded in full.
func parseHead(b []byte) head {
	var h head
	prefix := b[:min(len(b), 256)]
	// The envelope: {"type":"…","widget":"…","id":N — the id only where
	// it follows the widget, since a node view has an "id" of its own.
	rest, ok := bytes.CutPrefix(prefix, []byte(`{"type":"`))
	if !ok {
		return h
	}
	i := bytes.IndexByte(rest, '"')
	if i < 0 {
		return h
	}
	h.typ, rest = string(rest[:i]), rest[i+1:]
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"widget":"`)); ok {
		if i = bytes.IndexByte(rest, '"'); i >= 0 && bytes.HasPrefix(rest[i+1:], []byte(`,"id":`)) {
			v, _ := intField(rest[i+1:], `,"id":`)
			h.id = int64(v)
		}
	}
	switch h.typ {
	case "node":
		h.index, _ = intField(prefix, `"index":`)
		h.total, _ = intField(prefix, `"total":`)
	case "error":
		var e struct {
			Code string `json:"code"`
		}
		json.Unmarshal(b, &e)
		h.code = e.Code
	}
	return h
}

// intField returns the non-negative integer after key in b.
func intField(b []byte, key string) (int, bool) {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0, false
	}
	rest := b[i+len(key):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	v, err := strconv.Atoi(string(rest[:j]))
	return v, err == nil
}
