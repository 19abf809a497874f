package session

import (
	"testing"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
)

// TestLanes checks which lane each request takes: rebuilds and long runs only on a model over
// heavyBytes; configures by their model's estimate; steps are interactive.
func TestLanes(t *testing.T) {
	ts := newTestServer(t)
	h, perr, _ := ts.m.adm.connect("10.0.0.9")
	if perr != nil {
		t.Fatal(perr)
	}
	defer ts.m.adm.disconnect(h)
	s := &session{m: ts.m, holds: h}
	if e := ts.m.adm.reserve(h, "small", heavyBytes/8); e != nil {
		t.Fatal(e)
	}
	if e := ts.m.adm.reserve(h, "big", 2*heavyBytes); e != nil {
		t.Fatal(e)
	}
	cases := []struct {
		req  protocol.Request
		want pool.Lane
	}{
		{protocol.Request{Type: protocol.TypeStep, Widget: "big", Count: 1}, pool.Interactive},
		{protocol.Request{Type: protocol.TypeStep, Widget: "big", Count: 100}, pool.Heavy},
		{protocol.Request{Type: protocol.TypeStep, Widget: "small", Count: 100}, pool.Interactive},
		{protocol.Request{Type: protocol.TypeBack, Widget: "big", Count: 100}, pool.Heavy},
		{protocol.Request{Type: protocol.TypeSet, Widget: "big"}, pool.Heavy},
		{protocol.Request{Type: protocol.TypeSet, Widget: "small"}, pool.Interactive},
		{protocol.Request{Type: protocol.TypeRun, Widget: "big"}, pool.Heavy},
		{protocol.Request{Type: protocol.TypeSeek, Widget: "big"}, pool.Heavy},
		{protocol.Request{Type: protocol.TypeSelect, Widget: "big"}, pool.Interactive},
		{protocol.Request{Type: protocol.TypeReset, Widget: "big"}, pool.Interactive},
		// A check is answered at once; its work takes the heavy lane from the widget.
		{protocol.Request{Type: protocol.TypeCheck, Widget: "big", All: true}, pool.Interactive},
	}
	for _, c := range cases {
		if got := s.laneOf(&c.req); got != c.want {
			t.Errorf("%s of %s (count %d): lane %d, want %d", c.req.Type, c.req.Widget, c.req.Count, got, c.want)
		}
	}
	largest := map[string]string{"arch": "encdec", "layers": "4", "d": "64", "heads": "8", "dff": "256", "n": "8", "k": "16"}
	for _, c := range []struct {
		opts map[string]string
		want pool.Lane
	}{{nil, pool.Interactive}, {largest, pool.Heavy}, {map[string]string{"d": "nope"}, pool.Interactive}} {
		if got := s.configureLane(&protocol.Request{Type: protocol.TypeConfigure, Kind: "lab", Options: c.opts}); got != c.want {
			t.Errorf("configure lab %v: lane %d, want %d", c.opts, got, c.want)
		}
	}
}
