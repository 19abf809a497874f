package data

import (
	"stepgraph/engine"
	"stepgraph/engine/optim"
)

// Train runs steps training steps of g, a classifier graph with inputs "x"
// and "y", each on a batch drawn with replacement from s by rng, and
// returns the loss of the first and of the last step. A learning-rate
// schedule is the caller's: call Train again with the optimizer changed.
func Train(g *engine.Graph, s *Set, opt optim.Optimizer, steps int, rng *engine.Mulberry32) (first, last float64) {
	x, y := g.MustNode("x").Value, g.MustNode("y").Value
	for step := range steps {
		s.Sample(rng, x, y)
		last = optim.TrainStep(g, opt)
		if step == 0 {
			first = last
		}
	}
	return first, last
}

// FillFirst puts the first examples of s, as many as g's batch (wrapping
// around a smaller set), into g's inputs "x" and "y".
func FillFirst(g *engine.Graph, s *Set) {
	y := g.MustNode("y").Value
	idx := make([]int, y.Size())
	for i := range idx {
		idx[i] = i % s.Len()
	}
	s.Fill(g.MustNode("x").Value, y, idx)
}
