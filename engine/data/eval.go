package data

import (
	"fmt"

	"stepgraph/engine"
)

// Argmax returns, for logits [n, C], the index of the largest entry of each
// row (the first one on a tie): the predicted class.
func Argmax(logits *engine.Tensor) []int {
	if logits.Rank() != 2 {
		panic(fmt.Sprintf("data: Argmax of shape %v, want [n, C]", logits.Shape))
	}
	n, c := logits.Shape[0], logits.Shape[1]
	pred := make([]int, n)
	for r := range n {
		pred[r] = engine.Argmax(logits.Data[r*c : (r+1)*c]) // row r: [C]
	}
	return pred
}

// Accuracy returns the fraction of the first len(labels) rows of logits
// [n, C] whose argmax equals the label. It panics if there are more labels
// than rows.
func Accuracy(logits *engine.Tensor, labels []int) float64 {
	if len(labels) == 0 {
		panic("data: Accuracy of no labels")
	}
	return float64(correct(logits, labels)) / float64(len(labels))
}

// correct counts the first len(labels) rows of logits whose argmax equals
// the label.
func correct(logits *engine.Tensor, labels []int) int {
	pred := Argmax(logits)
	if len(labels) > len(pred) {
		panic(fmt.Sprintf("data: %d labels for %d rows of logits", len(labels), len(pred)))
	}
	n := 0
	for i, y := range labels {
		if pred[i] == y {
			n++
		}
	}
	return n
}

// Evaluate returns the accuracy of a classifier graph on every example of s.
// The graph is one built by mlp.Model.Build or cnn.Model.Build, or any graph
// with inputs "x" [B, ...] and "y" [B] and an output "logits" [B, C]. It
// runs the graph forward on s in batches of B; the last batch is padded
// with examples from the start of s, which are not counted twice. The
// graph's node values are overwritten.
func Evaluate(g *engine.Graph, s *Set) float64 {
	x, y, logits := g.MustNode("x"), g.MustNode("y"), g.MustNode("logits")
	batch := y.Shape[0]
	idx := make([]int, batch)
	right := 0
	for start := 0; start < s.Len(); start += batch {
		for b := range idx {
			idx[b] = (start + b) % s.Len()
		}
		s.Fill(x.Value, y.Value, idx)
		g.Forward()
		m := min(batch, s.Len()-start) // real examples in this batch
		right += correct(logits.Value, s.Y[start:start+m])
	}
	return float64(right) / float64(s.Len())
}
