package session

import (
	"fmt"
	"slices"
	"testing"

	"stepgraph/cmd/web/protocol"
)

func texts(b [][]byte) []string {
	var s []string
	for _, x := range b {
		s = append(s, string(x))
	}
	return s
}

// TestOutboxCoalesces checks latest-wins per key, with the newer item
// moving to the end, and that unkeyed items are all kept.
func TestOutboxCoalesces(t *testing.T) {
	o := newOutbox(10, 1<<20)
	o.push("graph w1", []byte("g1"))
	o.push("node w1", []byte("n1"))
	o.push("", []byte("e1"))
	o.push("node w2", []byte("m1"))
	o.push("node w1", []byte("n2"))
	o.push("", []byte("e2"))
	o.push("node w1", []byte("n3"))
	got, over := o.take()
	want := []string{"g1", "e1", "m1", "e2", "n3"}
	if !slices.Equal(texts(got), want) || over {
		t.Errorf("take = %v (overflow %v), want %v", texts(got), over, want)
	}
	if got, _ := o.take(); len(got) != 0 {
		t.Errorf("second take = %v, want nothing", texts(got))
	}
}

// TestOutboxBound checks that a full queue reports an overflow instead of
// growing, while coalescing items still fit.
func TestOutboxBound(t *testing.T) {
	o := newOutbox(3, 1<<20)
	for i := range 3 {
		if !o.push("", fmt.Appendf(nil, "e%d", i)) {
			t.Fatalf("push %d refused below the bound", i)
		}
	}
	if o.push("", []byte("e3")) {
		t.Errorf("push beyond the bound accepted")
	}
	got, over := o.take()
	if len(got) != 3 || !over {
		t.Errorf("take = %v overflow %v, want 3 items and an overflow", texts(got), over)
	}

	o = newOutbox(2, 1<<20)
	o.push("node w1", []byte("a"))
	o.push("node w2", []byte("b"))
	if !o.push("node w1", []byte("c")) {
		t.Errorf("a replacing push was refused by a full queue")
	}
}

// TestOutboxByteBound checks the bound in bytes: an item that would take
// the queue past it overflows, items the writer has taken count until they
// are sent, and a replacing push frees the bytes of what it replaces.
func TestOutboxByteBound(t *testing.T) {
	o := newOutbox(100, 10)
	if !o.push("a", []byte("12345")) || !o.push("b", []byte("1234")) {
		t.Fatal("pushes within the byte bound refused")
	}
	if !o.push("a", []byte("123456")) { // replaces a: 6 + 4 bytes
		t.Errorf("a replacing push within the bound was refused")
	}
	batch, _ := o.take()
	if o.queued() != 10 {
		t.Errorf("queued after take = %d bytes, want the 10 taken and not sent", o.queued())
	}
	if o.push("c", []byte("x")) {
		t.Errorf("a push past the bytes still being written was accepted")
	}
	for _, b := range batch {
		o.sent(len(b))
	}
	if o.queued() != 0 {
		t.Errorf("queued after sending the batch = %d bytes, want 0 (the refused push was dropped)", o.queued())
	}
	if _, over := o.take(); !over {
		t.Errorf("take after a refused push reports no overflow")
	}
}

// TestOutboxSignals checks that a push leaves a token for the writer.
func TestOutboxSignals(t *testing.T) {
	o := newOutbox(4, 1<<20)
	o.push("", []byte("x"))
	o.push("", []byte("y")) // a second push while the token waits does not block
	select {
	case <-o.ready:
	default:
		t.Fatal("no token after push")
	}
}

// TestCoalesceKey checks which messages replace each other.
func TestCoalesceKey(t *testing.T) {
	node := func(w string) protocol.Message {
		return &protocol.Node{Header: protocol.Header{Type: "node", Widget: w}}
	}
	plot := func(w, name string) protocol.Message {
		return &protocol.Plot{Header: protocol.Header{Type: "plot", Widget: w}, Name: name}
	}
	errm := func(req string, code protocol.Code) protocol.Message {
		return &protocol.ErrorMsg{Header: protocol.Header{Type: "error", Widget: "w1"}, Request: req, Code: code}
	}
	if coalesceKey(node("w1")) != coalesceKey(node("w1")) || coalesceKey(node("w1")) == coalesceKey(node("w2")) {
		t.Errorf("node keys do not separate widgets")
	}
	if coalesceKey(plot("w1", "loss")) == coalesceKey(plot("w1", "accuracy")) {
		t.Errorf("plots of different names share a key")
	}
	if coalesceKey(protocol.NewHello(nil, "", protocol.CurrentLimits())) != "" {
		t.Errorf("hello has a coalescing key")
	}
	// Refusals coalesce by widget, request type and code, so that a burst
	// of them cannot fill the queue of a client that reads.
	if k := coalesceKey(errm("step", protocol.CodeBadField)); k == "" || k != coalesceKey(errm("step", protocol.CodeBadField)) {
		t.Errorf("two bad_field refusals of a step have keys %q, want one key", k)
	}
	if coalesceKey(errm("step", protocol.CodeBadField)) == coalesceKey(errm("set", protocol.CodeBadField)) ||
		coalesceKey(errm("step", protocol.CodeBadField)) == coalesceKey(errm("step", protocol.CodeOutOfRange)) {
		t.Errorf("refusals of different requests or codes share a key")
	}
}
