package viz

import "slices"

// sweeps is the number of down-and-up barycenter passes. Crossings rarely
// drop after a handful of passes on the graphs of this project.
const sweeps = 8

// orderLayers orders each row to reduce edge crossings with the barycenter
// heuristic: going down, a vertex's key is the mean position of its
// neighbours in the row above; going up, of those in the row below. Rows
// are sorted by key, but scopes stay contiguous: a row compares whole
// scopes by the mean key of their members first, then the members within a
// scope (see rowSorter). The ordering with the fewest crossings seen wins.
func (l *layouter) orderLayers() {
	s := &rowSorter{verts: l.verts, key: make([]float64, len(l.verts)),
		sum: make([]float64, len(l.scopes.names)), cnt: make([]int, len(l.scopes.names))}
	pos := make([]int, len(l.verts))

	// Start from creation order: boxes in topological order, a bend point
	// just after the vertex above it.
	for v := range l.verts {
		s.key[v] = float64(v)
		if l.verts[v].box < 0 {
			s.key[v] = s.key[l.verts[v].up[0]] + 0.5
		}
	}
	for _, row := range l.rows {
		s.sort(row, pos)
	}

	best, bestRows := crossings(l.rows, l.verts, pos), cloneRows(l.rows)
	for it := 0; it < sweeps && best > 0; it++ {
		for r := 1; r < len(l.rows); r++ {
			s.barycenters(l.rows[r], pos, true)
			s.sort(l.rows[r], pos)
		}
		for r := len(l.rows) - 2; r >= 0; r-- {
			s.barycenters(l.rows[r], pos, false)
			s.sort(l.rows[r], pos)
		}
		if c := crossings(l.rows, l.verts, pos); c < best {
			best, bestRows = c, cloneRows(l.rows)
		}
	}
	l.rows = bestRows
	s.consistent(l.rows, pos)
}

// consistent sorts every row once more, keying each scope by the mean
// relative position of all its members in all rows, and each vertex by its
// own relative position. Sibling scopes then come in the same order in
// every row, which placeX needs to draw scope frames that do not overlap.
func (s *rowSorter) consistent(rows [][]int, pos []int) {
	for _, row := range rows {
		for i, v := range row {
			s.key[v] = (float64(i) + 0.5) / float64(len(row))
		}
	}
	for _, row := range rows {
		s.add(row)
	}
	for _, row := range rows {
		slices.SortStableFunc(row, s.cmp)
	}
	for _, row := range rows {
		s.reset(row)
		for i, v := range row {
			pos[v] = i
		}
	}
}

func cloneRows(rows [][]int) [][]int {
	out := make([][]int, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
	}
	return out
}

// rowSorter sorts a row by vertex keys while keeping each scope
// contiguous. Each vertex reads as a sequence of items, one per scope on
// its path and then itself; a scope item's key is the mean key of the
// row's members of that scope. Two vertices compare by their first
// differing item: by key, then a vertex before a scope, then scopes by
// number. Sorting is stable, so ties keep the previous order.
type rowSorter struct {
	verts []vertex
	key   []float64
	sum   []float64 // per scope: sum of member keys in the current row
	cnt   []int     // per scope: member count in the current row
}

// barycenters sets the key of each vertex of row to the mean position of
// its neighbours above (fromAbove) or below. A vertex without such
// neighbours keeps its current position.
func (s *rowSorter) barycenters(row []int, pos []int, fromAbove bool) {
	for _, v := range row {
		nb := s.verts[v].down
		if fromAbove {
			nb = s.verts[v].up
		}
		if len(nb) == 0 {
			s.key[v] = float64(pos[v])
			continue
		}
		sum := 0
		for _, u := range nb {
			sum += pos[u]
		}
		s.key[v] = float64(sum) / float64(len(nb))
	}
}

// sort orders row and records each vertex's new position in pos.
func (s *rowSorter) sort(row []int, pos []int) {
	s.add(row)
	slices.SortStableFunc(row, s.cmp)
	s.reset(row)
	for i, v := range row {
		pos[v] = i
	}
}

// add counts the keys of row's vertices into the means of their scopes.
func (s *rowSorter) add(row []int) {
	for _, v := range row {
		for _, sc := range s.verts[v].path {
			s.sum[sc] += s.key[v]
			s.cnt[sc]++
		}
	}
}

// reset clears the scope sums that row's vertices touched.
func (s *rowSorter) reset(row []int) {
	for _, v := range row {
		for _, sc := range s.verts[v].path {
			s.sum[sc], s.cnt[sc] = 0, 0
		}
	}
}

func (s *rowSorter) cmp(a, b int) int {
	pa, pb := s.verts[a].path, s.verts[b].path
	k := commonPrefix(pa, pb)
	ka, ga := s.item(a, pa, k)
	kb, gb := s.item(b, pb, k)
	switch {
	case ka < kb:
		return -1
	case ka > kb:
		return 1
	case ga == gb: // two vertices of the same scope
		return 0
	case ga < 0: // a vertex before a scope
		return -1
	case gb < 0:
		return 1
	}
	return ga - gb
}

// item returns the key of vertex v's item at depth k of its path, and the
// scope number of that item, or -1 when the item is v itself.
func (s *rowSorter) item(v int, path []int, k int) (float64, int) {
	if k < len(path) {
		sc := path[k]
		return s.sum[sc] / float64(s.cnt[sc]), sc
	}
	return s.key[v], -1
}

// crossings counts the pairs of crossing edges between adjacent rows. For
// each row, edges are taken in order of their upper end; an edge crosses
// every earlier edge whose lower end lies further right, which a Fenwick
// tree over the lower row counts in O(E log V).
func crossings(rows [][]int, verts []vertex, pos []int) int {
	total := 0
	var tree []int
	var lower []int
	for r := 0; r+1 < len(rows); r++ {
		n := len(rows[r+1])
		tree = append(tree[:0], make([]int, n+1)...)
		inserted := 0
		for _, u := range rows[r] {
			lower = lower[:0]
			for _, v := range verts[u].down {
				lower = append(lower, pos[v])
			}
			for _, p := range lower {
				// Inserted edges ending at or left of p do not cross.
				notAfter := 0
				for i := p + 1; i > 0; i -= i & -i {
					notAfter += tree[i]
				}
				total += inserted - notAfter
			}
			for _, p := range lower {
				for i := p + 1; i <= n; i += i & -i {
					tree[i]++
				}
				inserted++
			}
		}
	}
	return total
}
