package viz

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
