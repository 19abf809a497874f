package gradcheck

import (
	"slices"
	"testing"

	"stepgraph/engine"
)

// square is y = x², with a backward pass that is wrong on purpose when
// broken: 3x instead of 2x. A check must flag it.
type square struct{ broken bool }

func (square) Info() engine.OpInfo     { return engine.OpInfo{Name: "square", Formula: `y = x^2`} }
func (square) Shape(in ...[]int) []int { return in[0] }
func (square) Forward(out *engine.Tensor, in ...*engine.Tensor) {
	for i, x := range in[0].Data {
		out.Data[i] = x * x
	}
}
func (s square) Backward(din []*engine.Tensor, dout, out *engine.Tensor, in ...*engine.Tensor) {
	k := 2.0
	if s.broken {
		k = 3
	}
	for i, x := range in[0].Data {
		din[0].Data[i] += k * x * dout.Data[i]
	}
}

// graphOf returns L = sum w ⊙ square(tanh(p)), run forward and backward.
func graphOf(broken bool) (*engine.Graph, *engine.Node, *engine.Node) {
	g := engine.NewGraph()
	p := g.Param("p", Random(1, 1, 3, 4))
	h := g.Apply("h", engine.Tanh(), p)
	y := g.Apply("y", square{broken: broken}, h)
	g.Loss("loss", &weightedSum{w: Random(2, 1, 3, 4)}, y)
	g.Forward()
	g.Backward()
	return g, p, h
}

// TestNodeFlagsAWrongGradient plants a wrong backward formula and checks
// that the check of the nodes before it says mismatch, by far, and that
// the same graph with the right formula matches.
func TestNodeFlagsAWrongGradient(t *testing.T) {
	for _, broken := range []bool{false, true} {
		g, p, h := graphOf(broken)
		for _, n := range []*engine.Node{p, h} {
			r := Node(g, n, Sample(n.Value.Size(), 100, 1), Step)
			if len(r.Entries) != 12 || r.Size != 12 {
				t.Fatalf("%s: %d entries of %d, want all 12", n.Name, len(r.Entries), r.Size)
			}
			if r.Match() == broken {
				t.Errorf("broken %v: the check of %s says match %v (worst %.3g)", broken, n.Name, r.Match(), r.Worst)
			}
			if broken && r.Worst < 1e-2 {
				t.Errorf("the planted 3x for 2x misses by only %.3g at %s", r.Worst, n.Name)
			}
			if !broken && r.Worst > 1e-9 {
				t.Errorf("the right gradient of %s disagrees by %.3g", n.Name, r.Worst)
			}
		}
	}
}

// TestNodeRestores checks that a check leaves the values as they were.
func TestNodeRestores(t *testing.T) {
	g, _, h := graphOf(false)
	var before [][]float64
	for _, n := range g.Nodes {
		before = append(before, slices.Clone(n.Value.Data))
	}
	grad := slices.Clone(h.Grad.Data)
	Node(g, h, Sample(12, 5, 3), Step)
	for i, n := range g.Nodes {
		if !slices.Equal(n.Value.Data, before[i]) {
			t.Errorf("%s's value changed: %v, was %v", n.Name, n.Value.Data, before[i])
		}
	}
	if !slices.Equal(h.Grad.Data, grad) {
		t.Errorf("h's gradient changed")
	}
}

// TestSample checks the elements a check looks at: all of a small node;
// of a large one, max distinct in-range indices in order, the same for
// the same seed.
func TestSample(t *testing.T) {
	if got := Sample(5, 8, 1); !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Errorf("Sample(5, 8) = %v, want all five", got)
	}
	a, b := Sample(1000, 16, 7), Sample(1000, 16, 7)
	if !slices.Equal(a, b) || len(a) != 16 || !slices.IsSorted(a) || a[0] < 0 || a[15] >= 1000 {
		t.Errorf("Sample(1000, 16, 7) = %v then %v, want 16 sorted indices in range, twice the same", a, b)
	}
	if len(slices.Compact(slices.Clone(a))) != 16 {
		t.Errorf("Sample(1000, 16, 7) = %v has repeats", a)
	}
	if slices.Equal(a, Sample(1000, 16, 8)) {
		t.Errorf("seeds 7 and 8 sample the same elements %v", a)
	}
}
