package task

import (
	"fmt"

	"stepgraph/engine"
)

// Decode runs the graph g (built for this layout) greedily on the inputs xs
// and returns the output it predicts for each, the sample predictions the
// web UI shows.
//
//   - encoder: one forward pass; y_t is the argmax at position t.
//   - decoder: the input starts as [x, SEP]; each forward pass predicts the
//     next y_i from the argmax at position n+i, which is then written into
//     the input at n+i+1.
//   - encdec: the decoder input starts as [BOS]; y_i is the argmax at
//     position i and is written into the input at i+1.
//
// The autoregressive variants run N forward passes; positions not yet
// generated hold the reserved id, and the causal mask keeps them from
// mattering. A prediction may be the reserved id itself if the model emits
// it. Targets are filled with the true answers, so g's loss is meaningful,
// but g's inputs are left holding the last decoding pass, not the teacher
// forcing batch. Decode returns an error if xs has more rows than g's batch
// or an input is not N symbols in [0, K).
func (l Layout) Decode(g *engine.Graph, xs [][]int) ([][]int, error) {
	rows := g.MustNode("input_ids").Shape[0]
	if len(xs) > rows {
		return nil, fmt.Errorf("decode %d inputs with a graph of batch %d", len(xs), rows)
	}
	padded := make([][]int, rows) // unused rows decode all-zero inputs
	for i := range padded {
		if i < len(xs) {
			padded[i] = xs[i]
		} else {
			padded[i] = make([]int, l.Task.N)
		}
	}
	b, err := l.Encode(padded)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	logits := g.MustNode("logits").Value // [B, T, V]
	preds := make([][]int, len(xs))
	for i := range preds {
		preds[i] = make([]int, l.Task.N)
	}
	if l.Variant == Encoder { // one pass predicts every position
		Fill(g, b)
		g.Forward()
		for r := range preds {
			for t := range preds[r] {
				preds[r][t] = argmax(logits, r*l.T+t)
			}
		}
		return preds, nil
	}
	for r := 0; r < rows; r++ { // forget the teacher-forced outputs
		for t := l.outputPos(0) + 1; t < l.T; t++ {
			b.Input[r*l.T+t] = l.Task.K // the reserved id
		}
	}
	for i := 0; i < l.Task.N; i++ {
		Fill(g, b)
		g.Forward()
		pos := l.outputPos(i) // the position whose logits predict y_i
		for r := 0; r < rows; r++ {
			p := argmax(logits, r*l.T+pos)
			if r < len(preds) {
				preds[r][i] = p
			}
			if pos+1 < l.T {
				b.Input[r*l.T+pos+1] = p // feed y_i back in
			}
		}
	}
	return preds, nil
}
