package viz

// separation is one constraint x[right] - x[left] >= gap.
type separation struct {
	left, right int
	gap         float64
}

// separator moves variables as little as it can (in weighted least
// squares) from where they want to be so that every separation holds. It
// is the "satisfy" phase of VPSC (Dwyer, Marriott and Stuckey, "Fast node
// overlap removal", 2005), which generalises the pool-adjacent-violators
// step of placeRow from one row to any acyclic set of constraints:
//
// Variables are visited in topological order of the constraints. While
// the block (a set of variables moving together at fixed offsets) of the
// current variable has a violated incoming constraint, the most violated
// one is made tight by merging the block on its left into this block, and
// the merged block moves to the weighted mean of its members' wishes.
type separator struct {
	want, weight []float64
	cons         []separation
	in           [][]int   // per variable, the constraints it is the right side of
	blockOf      []int     // per variable, its block
	offset       []float64 // per variable, its offset in its block
	blocks       []sblock
}

type sblock struct {
	vars       []int
	wsum, wpos float64 // sum of weights, and of weight * (want - offset)
}

func (b *sblock) pos() float64 { return b.wpos / b.wsum }

func (s *separator) x(v int) float64 { return s.blocks[s.blockOf[v]].pos() + s.offset[v] }

// solve returns positions that satisfy every constraint, or ok = false
// (and nil) when the constraints form a cycle.
func (s *separator) solve() (x []float64, ok bool) {
	n := len(s.want)
	order, ok := s.topo()
	if !ok {
		return nil, false
	}
	s.blockOf = make([]int, n)
	s.offset = make([]float64, n)
	s.blocks = make([]sblock, n)
	for v := range n {
		s.blockOf[v] = v
		s.blocks[v] = sblock{vars: []int{v}, wsum: s.weight[v], wpos: s.weight[v] * s.want[v]}
	}
	for _, v := range order {
		for {
			c, ok := s.mostViolated(s.blockOf[v])
			if !ok {
				break
			}
			s.merge(c)
		}
	}
	x = make([]float64, n)
	for v := range n {
		x[v] = s.x(v)
	}
	return x, true
}

// violationTol ignores violations below a millionth of a pixel, left by
// rounding when blocks merge.
const violationTol = 1e-6

// mostViolated returns the most violated constraint coming into block b
// from another block.
func (s *separator) mostViolated(b int) (int, bool) {
	best, worst := -1, violationTol
	for _, v := range s.blocks[b].vars {
		for _, ci := range s.in[v] {
			c := s.cons[ci]
			if s.blockOf[c.left] == b {
				continue
			}
			if d := s.x(c.left) + c.gap - s.x(c.right); d > worst {
				best, worst = ci, d
			}
		}
	}
	return best, best >= 0
}

// merge joins the blocks of c's two sides so that c is tight, moving the
// variables of the smaller block.
func (s *separator) merge(ci int) {
	c := s.cons[ci]
	bl, br := s.blockOf[c.left], s.blockOf[c.right]
	// In the merged block, offset[right] - offset[left] must equal gap.
	d := s.offset[c.right] - c.gap - s.offset[c.left] // shift for bl's offsets
	from, into := bl, br
	if len(s.blocks[bl].vars) > len(s.blocks[br].vars) {
		from, into, d = br, bl, -d
	}
	dst, src := &s.blocks[into], &s.blocks[from]
	for _, v := range src.vars {
		s.offset[v] += d
		s.blockOf[v] = into
		dst.vars = append(dst.vars, v)
		dst.wpos += s.weight[v] * (s.want[v] - s.offset[v])
		dst.wsum += s.weight[v]
	}
	*src = sblock{}
}

// topo orders the variables so that every constraint's left side comes
// before its right side (Kahn's algorithm), and records incoming
// constraints.
func (s *separator) topo() ([]int, bool) {
	n := len(s.want)
	s.in = make([][]int, n)
	out := make([][]int, n)
	indeg := make([]int, n)
	for ci, c := range s.cons {
		s.in[c.right] = append(s.in[c.right], ci)
		out[c.left] = append(out[c.left], c.right)
		indeg[c.right]++
	}
	order := make([]int, 0, n)
	for v := range n {
		if indeg[v] == 0 {
			order = append(order, v)
		}
	}
	for i := 0; i < len(order); i++ {
		for _, w := range out[order[i]] {
			if indeg[w]--; indeg[w] == 0 {
				order = append(order, w)
			}
		}
	}
	return order, len(order) == n
}
