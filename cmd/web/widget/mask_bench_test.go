package widget

import (
	"encoding/json"
	"testing"

	"stepgraph/cmd/web/protocol"
)

// BenchmarkLabMaskEdit measures one mask edit of the default lab as the
// server answers it, with the cursor at the end of the timeline (the most
// to recompute): cell (3, 1) blocked and allowed in turn, each an edit of
// the pattern in place, the forward pass recomputed from the first head's
// mask node, the whole backward pass again, and the JSON of the node and
// attention messages. The first edit of an attention, which builds the
// stepped graph anew and lays it out, is BenchmarkLabMaskFirstEdit. The
// issue's budget is 100 ms; docs/perf.md records the result.
func BenchmarkLabMaskEdit(b *testing.B) {
	w, rec := newWidget(b, "lab", nil)
	if e := w.Handle(&protocol.Request{Type: protocol.TypeRun, To: protocol.RunToEnd}); e != nil {
		b.Fatal(e)
	}
	edit := func(allowed bool) {
		if e := w.Handle(&protocol.Request{Type: protocol.TypeMask, Mask: &protocol.MaskEdit{Attention: "layers.0.attn", Row: 3, Col: 1, Allowed: allowed}}); e != nil {
			b.Fatal(e)
		}
	}
	edit(false) // the first edit adds the mask nodes
	rec.take()
	i, n := 0, 0
	for b.Loop() {
		edit(i%2 == 1)
		i++
		n = answerBytes(b, rec)
	}
	b.ReportMetric(float64(n), "bytes/answer")
}

// BenchmarkLabMaskFirstEdit measures the first edit of the default lab's
// attention: the stepped graph built anew with edited-mask nodes, the run
// replayed to the cursor (the end), the graph laid out (a drawing of one
// structure is made once and shared, so after the first iteration this
// part is a lookup) and the graph, node and attention messages' JSON. A
// fresh widget each time, made outside the timing.
func BenchmarkLabMaskFirstEdit(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		w, rec := newWidget(b, "lab", nil)
		if e := w.Handle(&protocol.Request{Type: protocol.TypeRun, To: protocol.RunToEnd}); e != nil {
			b.Fatal(e)
		}
		rec.take()
		b.StartTimer()
		if e := w.Handle(&protocol.Request{Type: protocol.TypeMask, Mask: &protocol.MaskEdit{Attention: "layers.0.attn", Row: 3, Col: 1}}); e != nil {
			b.Fatal(e)
		}
		answerBytes(b, rec)
	}
}

// answerBytes encodes the messages so far, as the session does, and
// returns their size.
func answerBytes(b *testing.B, rec *recorder) int {
	n := 0
	for _, m := range rec.take() {
		data, err := json.Marshal(m)
		if err != nil {
			b.Fatal(err)
		}
		n += len(data)
	}
	return n
}
