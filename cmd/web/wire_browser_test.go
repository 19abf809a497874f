package main

import (
	"encoding/json"
	"strings"
)

// wireMsg is one message the server sent to the page, as it went over the
// websocket: the browser tests read what the learner should see from
// these, not from the page's own state.
type wireMsg struct {
	Type   string `json:"type"`
	Widget string `json:"widget"`
	ID     int    `json:"id"`
	Raw    json.RawMessage
	Seq    int // its position among the frames the page received
}

// decode unmarshals the whole message into v.
func (m wireMsg) decode(b *browser, v any) {
	b.t.Helper()
	if err := json.Unmarshal(m.Raw, v); err != nil {
		b.t.Fatalf("decode the server's %s message: %v", m.Type, err)
	}
}

// wire returns the messages the server has sent since frame from (0: since
// the start), of type typ (every type when ""), parsed.
func (b *browser) wire(from int, typ string) []wireMsg {
	b.t.Helper()
	b.mu.Lock()
	frames := append([]string(nil), b.received[min(from, len(b.received)):]...)
	b.mu.Unlock()
	var out []wireMsg
	for i, f := range frames {
		if typ != "" && !strings.Contains(f, `"type":"`+typ+`"`) {
			continue
		}
		var m wireMsg
		if err := json.Unmarshal([]byte(f), &m); err != nil {
			b.t.Fatalf("the server sent a frame that is not JSON: %v", err)
		}
		if typ != "" && m.Type != typ {
			continue
		}
		m.Raw, m.Seq = json.RawMessage(f), from+i
		out = append(out, m)
	}
	return out
}

// wireMark returns the number of frames received so far, a start for
// wire and waitWire that leaves out what came before.
func (b *browser) wireMark() int {
	b.t.Helper()
	b.sync()
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.received)
}

// waitWire waits until the server has sent, since frame from, a message of
// type typ for which ok holds (nil: any), and returns the first such.
// The test's deadline bounds the wait.
func (b *browser) waitWire(what string, from int, typ string, ok func(wireMsg) bool) wireMsg {
	b.t.Helper()
	for {
		for _, m := range b.wire(from, typ) {
			if ok == nil || ok(m) {
				return m
			}
		}
		select {
		case <-b.arrived:
		case <-b.ctx.Done():
			b.t.Fatalf("%s: no %s message came: %v", what, typ, b.ctx.Err())
		}
	}
}
