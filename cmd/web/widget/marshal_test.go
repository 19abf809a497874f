package widget

import (
	"encoding/json"
	"reflect"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// TestMarshalRealNodes checks protocol.MarshalMessage against
// encoding/json on the node messages of every kind, at every step of its
// timeline and for a selected parameter: the same JSON value each time.
func TestMarshalRealNodes(t *testing.T) {
	for _, k := range exhibit.Kinds {
		w, rec := newWidget(t, k.Name(), nil)
		w.Start(1)
		total := w.ex.Stepping().Stepper().Total()
		req := &protocol.Request{Type: protocol.TypeStep, Dir: protocol.DirForward, Count: 1}
		for range total {
			if e := w.Handle(req); e != nil {
				t.Fatal(e)
			}
		}
		if e := w.Handle(&protocol.Request{Type: protocol.TypeSelect, Node: firstParam(w.ex.Stepping().Graph())}); e != nil {
			t.Fatal(e)
		}
		nodes := 0
		for _, m := range rec.take() {
			if _, ok := m.(*protocol.Node); !ok {
				continue
			}
			nodes++
			fast, err := protocol.MarshalMessage(m)
			if err != nil {
				t.Fatal(err)
			}
			slow, _ := json.Marshal(m)
			var a, b any
			json.Unmarshal(fast, &a)
			json.Unmarshal(slow, &b)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: MarshalMessage\n%s\nencoding/json\n%s", k.Name(), fast, slow)
			}
		}
		if nodes < total {
			t.Errorf("%s: %d node messages for %d steps", k.Name(), nodes, total)
		}
	}
}
