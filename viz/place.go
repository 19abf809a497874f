package viz

import "math"

// Spacing of the layout, in px.
const (
	gapBox    = 20.0 // between two boxes of a row
	gapBend   = 12.0 // between a box and a bend point
	gapBends  = 8.0  // between two bend points
	framePad  = 8.0  // between a frame and what it holds, per nesting level
	frameGap  = 6.0  // between a frame and what lies outside it
	edgeSpace = 40.0 // between rows, for edge curves and shape labels
	margin    = 16.0 // around the drawing
	passes    = 4    // down-and-up passes of x placement
	sepPasses = 1    // of which the last ones end by separating frames
)

// sep returns the least distance between the centres of a and b when a
// sits just left of b in a row: half of each width, a gap, and room for
// every frame that holds one of them and not the other.
func (l *layouter) sep(a, b int) float64 {
	va, vb := &l.verts[a], &l.verts[b]
	gap := gapBox
	switch {
	case va.box < 0 && vb.box < 0:
		gap = gapBends
	case va.box < 0 || vb.box < 0:
		gap = gapBend
	}
	c := commonPrefix(va.frames, vb.frames)
	gap += framePad * float64(len(va.frames)+len(vb.frames)-2*c)
	return (va.w+vb.w)/2 + gap
}

// placeX gives every vertex an x. Rows start packed and centred; then,
// pass after pass, each row moves toward the mean x of its neighbours
// above (going down) or below (going up), keeping its order and gaps.
func (l *layouter) placeX() {
	for _, row := range l.rows {
		x := 0.0
		for i, v := range row {
			if i > 0 {
				x += l.sep(row[i-1], v)
			}
			l.verts[v].x = x
		}
		for _, v := range row {
			l.verts[v].x -= x / 2
		}
	}
	fs := l.frameSeparator()
	var want, weight []float64
	for pass := range passes {
		for r := 1; r < len(l.rows); r++ {
			want, weight = l.targets(l.rows[r], true, want, weight)
			l.placeRow(l.rows[r], want, weight)
		}
		for r := len(l.rows) - 2; r >= 0; r-- {
			want, weight = l.targets(l.rows[r], false, want, weight)
			l.placeRow(l.rows[r], want, weight)
		}
		if pass >= passes-sepPasses {
			l.separateFrames(fs)
		}
	}
}

// frameSeparator builds the constraints that keep scope frames apart:
// every scope frame, as a rectangle over all its rows, must hold its
// members and nothing else. Each frame F gets two more variables, its left
// and right sides L and R, and these constraints join the row gaps:
//
//	L + half width + padding <= x <= R - half width - padding   for a member x
//	x + half width + frameGap <= L                              for x just left of F in a row
//	R + frameGap <= x - half width                              for x just right of F in a row
//
// (and side to side when two frames meet in a row). Each pass of placeX
// then asks the separator for positions close to the current ones that
// meet them all.
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

// targets returns, for each vertex of row, the x it would like (the mean x
// of its neighbours above or below) and how much that matters: a bend
// point weighs most, so that long edges run straight, and a vertex without
// such neighbours weighs little, so that it simply stays.
func (l *layouter) targets(row []int, fromAbove bool, want, weight []float64) ([]float64, []float64) {
	want, weight = want[:0], weight[:0]
	for _, v := range row {
		vx := &l.verts[v]
		nb := vx.down
		if fromAbove {
			nb = vx.up
		}
		if len(nb) == 0 {
			want, weight = append(want, vx.x), append(weight, 0.1)
			continue
		}
		sum := 0.0
		for _, u := range nb {
			sum += l.verts[u].x
		}
		w := 1.0
		if vx.box < 0 {
			w = 4
		}
		want, weight = append(want, sum/float64(len(nb))), append(weight, w)
	}
	return want, weight
}

// placeRow sets the x of the vertices of row to minimise
// sum_i weight_i (x_i - want_i)^2 subject to x_{i+1} - x_i >= sep_i.
//
// Writing x_i = y_i + off_i, where off_i adds up the separations to the
// left of i, turns the constraints into y_1 <= y_2 <= ... : a weighted
// isotonic regression of t_i = want_i - off_i, solved exactly by the
// pool-adjacent-violators algorithm: scan left to right, and merge a block
// into the one before while its mean is smaller, since the best common
// value of merged points is their weighted mean.
func (l *layouter) placeRow(row []int, want, weight []float64) {
	type block struct {
		sumWT, sumW float64
		n           int
	}
	var stack []block
	off := 0.0
	offs := make([]float64, len(row))
	for i, v := range row {
		if i > 0 {
			off += l.sep(row[i-1], v)
		}
		offs[i] = off
		b := block{weight[i] * (want[i] - off), weight[i], 1}
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if top.sumWT/top.sumW <= b.sumWT/b.sumW {
				break
			}
			b = block{top.sumWT + b.sumWT, top.sumW + b.sumW, top.n + b.n}
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, b)
	}
	i := 0
	for _, b := range stack {
		y := b.sumWT / b.sumW
		for range b.n {
			l.verts[row[i]].x = y + offs[i]
			i++
		}
	}
}

// placeY gives each row its top y. Between two rows there is room for the
// edges, for the frames that close below the upper row and for those
// (with their titles) that open above the lower row.
func (l *layouter) placeY() {
	minL, maxL := l.scopeMin, l.scopeMax
	above := make([]float64, l.nLayer)
	below := make([]float64, l.nLayer)
	for b := range l.boxes {
		fr, r := l.verts[b].frames, l.layer[b]
		for j, s := range fr {
			if minL[s] == r {
				above[r] = max(above[r], (framePad+scopeTitleH)*float64(len(fr)-j))
				break
			}
		}
		for j, s := range fr {
			if maxL[s] == r {
				below[r] = max(below[r], framePad*float64(len(fr)-j))
				break
			}
		}
	}
	l.rowTop = make([]float64, l.nLayer)
	l.rowH = boxH
	y := 0.0
	for r := range l.nLayer {
		y += above[r]
		l.rowTop[r] = y
		y += boxH + below[r] + edgeSpace
	}
}
