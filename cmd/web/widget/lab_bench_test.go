package widget

import (
	"encoding/json"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// BenchmarkLabSetHeads measures a hyperparameter change of the default lab
// as the server answers it: "set heads" alternating between 2 and 4, each
// a rebuild of the model and its three graphs, the replay of the stepped
// run to the end of its forward pass (where the cursor was), the layout
// and SVG of the graph, the sample predictions, and the JSON of every
// message sent (graph, node, attention, metrics). The budget is
// 100 ms; docs/perf.md records the result.
func BenchmarkLabSetHeads(b *testing.B) { benchSetHeads(b, nil, "4", "2") }

// BenchmarkLabSetHeadsLargest is BenchmarkLabSetHeads for the largest
// model (heads 8 and 4).
func BenchmarkLabSetHeadsLargest(b *testing.B) { benchSetHeads(b, labLargest, "4", "8") }

// benchSetHeads times "set heads", alternating between two values, on the
// lab of opts with its cursor at the end of the forward pass, and reports
// the size of the answer's JSON.
func benchSetHeads(b *testing.B, opts map[string]string, heads ...string) {
	w, rec := newWidget(b, "lab", opts)
	if e := w.Handle(&protocol.Request{Type: protocol.TypeRun, To: protocol.RunToForward}); e != nil {
		b.Fatal(e)
	}
	rec.take()
	i, bytes := 0, 0
	for b.Loop() {
		if e := w.Handle(&protocol.Request{Type: protocol.TypeSet, Name: "heads", Value: heads[i%len(heads)]}); e != nil {
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
// at the default sizes with 2 heads: here the layout with its SVG (the
// exhibit draws the layout, the widget the SVG and the message), and the
// JSON of the graph message. The exhibit package's BenchmarkLabParts
// times the others: building the model and graphs, and the samples.
func BenchmarkLabParts(b *testing.B) {
	lab, rec := newWidget(b, "lab", nil)
	b.Run("layout+svg", func(b *testing.B) {
		for b.Loop() {
			if e := lab.ex.Apply(lab.ex.Values(), exhibit.Relayout); e != nil {
				b.Fatal(e)
			}
			lab.sendGraph(0)
			rec.take()
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

// labLargest is the largest model the lab's bounds allow.
var labLargest = map[string]string{"arch": "encdec", "layers": "4", "d": "64", "heads": "8", "dff": "256", "n": "8", "k": "16"}

// BenchmarkLabTrainChunk measures one chunk of training (up to
// exhibit.LabChunkSteps steps on the lab's training batches, with its
// metrics, and the samples and chart when their time comes) for the
// default model and the largest one: how long a stepping request may wait
// for the lock while the model trains. It reports the steps per chunk.
func BenchmarkLabTrainChunk(b *testing.B) {
	for _, c := range []struct {
		name string
		opts map[string]string
	}{{"default", nil}, {"largest", labLargest}} {
		b.Run(c.name, func(b *testing.B) {
			lab, rec := newWidget(b, "lab", c.opts)
			chunks := 0
			for b.Loop() {
				chunk(lab)
				rec.take()
				chunks++
			}
			b.ReportMetric(float64(lab.ex.Metrics(false).Step)/float64(chunks), "steps/chunk")
			b.ReportMetric(float64(labOf(lab).Model().NumParams()), "params")
		})
	}
}

// BenchmarkLabCheckAll times a "check all" request of the default lab at
// the end of the backward pass through the adapter, as the server runs
// it: the request, one heavy job a parameter on the pool, the gradcheck
// messages (22 and the final one) and their JSON.
func BenchmarkLabCheckAll(b *testing.B) {
	w, rec := newWidget(b, "lab", nil)
	if e := w.Handle(&protocol.Request{Type: protocol.TypeRun, To: protocol.RunToEnd}); e != nil {
		b.Fatal(e)
	}
	rec.take()
	bytes := 0
	for b.Loop() {
		if e := w.Handle(&protocol.Request{Type: protocol.TypeCheck, All: true}); e != nil {
			b.Fatal(e)
		}
		w.waitCheck()
		bytes = 0
		for _, m := range rec.take() {
			data, err := protocol.MarshalMessage(m)
			if err != nil {
				b.Fatal(err)
			}
			bytes += len(data)
		}
	}
	b.ReportMetric(float64(bytes), "bytes/answer")
}
