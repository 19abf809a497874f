package widget

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
)

// cloneParams copies a model's parameters.
func cloneParams(ps map[string]*engine.Tensor) map[string]*engine.Tensor {
	out := make(map[string]*engine.Tensor, len(ps))
	for name, p := range ps {
		out[name] = p.Clone()
	}
	return out
}

// TestLabLoadWeights trains a lab, then loads its untrained weights back:
// the parameters, the node at the cursor and the metrics (step 0, the
// held-out loss and samples) are again those of the untrained lab, and the
// training history starts afresh. A file that does not fit changes
// nothing.
func TestLabLoadWeights(t *testing.T) {
	lab, rec := newWidget(t, "lab", map[string]string{"step": "40"})
	lab.Start(0) // as unsolicited, to compare with the load's messages
	start := rec.take()
	if last[*protocol.LabMetrics](start) == nil || last[*protocol.Node](start) == nil {
		t.Fatalf("Start sent %d messages, want node and metrics among them", len(start))
	}
	model := labOf(lab).Model()
	untrained := cloneParams(model.Params)
	for range 3 {
		chunk(lab)
	}
	trained := cloneParams(model.Params)
	if done := last[*protocol.LabMetrics](rec.take()).Step; done == 0 || slices.Equal(trained["head.w"].Data, untrained["head.w"].Data) {
		t.Fatalf("training changed nothing: %d steps", done)
	}
	lab.ex.Stepping().Replay()

	bad := maps.Clone(untrained)
	bad["head.w"] = engine.New(3, 3)
	if e := lab.LoadWeights(bad); e == nil || e.Code != protocol.CodeBadWeights {
		t.Errorf("LoadWeights(head.w [3 3]) = %v, want %s", e, protocol.CodeBadWeights)
	}
	for name, p := range model.Params {
		if !slices.Equal(p.Data, trained[name].Data) {
			t.Fatalf("a refused file changed %s", name)
		}
	}
	if msgs := rec.take(); len(msgs) != 0 {
		t.Errorf("a refused file sent %d messages, want none", len(msgs))
	}

	if e := lab.LoadWeights(untrained); e != nil {
		t.Fatalf("LoadWeights(the untrained weights) = %v", e)
	}
	for name, p := range model.Params {
		if !slices.Equal(p.Data, untrained[name].Data) {
			t.Errorf("after the load %s differs from the file", name)
		}
	}
	got := rec.take()
	wantNode, gotNode := jsonOf(t, last[*protocol.Node](start)), jsonOf(t, last[*protocol.Node](got))
	if gotNode != wantNode {
		t.Errorf("node after the load = %s, want the untrained lab's %s", gotNode, wantNode)
	}
	wantM, gotM := last[*protocol.LabMetrics](start), last[*protocol.LabMetrics](got)
	if gotM == nil || gotM.Step != 0 || gotM.Loss != wantM.Loss || jsonOf(t, gotM.Samples) != jsonOf(t, wantM.Samples) {
		t.Errorf("metrics after the load = %+v, want step 0 and the untrained lab's loss %v and samples", gotM, wantM.Loss)
	}
	if last[*protocol.Attention](got) == nil || last[*protocol.Graph](got) != nil {
		t.Errorf("the load sent %d messages, want node, attention and metrics but no graph", len(got))
	}
	// A fresh start (exhibit's TestLabLoadWeightsStartsAfresh checks the
	// optimizer too): no training steps, no chart.
	if charts, err := lab.ex.Charts(); lab.ex.Metrics(false).Step != 0 || len(charts) != 0 || err != nil {
		t.Errorf("after the load: %d training steps, %d charts (err %v); want a fresh start", lab.ex.Metrics(false).Step, len(charts), err)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
