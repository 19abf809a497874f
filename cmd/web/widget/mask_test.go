package widget

import (
	"math"
	"testing"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/enginetest"
)

// wireTol bounds the difference between a probability on the wire and a
// softmax computed here from the scores on the wire: both are rounded to
// 6 significant digits (a relative error of 5e-6 each), and a softmax's
// sensitivity to its scores is at most 1, so 2e-5 covers both roundings.
const wireTol = 2e-5

// TestAdapterMaskEdit blocks one mask cell through the adapter, for the
// lab and the attention widget, with the forward pass done: the answer is
// the graph (first edit), the node and the attention maps; in every head
// only the edited query row changes, it sums to 1, is 0 at the blocked
// key and equals a softmax over the allowed scores computed here. The new
// graph's formulas render.
func TestAdapterMaskEdit(t *testing.T) {
	for _, kind := range []string{"lab", "attention"} {
		t.Run(kind, func(t *testing.T) {
			w, rec := newWidget(t, kind, nil)
			if e := w.Handle(&protocol.Request{Type: protocol.TypeRun, ID: 2, To: protocol.RunToForward}); e != nil {
				t.Fatal(e)
			}
			before := last[*protocol.Attention](rec.take())
			const row, col = 4, 2
			if e := w.Handle(&protocol.Request{Type: protocol.TypeMask, ID: 3, Mask: &protocol.MaskEdit{Attention: "layers.0.attn", Row: row, Col: col}}); e != nil {
				t.Fatal(e)
			}
			msgs := rec.take()
			if len(msgs) != 3 || msgs[0].Head().Type != protocol.TypeGraph || msgs[1].Head().Type != protocol.TypeNode || msgs[2].Head().Type != protocol.TypeAttention {
				t.Fatalf("answer %v, want graph, node, attention", types(msgs))
			}
			checkFormulas(t, kind+" edited", map[string]bool{}, w.ex.Stepping().Graph())
			after := msgs[2].(*protocol.Attention)
			for h, head := range after.Layers[0].Heads {
				p, s, old := head.Probs, head.Scores, before.Layers[0].Heads[h].Probs
				tk := p.Cols
				for i := range p.Rows {
					got, was := p.Data[i*tk:(i+1)*tk], old.Data[i*tk:(i+1)*tk]
					if i != row {
						for k := range got {
							if got[k] != was[k] {
								t.Errorf("head %d probs[%d,%d] = %v, was %v: only row %d may change", h, i, k, got[k], was[k], row)
							}
						}
						continue
					}
					allowed := make([]bool, tk)
					for k := range allowed {
						allowed[k] = k <= i && k != col // the causal decoder, less the blocked key
					}
					want := enginetest.SoftmaxOver(s.Data[i*tk:(i+1)*tk], allowed)
					sum := 0.0
					for k := range got {
						sum += got[k]
						if math.Abs(got[k]-want[k]) > wireTol {
							t.Errorf("head %d probs[%d,%d] = %v, want %v (softmax over the allowed scores)", h, i, k, got[k], want[k])
						}
					}
					if got[col] != 0 || !head.Mask[i][col] || math.Abs(sum-1) > float64(tk)*5e-6 {
						t.Errorf("head %d row %d = %v (sum %v), want 0 at key %d, masked, and a sum of 1", h, i, got, sum, col)
					}
				}
			}
		})
	}
}

func types(msgs []protocol.Message) []string {
	var ts []string
	for _, m := range msgs {
		ts = append(ts, m.Head().Type)
	}
	return ts
}

// TestAdapterMaskRefusals checks the kinds without attention and the
// training widget.
func TestAdapterMaskRefusals(t *testing.T) {
	w, _ := newWidget(t, "mlp", nil)
	if e := w.Handle(&protocol.Request{Type: protocol.TypeMask, Mask: &protocol.MaskEdit{Attention: "x", Preset: "none"}}); e == nil || e.Code != protocol.CodeUnsupported {
		t.Errorf("mask on an mlp = %v, want unsupported", e)
	}
	a, _ := newWidget(t, "attention", nil)
	if e := a.Handle(&protocol.Request{Type: protocol.TypeTrain, Action: protocol.TrainStart, Steps: 100000}); e != nil {
		t.Fatal(e)
	}
	if e := a.Handle(&protocol.Request{Type: protocol.TypeMask, Mask: &protocol.MaskEdit{Attention: "layers.0.attn", Preset: "none"}}); e == nil || e.Code != protocol.CodeBusy {
		t.Errorf("mask while training = %v, want busy", e)
	}
	a.Handle(&protocol.Request{Type: protocol.TypeTrain, Action: protocol.TrainStop})
}
