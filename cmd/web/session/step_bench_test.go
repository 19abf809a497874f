package session

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/widget"
)

// The cost of one step of the default lab to the server, in three parts:
// the widget's work (the engine's op and the views), the encoding of the
// messages it sends, and their write to a socket. docs/perf.md records
// them.

// labStepMessages returns the messages the default lab sends for every
// step of its timeline, forward and backward, one step a request as a
// learner steps, and the number of steps.
func labStepMessages(b *testing.B) ([]protocol.Message, int) {
	b.Helper()
	var got []protocol.Message
	env := widget.Env{
		Ctx: context.Background(), Go: func(f func()) bool { go f(); return true }, Pool: pool.New(1, 1),
		Log: slog.New(slog.DiscardHandler), Emit: func(_ int64, m protocol.Message) { got = append(got, m) },
	}
	w, perr := widget.Default().Factory("lab")(env, nil)
	if perr != nil {
		b.Fatal(perr)
	}
	w.Start(0)
	got = got[:0]
	req := &protocol.Request{Type: protocol.TypeStep, Widget: "lab", Dir: protocol.DirForward, Count: 1}
	for steps := 1; ; steps++ {
		from := len(got)
		if perr := w.Handle(req); perr != nil {
			b.Fatal(perr)
		}
		for _, m := range got[from:] {
			if n, ok := m.(*protocol.Node); ok && n.Step.Done {
				return got, steps
			}
		}
		if steps > 10000 {
			b.Fatal("the lab's timeline never ended")
		}
	}
}

// BenchmarkStepEncode is the encoding of the messages of every step of
// the timeline; ns/step is one step's share.
func BenchmarkStepEncode(b *testing.B) {
	msgs, steps := labStepMessages(b)
	n := 0
	for b.Loop() {
		n = 0
		for _, m := range msgs {
			data, err := protocol.MarshalMessage(m)
			if err != nil {
				b.Fatal(err)
			}
			n += len(data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*steps), "ns/step")
	b.ReportMetric(float64(n)/float64(steps), "bytes/step")
	b.ReportMetric(float64(len(msgs))/float64(steps), "msgs/step")
}

// BenchmarkStepWrite is the write of one step's encoded messages to a
// websocket on loopback, whose client reads and drops them.
func BenchmarkStepWrite(b *testing.B) {
	var frames [][]byte
	msgs, steps := labStepMessages(b)
	for _, m := range msgs {
		data, _ := protocol.MarshalMessage(m)
		frames = append(frames, data)
	}
	up := websocket.Upgrader{WriteBufferSize: 16384}
	conns := make(chan *websocket.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			b.Error(err)
			return
		}
		conns <- c
	}))
	defer srv.Close()
	client, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	go func() {
		for {
			if _, _, err := client.NextReader(); err != nil {
				return
			}
		}
	}()
	server := <-conns
	defer server.Close()
	for b.Loop() {
		for _, f := range frames {
			if err := server.WriteMessage(websocket.TextMessage, f); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*steps), "ns/step")
}

// BenchmarkStepHandle is the widget's work for a step of the default lab:
// the op, and the views of the messages it sends (not their encoding),
// averaged over the timeline, as a learner steps through it and resets.
func BenchmarkStepHandle(b *testing.B) {
	sent := 0
	env := widget.Env{
		Ctx: context.Background(), Go: func(f func()) bool { go f(); return true }, Pool: pool.New(1, 1),
		Log: slog.New(slog.DiscardHandler), Emit: func(int64, protocol.Message) { sent++ },
	}
	w, perr := widget.Default().Factory("lab")(env, nil)
	if perr != nil {
		b.Fatal(perr)
	}
	_, steps := labStepMessages(b)
	step := &protocol.Request{Type: protocol.TypeStep, Widget: "lab", Dir: protocol.DirForward, Count: 1}
	reset := &protocol.Request{Type: protocol.TypeReset, Widget: "lab"}
	i := 0
	for b.Loop() {
		req := step
		if i++; i%(steps+1) == 0 {
			req = reset
		}
		if perr := w.Handle(req); perr != nil {
			b.Fatal(perr)
		}
	}
	b.ReportMetric(float64(sent)/float64(b.N), "msgs/op")
}
