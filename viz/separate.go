package viz

// separation is one constraint x[right] - x[left] >= gap.
type separation struct {
	left, right int
	gap         float64
}

// separator moves variables as little as it can (in weighted least
// squares) from where they want to be so that every separation holds. It
// follows VPSC (Dwyer, Marriott and Stuckey, "Fast node overlap removal",
// 2005), which generalises the pool-adjacent-violators step of placeRow
// from one row to any acyclic set of constraints. Its "satisfy" phase:
//
// Variables are visited in topological order of the constraints. While
// the block (a set of variables moving together at fixed offsets) of the
// current variable has a violated incoming constraint, the most violated
// one is made tight by merging the block on its left into this block, and
// the merged block moves to the weighted mean of its members' wishes.
//
// Satisfying alone can leave blocks glued at constraints that pull rather
// than push: a block that would lower the cost by coming apart. The
// "refine" phase (refine.go) then cuts blocks where their constraints have
// negative Lagrange multipliers and satisfies again, until no block wants
// to come apart (or a bound on rounds is reached; every round ends
// feasible).
//
// Set want, weight and cons, call prepare once, then solve as often as
// want changes.
type separator struct {
	want, weight []float64
	cons         []separation

	inStart []int // constraints into variable v: inList[inStart[v]:inStart[v+1]]
	inList  []int
	order   []int // topological order of the variables
	acyclic bool

	blockOf []int     // per variable, its block
	offset  []float64 // per variable, its offset in its block
	blocks  []sblock
	clean   []int // per block, the satisfy sweep that found it satisfied
	sweep   int

	// Scratch space of tree walks (pulling, cut).
	head, parent []int
	sub          []float64
	econ, enext  []int
	visit        []int
	cutting      []bool // per constraint, marked while a block is cut there
}

// sblock is a block of variables that move together.
type sblock struct {
	vars       []int
	in         []int   // constraints into the block from outside (some may have become internal)
	active     []int   // the constraints that joined the block, tight: a spanning tree of vars
	wsum, wpos float64 // sum of weights, and of weight * (want - offset)
}

// pos is the block's best position: the weighted mean of its members'
// wishes, each less its offset.
func (b *sblock) pos() float64 { return b.wpos / b.wsum }

// x is the current position of variable v.
func (s *separator) x(v int) float64 { return s.blocks[s.blockOf[v]].pos() + s.offset[v] }

// prepare indexes the constraints and orders the variables (Kahn's
// algorithm). The constraints must not change afterwards.
func (s *separator) prepare() {
	n := len(s.want)
	s.inStart = make([]int, n+1)
	outStart := make([]int, n+1)
	for _, c := range s.cons {
		s.inStart[c.right+1]++
		outStart[c.left+1]++
	}
	for v := range n {
		s.inStart[v+1] += s.inStart[v]
		outStart[v+1] += outStart[v]
	}
	s.inList = make([]int, len(s.cons))
	outList := make([]int, len(s.cons))
	nextIn := append([]int(nil), s.inStart[:n]...)
	nextOut := append([]int(nil), outStart[:n]...)
	for ci, c := range s.cons {
		s.inList[nextIn[c.right]] = ci
		nextIn[c.right]++
		outList[nextOut[c.left]] = c.right
		nextOut[c.left]++
	}
	indeg := make([]int, n)
	for v := range n {
		indeg[v] = s.inStart[v+1] - s.inStart[v]
	}
	s.order = make([]int, 0, n)
	for v := range n {
		if indeg[v] == 0 {
			s.order = append(s.order, v)
		}
	}
	for i := 0; i < len(s.order); i++ {
		v := s.order[i]
		for _, w := range outList[outStart[v]:outStart[v+1]] {
			if indeg[w]--; indeg[w] == 0 {
				s.order = append(s.order, w)
			}
		}
	}
	s.acyclic = len(s.order) == n
}

// solve returns positions that satisfy every constraint, or nil when the
// constraints form a cycle.
func (s *separator) solve() []float64 {
	if !s.acyclic {
		return nil
	}
	n := len(s.want)
	s.blockOf = make([]int, n)
	s.offset = make([]float64, n)
	s.blocks = make([]sblock, n)
	s.clean = s.clean[:0]
	s.head, s.parent, s.sub = make([]int, n), make([]int, n), make([]float64, n)
	s.cutting = make([]bool, len(s.cons))
	all := vars(n)
	s.unlink(all)
	// Each block starts with its own copies of its variable and of the
	// constraints into it, which mostViolated filters in place.
	in := append([]int(nil), s.inList...)
	for v := range n {
		s.blockOf[v] = v
		lo, hi := s.inStart[v], s.inStart[v+1]
		s.blocks[v] = sblock{vars: all[v : v+1 : v+1], in: in[lo:hi:hi], wsum: s.weight[v], wpos: s.weight[v] * s.want[v]}
	}
	s.satisfy()
	for range refineRounds {
		if !s.refine() {
			break
		}
		s.satisfy()
	}
	x := make([]float64, n)
	for v := range n {
		x[v] = s.x(v)
	}
	// Merging can leave a constraint between two finished blocks slightly
	// short; one pass in topological order closes any such gap.
	for _, v := range s.order {
		for _, ci := range s.inList[s.inStart[v]:s.inStart[v+1]] {
			c := s.cons[ci]
			x[v] = max(x[v], x[c.left]+c.gap)
		}
	}
	return x
}

// refineRounds bounds the cut-and-satisfy rounds of solve. A few rounds
// suffice on the layouts of this project.
const refineRounds = 16

// vars returns 0, 1, ..., n-1.
func vars(n int) []int {
	v := make([]int, n)
	for i := range v {
		v[i] = i
	}
	return v
}

// satisfy visits the variables in topological order and merges blocks
// until no constraint is violated. A block found satisfied is not
// scanned again in the same sweep unless it grows.
func (s *separator) satisfy() {
	s.sweep++
	s.clean = append(s.clean, make([]int, len(s.blocks)-len(s.clean))...)
	for _, v := range s.order {
		if s.clean[s.blockOf[v]] == s.sweep {
			continue
		}
		for {
			c, ok := s.mostViolated(s.blockOf[v])
			if !ok {
				break
			}
			s.merge(c)
		}
		s.clean[s.blockOf[v]] = s.sweep
	}
}

// violationTol ignores violations below a millionth of a pixel, left by
// rounding when blocks merge.
const violationTol = 1e-6

// mostViolated returns the most violated constraint coming into block b
// from another block. It drops the constraints that merges made internal.
func (s *separator) mostViolated(b int) (int, bool) {
	best, worst := -1, violationTol
	blk := &s.blocks[b]
	pos := blk.pos()
	in := blk.in[:0]
	for _, ci := range blk.in {
		c := s.cons[ci]
		if s.blockOf[c.left] == b {
			continue
		}
		in = append(in, ci)
		if d := s.x(c.left) + c.gap - pos - s.offset[c.right]; d > worst {
			best, worst = ci, d
		}
	}
	blk.in = in
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
	dst.in = append(dst.in, src.in...)
	dst.active = append(append(dst.active, src.active...), ci)
	for _, v := range src.vars {
		s.offset[v] += d
		s.blockOf[v] = into
		dst.vars = append(dst.vars, v)
		dst.wpos += s.weight[v] * (s.want[v] - s.offset[v])
		dst.wsum += s.weight[v]
	}
	*src = sblock{}
}
