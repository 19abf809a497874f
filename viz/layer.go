package viz

// vertex is one item of a row: a box, or a bend point of an edge that skips
// rows (a "dummy" vertex in Sugiyama's terms), so that every edge of the
// vertex graph joins two adjacent rows.
type vertex struct {
	box    int     // index in boxes, or -1 for a bend point
	layer  int     // its row
	w      float64 // width
	x      float64 // centre
	path   []int   // scopes that hold it, outer first (see scopeTable.path)
	frames []int   // the scopes of path that get a frame
	up     []int   // neighbours in the row above
	down   []int   // neighbours in the row below
}

// assignLayers puts each op below its lowest input (the longest path from
// the inputs), then moves every source (an input or a parameter) down to
// just above its first consumer, so that a weight sits next to the matmul
// that reads it rather than at the top of the drawing.
//
// An edge u -> v usually goes down one row. It goes down two when v enters
// a frame (a scope that does not hold u) that also holds one of v's
// parameters: the parameter then gets a row of its own inside the frame,
// rather than the last row of the scope before, so that frames of
// consecutive scopes do not share a row.
func (l *layouter) assignLayers() {
	n := len(l.boxes)
	isSource := make([]bool, n)
	for b := range isSource {
		isSource[b] = true
	}
	for _, e := range l.edges {
		isSource[e.to] = false
	}
	// deep[v] is how many of v's frames (outer first) also hold one of its
	// source inputs.
	deep := make([]int, n)
	for _, e := range l.edges {
		if isSource[e.from] {
			deep[e.to] = max(deep[e.to], commonPrefix(l.frames[e.from], l.frames[e.to]))
		}
	}
	step := func(e viewEdge) int {
		if commonPrefix(l.frames[e.from], l.frames[e.to]) < deep[e.to] {
			return 2
		}
		return 1
	}
	// Boxes are in topological order, so each edge's source has its final
	// row when its target is visited. Sources count as row 0 here.
	l.layer = make([]int, n)
	for _, e := range sortedByTarget(l.edges) {
		l.layer[e.to] = max(l.layer[e.to], l.layer[e.from]+step(e))
	}
	firstUse := make([]int, n)
	for b := range firstUse {
		firstUse[b] = -1
	}
	for _, e := range l.edges {
		if r := l.layer[e.to] - step(e); isSource[e.from] && (firstUse[e.from] < 0 || r < firstUse[e.from]) {
			firstUse[e.from] = r
		}
	}
	l.nLayer = 0
	for b := range n {
		if firstUse[b] > 0 {
			l.layer[b] = firstUse[b]
		}
		l.nLayer = max(l.nLayer, l.layer[b]+1)
	}
}

// sortedByTarget returns the edges ordered by target box (a counting sort,
// stable), so that a pass in that order sees every input of a box before
// the box.
func sortedByTarget(edges []viewEdge) []viewEdge {
	n := 0
	for _, e := range edges {
		n = max(n, e.to+1)
	}
	start := make([]int, n+1)
	for _, e := range edges {
		start[e.to+1]++
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	out := make([]viewEdge, len(edges))
	for _, e := range edges {
		out[start[e.to]] = e
		start[e.to]++
	}
	return out
}

// buildVertices makes one vertex per box and one per row crossed by a long
// edge, and links vertices of adjacent rows.
func (l *layouter) buildVertices() {
	l.verts = make([]vertex, len(l.boxes), len(l.boxes)+2*len(l.edges))
	for b := range l.boxes {
		l.verts[b] = vertex{box: b, layer: l.layer[b], w: boxWidth(l.boxes[b]), path: l.paths[b], frames: l.frames[b]}
	}
	l.scopeRows()
	l.chains = make([][]int, len(l.edges))
	for i, e := range l.edges {
		chain := []int{e.from}
		for r := l.layer[e.from] + 1; r < l.layer[e.to]; r++ {
			chain = append(chain, len(l.verts))
			p := l.bendPath(e.from, e.to, r)
			l.verts = append(l.verts, vertex{box: -1, layer: r, w: dummyW, path: p, frames: filterScopes(p, l.frame)})
		}
		chain = append(chain, e.to)
		for j := 1; j < len(chain); j++ {
			u, v := chain[j-1], chain[j]
			l.verts[u].down = append(l.verts[u].down, v)
			l.verts[v].up = append(l.verts[v].up, u)
		}
		l.chains[i] = chain
	}
	l.rows = make([][]int, l.nLayer)
	for v := range l.verts {
		r := l.verts[v].layer
		l.rows[r] = append(l.rows[r], v)
	}
}

// scopeRows records the first and last row of each scope's boxes.
func (l *layouter) scopeRows() {
	l.scopeMin = make([]int, len(l.scopes.names))
	l.scopeMax = make([]int, len(l.scopes.names))
	for s := range l.scopeMin {
		l.scopeMin[s], l.scopeMax[s] = -1, -1
	}
	for b, p := range l.paths {
		r := l.layer[b]
		for _, s := range p {
			if l.scopeMin[s] < 0 || r < l.scopeMin[s] {
				l.scopeMin[s] = r
			}
			l.scopeMax[s] = max(l.scopeMax[s], r)
		}
	}
}

// bendPath returns the scopes of the bend point at row r of an edge from
// box u to box v: the scopes both ends share, then either the source's
// scopes that the edge has not yet left (they go on below r) or the
// target's that it has already entered (they begin at or above r),
// whichever end is nearer. The edge then leaves a frame through its bottom
// and enters one through its top, rather than through the sides.
func (l *layouter) bendPath(u, v, r int) []int {
	pu, pv := l.paths[u], l.paths[v]
	c := commonPrefix(pu, pv)
	ku, kv := c, c
	for ku < len(pu) && l.scopeMax[pu[ku]] >= r {
		ku++
	}
	for kv < len(pv) && l.scopeMin[pv[kv]] <= r {
		kv++
	}
	if ku > c && (kv == c || r-l.layer[u] <= l.layer[v]-r) {
		return pu[:ku]
	}
	return pv[:kv]
}

// frameScopes marks the scopes drawn as frames: those holding at least two
// visible boxes, other than numbering containers like "layers".
func (l *layouter) frameScopes() []bool {
	count := make([]int, len(l.scopes.names))
	for _, p := range l.paths {
		for _, s := range p {
			count[s]++
		}
	}
	isFrame := make([]bool, len(count))
	for s, c := range count {
		isFrame[s] = c >= 2 && !l.scopes.container[s]
	}
	return isFrame
}

// filterScopes returns the scopes of path marked in keep. It may share
// memory with path when all are kept.
func filterScopes(path []int, keep []bool) []int {
	all := true
	for _, s := range path {
		all = all && keep[s]
	}
	if all {
		return path
	}
	var out []int
	for _, s := range path {
		if keep[s] {
			out = append(out, s)
		}
	}
	return out
}
