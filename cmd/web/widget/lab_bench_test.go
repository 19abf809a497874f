package widget

import (
	"encoding/json"
	"testing"

	"stepgraph/cmd/web/protocol"
)

// BenchmarkLabSetHeads measures a hyperparameter change of the default lab
// as the server answers it: "set heads" alternating between 2 and 4, each
// a rebuild of the model and its three graphs, the replay of the stepped
// run to the end of its forward pass (where the cursor was), the layout
// and SVG of the graph, the sample predictions, and the JSON of every
// message sent (graph, node, attention, metrics). The budget is
// 100 ms; docs/perf.md records the result.
func BenchmarkLabSetHeads(b *testing.B) {
	env, rec := newEnv(b)
	w, e := NewLab(env, nil)
	if e != nil {
		b.Fatal(e)
	}
	defer w.Close()
	if e := w.Handle(&protocol.Request{Type: protocol.TypeRun, To: protocol.RunToForward}); e != nil {
		b.Fatal(e)
	}
	rec.take()
	heads := []string{"4", "2"}
	bytes := 0
	i := 0
	for b.Loop() {
		if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, Name: "heads", Value: heads[i%2]}); e != nil {
			b.Fatal(e)
		}
		i++
		bytes = 0
		for _, m := range rec.take() {
			data, err := json.Marshal(m)
			if err != nil {
				b.Fatal(err)
			}
			bytes += len(data)
		}
	}
	b.ReportMetric(float64(bytes), "bytes/answer")
}

// BenchmarkLabParts splits the hyperparameter change into its parts, each
// at the default sizes with 2 heads: building the model and graphs, the
// layout with its SVG, and the JSON of the graph message.
func BenchmarkLabParts(b *testing.B) {
	o := defaultLabOptions()
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			if _, err := newLabModel(o); err != nil {
				b.Fatal(err)
			}
		}
	})
	env, rec := newEnv(b)
	w, e := NewLab(env, nil)
	if e != nil {
		b.Fatal(e)
	}
	defer w.Close()
	lab := w.(*labWidget)
	b.Run("layout+svg", func(b *testing.B) {
		for b.Loop() {
			lab.relayout()
			lab.sendGraph(0)
			rec.take()
		}
	})
	b.Run("samples", func(b *testing.B) {
		for b.Loop() {
			if _, err := lab.lm.samples(); err != nil {
				b.Fatal(err)
			}
		}
	})
	lab.sendGraph(0)
	g := rec.take()[0]
	b.Run("json-graph", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(g); err != nil {
				b.Fatal(err)
			}
		}
	})
}
