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
	o := newOutbox(10)
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
	o := newOutbox(3)
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

	o = newOutbox(2)
	o.push("node w1", []byte("a"))
	o.push("node w2", []byte("b"))
	if !o.push("node w1", []byte("c")) {
		t.Errorf("a replacing push was refused by a full queue")
	}
}

// TestOutboxSignals checks that a push leaves a token for the writer.
func TestOutboxSignals(t *testing.T) {
	o := newOutbox(4)
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
	errm := &protocol.ErrorMsg{Header: protocol.Header{Type: "error", Widget: "w1"}}
	if coalesceKey(node("w1")) != coalesceKey(node("w1")) || coalesceKey(node("w1")) == coalesceKey(node("w2")) {
		t.Errorf("node keys do not separate widgets")
	}
	if coalesceKey(plot("w1", "loss")) == coalesceKey(plot("w1", "accuracy")) {
		t.Errorf("plots of different names share a key")
	}
	if coalesceKey(errm) != "" || coalesceKey(protocol.NewHello(nil, "")) != "" {
		t.Errorf("error or hello messages have a coalescing key")
	}
}
