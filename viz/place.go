package viz

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
// Last, the vertices move as little as they can so that scope frames hold
// their members and nothing else (separateFrames). Separating once at the
// end costs a fraction of separating after every pass and looks the same
// on this project's models.
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
	for range passes {
		for r := 1; r < len(l.rows); r++ {
			want, weight = l.targets(l.rows[r], true, want, weight)
			l.placeRow(l.rows[r], want, weight)
		}
		for r := len(l.rows) - 2; r >= 0; r-- {
			want, weight = l.targets(l.rows[r], false, want, weight)
			l.placeRow(l.rows[r], want, weight)
		}
	}
	l.separateFrames(fs)
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
