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
//
// Satisfying alone can leave blocks glued at constraints that pull rather
// than push: a block that would lower the cost by coming apart. The
// "refine" phase then splits each block at its constraint with the most
// negative Lagrange multiplier and satisfies again, until no block wants
// to split (or a bound on rounds is reached; every round ends feasible).
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

	// Scratch space of tree walks (minMultiplier, split).
	head, parent []int
	sub          []float64
	econ, enext  []int
	visit        []int
	cutting      []bool // per constraint, marked while a block is cut there
}

type sblock struct {
	vars       []int
	in         []int   // constraints into the block from outside (some may have become internal)
	active     []int   // the constraints that joined the block, tight: a spanning tree of vars
	wsum, wpos float64 // sum of weights, and of weight * (want - offset)
}

func (b *sblock) pos() float64 { return b.wpos / b.wsum }

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

// refineRounds bounds the split-and-satisfy rounds of solve. A few rounds
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

// lmTol ignores multipliers this close to zero: a block is split only when
// that lowers the cost by a visible amount.
const lmTol = 1e-6

// refine cuts every block at each of its active constraints whose
// Lagrange multiplier is below -lmTol, and reports whether it cut any.
// (VPSC cuts one constraint per block per round; cutting all of them at
// once takes far fewer rounds here, and the satisfy that follows re-joins
// whatever must stay together.)
func (s *separator) refine() bool {
	cut := false
	for b, n := 0, len(s.blocks); b < n; b++ {
		if len(s.blocks[b].active) == 0 {
			continue
		}
		if cuts := s.pulling(b); len(cuts) > 0 {
			s.cut(b, cuts)
			cut = true
		}
	}
	return cut
}

// pulling returns the active constraints of block b with a Lagrange
// multiplier below -lmTol. With cost sum w (x - want)^2 / 2, a tight
// constraint's multiplier is the sum of the cost's slopes w (x - want)
// over the part of the block on its right side (or minus the sum over the
// part on its left side): the force with which that part presses against
// the constraint. A negative one holds together parts that would rather
// move apart.
func (s *separator) pulling(b int) []int {
	blk := &s.blocks[b]
	s.link(blk.active)
	defer s.unlink(blk.vars)
	// Visit the tree breadth-first from the first variable, recording each
	// variable's parent constraint; then add up subtrees in reverse order.
	order := append(s.visit[:0], blk.vars[0])
	s.parent[blk.vars[0]] = -1
	for i := 0; i < len(order); i++ {
		v := order[i]
		for e := s.head[v]; e >= 0; e = s.enext[e] {
			ci := s.econ[e]
			c := s.cons[ci]
			if w := c.left + c.right - v; s.parent[w] == unseen {
				s.parent[w] = ci
				order = append(order, w)
			}
		}
	}
	s.visit = order
	var cuts []int
	for i := len(order) - 1; i >= 0; i-- {
		v := order[i]
		s.sub[v] += s.weight[v] * (s.x(v) - s.want[v])
		ci := s.parent[v]
		if ci < 0 {
			continue
		}
		c := s.cons[ci]
		lm := s.sub[v]
		if v == c.left {
			lm = -lm
		}
		if lm < -lmTol {
			cuts = append(cuts, ci)
		}
		s.sub[c.left+c.right-v] += s.sub[v]
	}
	return cuts
}

// unseen marks a variable not yet reached by a tree walk.
const unseen = -2

// link threads the given constraints, but those marked in cutting, into
// per variable lists of half-edges: head[v], then enext[e] until -1, each
// half-edge e naming its constraint econ[e].
func (s *separator) link(active []int) {
	s.econ, s.enext = s.econ[:0], s.enext[:0]
	for _, ci := range active {
		if s.cutting[ci] {
			continue
		}
		c := s.cons[ci]
		for _, v := range [2]int{c.left, c.right} {
			s.econ = append(s.econ, ci)
			s.enext = append(s.enext, s.head[v])
			s.head[v] = len(s.econ) - 1
		}
	}
}

// unlink resets the scratch state of a tree walk over vars.
func (s *separator) unlink(vars []int) {
	for _, v := range vars {
		s.head[v], s.parent[v], s.sub[v] = -1, unseen, 0
	}
}

// cut removes the given constraints from block b's tree and makes each
// remaining connected part a block of its own, at its own best position.
func (s *separator) cut(b int, cuts []int) {
	blk := s.blocks[b]
	for _, ci := range cuts {
		s.cutting[ci] = true
	}
	s.link(blk.active)
	defer func() {
		for _, ci := range cuts {
			s.cutting[ci] = false
		}
		s.unlink(blk.vars)
	}()
	s.blocks[b] = sblock{}
	for _, root := range blk.vars {
		if s.parent[root] != unseen {
			continue
		}
		id := b
		if len(s.blocks[b].vars) > 0 {
			id = len(s.blocks)
			s.blocks = append(s.blocks, sblock{})
		}
		// Gather root's part depth-first; parent only marks "seen" here.
		s.parent[root] = -1
		stack := append(s.visit[:0], root)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			p := &s.blocks[id]
			s.blockOf[v] = id
			p.vars = append(p.vars, v)
			p.in = append(p.in, s.inList[s.inStart[v]:s.inStart[v+1]]...)
			p.wpos += s.weight[v] * (s.want[v] - s.offset[v])
			p.wsum += s.weight[v]
			for e := s.head[v]; e >= 0; e = s.enext[e] {
				c := s.cons[s.econ[e]]
				if w := c.left + c.right - v; s.parent[w] == unseen {
					s.parent[w] = -1
					stack = append(stack, w)
				}
			}
		}
		s.visit = stack
	}
	for _, ci := range blk.active {
		if !s.cutting[ci] {
			p := &s.blocks[s.blockOf[s.cons[ci].left]]
			p.active = append(p.active, ci)
		}
	}
}
