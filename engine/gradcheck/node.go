package gradcheck

import (
	"math"
	"slices"

	"stepgraph/engine"
)

// Checking one node of a model, as a learner asks for it: any node with a
// gradient, a parameter or the output of an op, at some of its elements.
// The gradient of an op's output is d loss / d that output, with the
// output taken as given: perturbing the node's value and recomputing only
// what comes after it is exactly that derivative.

// Tolerance is the largest disagreement of a check that still matches:
// |autograd - numeric| / max(|numeric|, 1). Central differences with
// Step in float64 are good to about 1e-10 on smooth functions; a wrong
// backward formula is off by far more. Near a kink (a ReLU input within
// Step of 0) the difference quotient straddles it and may disagree.
const Tolerance = 1e-6

// Step is the h of the central differences.
const Step = 1e-5

// Entry is one checked element of a node's gradient.
type Entry struct {
	Index    int     // flat, row-major
	Autograd float64 // the backward pass's
	Numeric  float64 // the central difference's
	Err      float64 // |Autograd - Numeric| / max(|Numeric|, 1)
}

// Report is the check of one node: its entries in index order and the
// worst disagreement.
type Report struct {
	Node    string
	Size    int // elements of the node; len(Entries) of them were checked
	Entries []Entry
	Worst   float64 // the largest Err
}

// Match reports whether every entry is within Tolerance.
func (r Report) Match() bool { return r.Worst <= Tolerance }

// Sample returns the elements a check of at most max entries looks at, of
// a node of n elements: all of them when n <= max, else max distinct ones
// drawn from seed, in increasing order, so that a check can be repeated.
func Sample(n, max int, seed uint32) []int {
	if n <= max {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	// A partial Fisher-Yates shuffle of 0..n-1: its first max entries.
	rng := engine.NewMulberry32(seed)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	for i := range max {
		j := i + int(rng.Next()*float64(n-i))
		perm[i], perm[j] = perm[j], perm[i]
	}
	idx := perm[:max]
	slices.Sort(idx)
	return idx
}

// Node checks d loss / d n at the elements idx of n. The graph must hold
// a whole forward pass and the backward pass after it (n.Grad complete);
// each element costs two passes of the ops after n. n's value, and every
// value after it, are as they were afterwards; its gradient is untouched.
func Node(g *engine.Graph, n *engine.Node, idx []int, h float64) Report {
	r := Report{Node: n.Name, Size: n.Value.Size(), Entries: make([]Entry, 0, len(idx))}
	for _, i := range idx {
		x := n.Value.Data[i]
		n.Value.Data[i] = x + h
		lp := g.ForwardAfter(n)
		n.Value.Data[i] = x - h
		lm := g.ForwardAfter(n)
		n.Value.Data[i] = x
		e := Entry{Index: i, Autograd: n.Grad.Data[i], Numeric: (lp - lm) / (2 * h)}
		e.Err = math.Abs(e.Autograd-e.Numeric) / math.Max(math.Abs(e.Numeric), 1)
		r.Worst = math.Max(r.Worst, e.Err)
		r.Entries = append(r.Entries, e)
	}
	g.ForwardAfter(n)
	return r
}
