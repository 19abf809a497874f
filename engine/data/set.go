package data

import (
	"fmt"

	"stepgraph/engine"
)

// Set is a labelled data set.
type Set struct {
	X       *engine.Tensor // [n, ...]: example i is X's i-th slice along the first axis
	Y       []int          // [n] class labels in [0, Classes)
	Classes int            // number of classes
	Names   []string       // a short name per class, e.g. "horizontal"
}

// Len returns the number of examples.
func (s *Set) Len() int { return len(s.Y) }

// exampleSize returns the number of values in one example.
func (s *Set) exampleSize() int {
	if len(s.Y) == 0 {
		return 0
	}
	return s.X.Size() / len(s.Y)
}

// Example returns the values of example i, sharing X's storage.
func (s *Set) Example(i int) []float64 {
	k := s.exampleSize()
	return s.X.Data[i*k : (i+1)*k]
}

// Fill copies the examples idx into a batch: x [len(idx), ...] gets their
// inputs and y [len(idx)] their labels (as float64, the form the
// cross-entropy op reads). It panics if the shapes do not fit.
func (s *Set) Fill(x, y *engine.Tensor, idx []int) {
	k := s.exampleSize()
	if x.Size() != len(idx)*k || y.Size() != len(idx) {
		panic(fmt.Sprintf("data: Fill %d examples of %d values into x %v, y %v", len(idx), k, x.Shape, y.Shape))
	}
	for b, i := range idx {
		copy(x.Data[b*k:(b+1)*k], s.Example(i))
		y.Data[b] = float64(s.Y[i])
	}
}

// Sample fills x [B, ...] and y [B] with B examples drawn uniformly at
// random, with replacement, from rng. It panics if the shapes do not fit.
func (s *Set) Sample(rng *engine.Mulberry32, x, y *engine.Tensor) {
	idx := make([]int, y.Size())
	for i := range idx {
		idx[i] = rng.Intn(s.Len())
	}
	s.Fill(x, y, idx)
}

// Counts returns how many examples each class has.
func (s *Set) Counts() []int {
	c := make([]int, s.Classes)
	for _, y := range s.Y {
		c[y]++
	}
	return c
}

// TestSeed returns the seed of the held-out set that goes with a training
// set generated from seed: seed XOR 0x9E3779B9 (the 32-bit golden ratio).
// It differs from seed in many bits, so the held-out examples come from
// another random stream than the training examples.
func TestSeed(seed uint32) uint32 { return seed ^ 0x9E3779B9 }
