package viz

import (
	"math"
	"testing"

	"stepgraph/engine"
)

// posTol allows for rounding in sums of a few dozen pixel values.
const posTol = 1e-9

// rowOf returns a layouter with one row of boxes of the given widths and
// no scopes, so that the gap between two neighbours is gapBox.
func rowOf(widths ...float64) (*layouter, []int) {
	l := &layouter{}
	row := make([]int, len(widths))
	for i, w := range widths {
		l.verts = append(l.verts, vertex{box: i, w: w})
		row[i] = i
	}
	return l, row
}

func TestPlaceRow(t *testing.T) {
	// Boxes 20 wide are at least 20 + gapBox = 40 apart, centre to centre.
	cases := []struct {
		name         string
		want, weight []float64
		x            []float64
	}{
		{"pile", []float64{0, 0, 0}, []float64{1, 1, 1}, []float64{-40, 0, 40}},
		{"swapped", []float64{100, 0}, []float64{1, 1}, []float64{30, 70}},
		{"room enough", []float64{0, 100}, []float64{1, 1}, []float64{0, 100}},
		{"heavy left", []float64{0, 0}, []float64{3, 1}, []float64{-10, 30}},
		{"two blocks", []float64{0, 0, 500, 500}, []float64{1, 1, 1, 1}, []float64{-20, 20, 480, 520}},
	}
	for _, c := range cases {
		l, row := rowOf(make([]float64, len(c.want))...)
		for i := range l.verts {
			l.verts[i].w = 20
		}
		l.placeRow(row, c.want, c.weight)
		for i, v := range row {
			if got := l.verts[v].x; math.Abs(got-c.x[i]) > posTol {
				t.Errorf("%s: placeRow(%v, %v) x[%d] = %v, want %v", c.name, c.want, c.weight, i, got, c.x[i])
			}
		}
	}
}

// randomSeparator returns n variables with random wishes and weights, and
// random constraints from lower to higher index (so they are acyclic).
func randomSeparator(r *engine.Mulberry32, n, m int) *separator {
	s := &separator{}
	for range n {
		s.want = append(s.want, 200*r.Next())
		s.weight = append(s.weight, 0.5+r.Next())
	}
	for range m {
		a, b := r.Intn(n), r.Intn(n)
		if a == b {
			continue
		}
		s.cons = append(s.cons, separation{min(a, b), max(a, b), 20 * r.Next()})
	}
	return s
}

func TestSeparatorSatisfiesConstraints(t *testing.T) {
	r := engine.NewMulberry32(11)
	for trial := range 50 {
		s := randomSeparator(r, 2+r.Intn(40), r.Intn(120))
		s.prepare()
		x := s.solve()
		if x == nil {
			t.Fatalf("trial %d: solve() = nil for acyclic constraints", trial)
		}
		for _, c := range s.cons {
			if got := x[c.right] - x[c.left]; got < c.gap-posTol {
				t.Errorf("trial %d: x[%d] - x[%d] = %v, want >= %v", trial, c.right, c.left, got, c.gap)
			}
		}
	}
}

// On one row the separator solves the same problem as placeRow, whose
// answer is exact, so the two must agree.
func TestSeparatorMatchesPlaceRowOnAChain(t *testing.T) {
	r := engine.NewMulberry32(12)
	for trial := range 30 {
		n := 2 + r.Intn(20)
		widths := make([]float64, n)
		want := make([]float64, n)
		weight := make([]float64, n)
		for i := range n {
			widths[i] = 10 + 50*r.Next()
			want[i] = 300 * r.Next()
			weight[i] = 0.5 + r.Next()
		}
		l, row := rowOf(widths...)
		l.placeRow(row, want, weight)
		s := &separator{want: want, weight: weight}
		for i := 1; i < n; i++ {
			s.cons = append(s.cons, separation{i - 1, i, l.sep(i-1, i)})
		}
		s.prepare()
		x := s.solve()
		for i := range n {
			if math.Abs(x[i]-l.verts[i].x) > posTol {
				t.Errorf("trial %d: separator x[%d] = %v, want placeRow's %v", trial, i, x[i], l.verts[i].x)
			}
		}
	}
}

func TestSeparatorCycle(t *testing.T) {
	s := &separator{want: []float64{0, 0}, weight: []float64{1, 1},
		cons: []separation{{0, 1, 5}, {1, 0, 5}}}
	s.prepare()
	if x := s.solve(); x != nil {
		t.Errorf("solve() with a cycle = %v, want nil", x)
	}
}

func TestCrossings(t *testing.T) {
	r := engine.NewMulberry32(13)
	for trial := range 40 {
		top, bottom := 1+r.Intn(8), 1+r.Intn(8)
		verts := make([]vertex, top+bottom)
		rows := [][]int{make([]int, top), make([]int, bottom)}
		pos := make([]int, top+bottom)
		for i := range top {
			rows[0][i], pos[i] = i, i
		}
		for i := range bottom {
			rows[1][i], pos[top+i] = top+i, i
		}
		type edge struct{ u, v int }
		var edges []edge
		for u := range top {
			for v := range bottom {
				if r.Next() < 0.3 {
					verts[u].down = append(verts[u].down, top+v)
					edges = append(edges, edge{u, v})
				}
			}
		}
		want := 0
		for i, a := range edges {
			for _, b := range edges[i+1:] {
				if (a.u < b.u && a.v > b.v) || (a.u > b.u && a.v < b.v) {
					want++
				}
			}
		}
		if got := crossings(rows, verts, pos); got != want {
			t.Errorf("trial %d: crossings = %d, want %d (counted pair by pair)", trial, got, want)
		}
	}
}

// hildreth solves min sum w (x - want)^2 / 2 subject to the separations by
// Hildreth's dual coordinate ascent, an independent and slow method: it
// keeps x = want + (sum of multiplier pushes) / w and raises or lowers one
// multiplier at a time to make its constraint exactly tight, never below 0.
func hildreth(want, weight []float64, cons []separation) []float64 {
	x := append([]float64(nil), want...)
	lm := make([]float64, len(cons))
	for range 200000 {
		change := 0.0
		for i, c := range cons {
			d := (c.gap - (x[c.right] - x[c.left])) / (1/weight[c.right] + 1/weight[c.left])
			d = max(d, -lm[i])
			lm[i] += d
			x[c.right] += d / weight[c.right]
			x[c.left] -= d / weight[c.left]
			change = max(change, math.Abs(d))
		}
		// 1e-13 px is a few ulps of the positions (up to about 220 px,
		// ulp 2.8e-14): stop once only rounding moves, far below the
		// 1e-6 px the test compares at. Measured: at most 192 sweeps, so
		// the 200000 cap only guards against a hang.
		if change < 1e-13 {
			break
		}
	}
	return x
}

func TestSeparatorIsOptimal(t *testing.T) {
	r := engine.NewMulberry32(14)
	for trial := range 200 {
		s := randomSeparator(r, 2+r.Intn(7), r.Intn(12))
		want := hildreth(s.want, s.weight, s.cons)
		s.prepare()
		x := s.solve()
		// Both methods are exact up to rounding; 1e-6 px leaves room for
		// Hildreth's stopping rule.
		for i := range x {
			if math.Abs(x[i]-want[i]) > 1e-6 {
				t.Errorf("trial %d: x[%d] = %v, want %v (constraints %v, want %v, weight %v)", trial, i, x[i], want[i], s.cons, s.want, s.weight)
				break
			}
		}
	}
}
