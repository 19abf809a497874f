package viz

import "math"

// frameSeparator builds the constraints that keep scope frames apart:
// every scope frame, as a rectangle over all its rows, must hold its
// members and nothing else. Each frame F gets two more variables, its left
// and right sides L and R, and these constraints join the row gaps:
//
//	L + half width + padding <= x <= R - half width - padding   for a member x
//	x + half width + frameGap <= L                              for x just left of F in a row
//	R + frameGap <= x - half width                              for x just right of F in a row
//
// (and side to side when two frames meet in a row). placeX then asks the
// separator for positions close to the current ones that meet them all.
func (l *layouter) frameSeparator() *separator {
	nv := len(l.verts)
	side := make([]int, len(l.scopes.names)) // per frame scope, its L variable (R is next), or 0
	n := nv
	for v := range l.verts {
		for _, f := range l.verts[v].frames {
			if side[f] == 0 {
				side[f] = n
				n += 2
			}
		}
	}
	s := &separator{want: make([]float64, n), weight: make([]float64, n), cons: make([]separation, 0, 4*nv)}
	for v := range n {
		s.weight[v] = 1
		if v >= nv {
			s.weight[v] = 1e-4 // a frame side goes where its members push it
		}
	}
	for v := range l.verts {
		vx := &l.verts[v]
		for j, f := range vx.frames {
			ext := vx.w/2 + framePad*float64(len(vx.frames)-j)
			s.cons = append(s.cons, separation{side[f], v, ext}, separation{v, side[f] + 1, ext})
		}
	}
	for _, row := range l.rows {
		for i := 1; i < len(row); i++ {
			a, b := row[i-1], row[i]
			s.cons = append(s.cons, separation{a, b, l.sep(a, b)})
			fa, fb := l.verts[a].frames, l.verts[b].frames
			c := commonPrefix(fa, fb)
			if len(fa) == c && len(fb) == c {
				continue // no frame between a and b
			}
			left, gap := a, l.verts[a].w/2+frameGap
			if len(fa) > c {
				left, gap = side[fa[c]]+1, frameGap
			}
			right := b
			if len(fb) > c {
				right = side[fb[c]]
			} else {
				gap += l.verts[b].w / 2
			}
			s.cons = append(s.cons, separation{left, right, gap})
		}
	}
	s.prepare()
	return s
}

// separateFrames moves the vertices as little as it can so that the
// constraints of frameSeparator hold. A frame side wants to be where its
// members put it.
func (l *layouter) separateFrames(s *separator) {
	nv := len(l.verts)
	for v := range nv {
		s.want[v] = l.verts[v].x
	}
	for v := nv; v < len(s.want); v += 2 {
		s.want[v], s.want[v+1] = math.Inf(1), math.Inf(-1)
	}
	for _, c := range s.cons {
		switch {
		case c.left >= nv && c.right < nv && (c.left-nv)%2 == 0: // L before a member
			s.want[c.left] = min(s.want[c.left], l.verts[c.right].x-c.gap)
		case c.right >= nv && c.left < nv && (c.right-nv)%2 == 1: // a member before R
			s.want[c.right] = max(s.want[c.right], l.verts[c.left].x+c.gap)
		}
	}
	x := s.solve()
	if x == nil {
		return // scopes out of order; keep the row-by-row placement
	}
	for v := range nv {
		l.verts[v].x = x[v]
	}
}
