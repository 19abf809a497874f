package widget

import (
	"encoding/json"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
)

// TestViewsSentWhenChanged drives lab and attention widgets through every
// kind of request and checks, after each, that the attention view the
// page holds (the last one it was sent) is the one the exhibit shows at
// that cursor, computed afresh; and that a backward step, which changes
// no attention map, sends none.
func TestViewsSentWhenChanged(t *testing.T) {
	for _, c := range []struct {
		kind string
		opts map[string]string
	}{{"lab", nil}, {"lab", map[string]string{"arch": "encdec"}}, {"attention", nil}} {
		w, rec := newWidget(t, c.kind, c.opts)
		w.Start(1)
		var held []byte // the page's attention view
		check := func(what string) {
			t.Helper()
			for _, m := range rec.take() {
				if a, ok := m.(*protocol.Attention); ok {
					body := *a
					body.Header = protocol.Header{Type: a.Type} // without the request's id
					held, _ = json.Marshal(&body)
				}
			}
			w.mu.Lock()
			fresh, _ := json.Marshal(viewMessage(w.ex.Views()[0]))
			w.mu.Unlock()
			if string(held) != string(fresh) {
				t.Fatalf("%s %v after %s: the page holds\n%s\nthe exhibit shows\n%s", c.kind, c.opts, what, held, fresh)
			}
		}
		handle := func(req protocol.Request) {
			t.Helper()
			if e := w.Handle(&req); e != nil {
				t.Fatalf("%s %v: %+v: %v", c.kind, c.opts, req, e)
			}
			check(req.Type + " " + req.Dir + req.Node)
		}
		check("start")
		total := w.ex.Stepping().Stepper().Total()
		forward := protocol.Request{Type: protocol.TypeStep, Dir: protocol.DirForward, Count: 1}
		for range total {
			handle(forward)
		}
		// Back through the backward pass: no attention map changes.
		rec.take()
		w.Handle(&protocol.Request{Type: protocol.TypeBack, Count: total / 4})
		for _, m := range rec.take() {
			if _, ok := m.(*protocol.Attention); ok {
				t.Errorf("%s %v: undoing backward steps sent an attention view", c.kind, c.opts)
			}
		}
		check("back")
		handle(protocol.Request{Type: protocol.TypeBack, Count: total / 2})
		handle(protocol.Request{Type: protocol.TypeSeek, Index: 3})
		handle(protocol.Request{Type: protocol.TypeSelect, Node: firstParam(w.ex.Stepping().Graph())})
		handle(protocol.Request{Type: protocol.TypeRun, To: protocol.RunToForward})
		handle(protocol.Request{Type: protocol.TypeReset})
		handle(forward)
		// A change of the model at the same cursor: the maps are new.
		handle(protocol.Request{Type: protocol.TypeRun, To: protocol.RunToEnd})
		if c.kind == "lab" { // a new example at the same cursor
			handle(protocol.Request{Type: protocol.TypeSet, Name: "tokens", Value: "cab"})
		}
		handle(protocol.Request{Type: protocol.TypeSet, Name: "seed", Value: "2"})
		handle(protocol.Request{Type: protocol.TypeRun, To: protocol.RunToEnd})
		// Training: the run's chunk sends its views while it runs, so the
		// page's view is checked once the three steps are done.
		if e := w.Handle(&protocol.Request{Type: protocol.TypeTrain, Action: protocol.TrainStart, Steps: 3}); e != nil {
			t.Fatalf("%s %v: train start: %v", c.kind, c.opts, e)
		}
		w.trainer.stop() // wait for the three steps
		check("a run of three training steps")
		handle(protocol.Request{Type: protocol.TypeTrain, Action: protocol.TrainStop})
	}
}

// firstParam returns the name of g's first parameter.
func firstParam(g *engine.Graph) string {
	for _, n := range g.Nodes {
		if n.Kind == engine.KindParam {
			return n.Name
		}
	}
	return ""
}
