package widget

import (
	"testing"

	"stepgraph/cmd/web/protocol"
)

// plotNamed returns the last plot message of the given name, or nil.
func plotNamed(msgs []protocol.Message, name string) *protocol.Plot {
	for i := len(msgs) - 1; i >= 0; i-- {
		if p, ok := msgs[i].(*protocol.Plot); ok && p.Name == name {
			return p
		}
	}
	return nil
}

// TestMLPRegionsSent checks that the mlp widget sends its decision
// regions (exhibit's TestMLPRegions checks what they show) at the start,
// answering the configure request, and again after training for the
// whole budget (seed 1).
func TestMLPRegionsSent(t *testing.T) {
	w, rec := newWidget(t, "mlp", map[string]string{"data": "clusters", "hidden": "4"})
	w.Start(1)
	if p := plotNamed(rec.take(), "regions"); p == nil || p.ID != 1 || len(p.SVG) == 0 {
		t.Fatalf("regions at start = %+v, want a chart answering id 1", p)
	}
	for !chunk(w) {
	}
	if p := plotNamed(rec.take(), "regions"); p == nil {
		t.Errorf("no regions chart after training")
	}
}
