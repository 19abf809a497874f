package task

import (
	"fmt"

	"stepgraph/engine"
)

// Batch is one batch of token ids laid out for a model.
type Batch struct {
	B, T, TSrc int   // rows, positions, encdec source positions (else 0)
	Input      []int // [B, T] for the "input_ids" node
	Target     []int // [B, T] for "target_ids"; engine.IgnoreTarget where not scored
	Src        []int // [B, TSrc] for "src_ids"; nil unless TSrc > 0
}

// Fill copies b into g's input nodes "input_ids", "target_ids" and, for an
// encoder-decoder batch, "src_ids" (ids are stored as float64). It panics if
// a node is missing, its shape is not the batch's, or a slice of b does not
// hold B*T (B*TSrc) ids. Ids are not range-checked here: the embedding panics
// on one outside its table. Unlike transformer's Feed, Fill accepts targets
// of engine.IgnoreTarget.
func Fill(g *engine.Graph, b Batch) {
	fill(g, "input_ids", b.Input, b.B, b.T)
	fill(g, "target_ids", b.Target, b.B, b.T)
	if b.TSrc > 0 {
		fill(g, "src_ids", b.Src, b.B, b.TSrc)
	} else if g.Node("src_ids") != nil {
		panic("task: batch without source ids for a graph with src_ids")
	}
}

func fill(g *engine.Graph, name string, ids []int, rows, cols int) {
	n := g.Node(name)
	if n == nil {
		panic(fmt.Sprintf("task: graph has no node %q", name))
	}
	if !engine.SameShape(n.Shape, []int{rows, cols}) {
		panic(fmt.Sprintf("task: node %q has shape %v, batch has [%d %d]", name, n.Shape, rows, cols))
	}
	if len(ids) != rows*cols {
		panic(fmt.Sprintf("task: %d ids for %q of shape [%d %d]", len(ids), name, rows, cols))
	}
	for i, v := range ids {
		n.Value.Data[i] = float64(v)
	}
}

// Accuracy returns the fraction of scored positions (target not
// engine.IgnoreTarget) where the argmax of g's "logits" [B, T, V] equals the
// target. Run g.Forward on b first. It returns 0 when nothing is scored and
// panics if the logits do not have the batch's shape.
func Accuracy(g *engine.Graph, b Batch) float64 {
	logits := g.MustNode("logits").Value // [B, T, V]
	if logits.Rank() != 3 || logits.Dim(0) != b.B || logits.Dim(1) != b.T {
		panic(fmt.Sprintf("task: logits of shape %v for a batch of [%d %d]", logits.Shape, b.B, b.T))
	}
	correct, scored := 0, 0
	for r, want := range b.Target {
		if want == engine.IgnoreTarget {
			continue
		}
		scored++
		if argmax(logits, r) == want {
			correct++
		}
	}
	if scored == 0 {
		return 0
	}
	return float64(correct) / float64(scored)
}

// argmax returns the class with the largest logit in row r of logits
// [..., V], the first one on a tie.
func argmax(logits *engine.Tensor, r int) int {
	v := logits.Dim(-1)
	return engine.Argmax(logits.Data[r*v : (r+1)*v]) // row r: [V]
}
