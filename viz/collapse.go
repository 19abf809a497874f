package viz

import (
	"slices"
	"strings"

	"stepgraph/engine"
)

// layouter holds the working state of one LayoutGraph call. Each step of
// the layout lives in its own file: collapse.go, layer.go, order.go,
// place.go (with frames.go, and the separator of separate.go and
// refine.go) and route.go.
type layouter struct {
	g      *engine.Graph
	scopes *scopeTable

	boxes  []Box      // visible boxes, in topological order after collapse
	boxOf  []int      // node ID -> index in boxes
	paths  [][]int    // per box, its scope path (see scopeTable.path)
	frame  []bool     // per scope, whether it is drawn as a frame
	frames [][]int    // per box, the scopes of its path drawn as frames
	edges  []viewEdge // merged edges between boxes, in first-seen order
	layer  []int      // per box, its row
	// scopeMin and scopeMax are, per scope, the first and last row of its
	// boxes (-1 if it has none).
	scopeMin, scopeMax []int
	nLayer             int // number of rows

	verts  []vertex // one per box (same index), then one per bend point
	rows   [][]int  // per row, its vertices from left to right
	chains [][]int  // per edge, its vertices from source to target
	rowTop []float64
	rowH   float64
}

// viewEdge is an edge between two boxes, with the shapes of the tensors it
// stands for.
type viewEdge struct {
	from, to int // box indices
	labels   []string
}

func newLayouter(g *engine.Graph) *layouter {
	return &layouter{g: g, scopes: newScopeTable(g)}
}

// collapse builds the boxes and the merged edges. It retries without the
// scopes whose collapse would close a cycle until the box graph is a DAG;
// each retry drops at least one scope, so it ends.
func (l *layouter) collapse(prefixes []string) {
	active := cleanPrefixes(prefixes)
	for {
		l.buildBoxes(active)
		order, stuck := topoOrder(len(l.boxes), l.edges)
		if len(stuck) == 0 {
			l.reorder(order)
			l.frame = l.frameScopes()
			l.frames = make([][]int, len(l.boxes))
			for b, p := range l.paths {
				l.frames[b] = filterScopes(p, l.frame)
			}
			return
		}
		for _, b := range stuck {
			if l.boxes[b].Collapsed {
				active = slices.DeleteFunc(active, func(p string) bool { return p == l.boxes[b].Name })
			}
		}
	}
}

// cleanPrefixes drops empty and repeated prefixes and sorts them shortest
// first, so that the outer of two nested scopes is matched first.
func cleanPrefixes(prefixes []string) []string {
	var out []string
	for _, p := range prefixes {
		p = strings.Trim(p, ".")
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(a) - len(b) })
	return out
}

// inScope reports whether a node called name belongs to scope p.
func inScope(name, p string) bool {
	return name == p || (len(name) > len(p) && name[len(p)] == '.' && strings.HasPrefix(name, p))
}

// buildBoxes makes one box per node outside the active scopes and one per
// active scope that has nodes, then one edge per pair of connected boxes.
func (l *layouter) buildBoxes(active []string) {
	l.boxes = l.boxes[:0]
	l.boxOf = make([]int, len(l.g.Nodes))
	scopeBox := map[string]int{}
	for _, n := range l.g.Nodes {
		p := ""
		for _, q := range active {
			if inScope(n.Name, q) {
				p = q
				break
			}
		}
		if p == "" {
			l.boxOf[n.ID] = len(l.boxes)
			l.boxes = append(l.boxes, nodeBox(n))
			continue
		}
		b, ok := scopeBox[p]
		if !ok {
			b = len(l.boxes)
			scopeBox[p] = b
			l.boxes = append(l.boxes, Box{Name: p, Label: shortLabel(p), Kind: "scope", Scope: parentScope(p), Collapsed: true})
		}
		l.boxOf[n.ID] = b
		l.boxes[b].Members = append(l.boxes[b].Members, n.ID)
		l.boxes[b].Shape = shapeOf(n.Shape)
	}
	l.edges = l.edges[:0]
	index := map[[2]int]int{}
	for _, n := range l.g.Nodes {
		to := l.boxOf[n.ID]
		for _, in := range n.Inputs {
			from := l.boxOf[in.ID]
			if from == to {
				continue // inside one collapsed scope
			}
			lab := shapeLabel(in.Shape)
			k := [2]int{from, to}
			e, ok := index[k]
			if !ok {
				index[k] = len(l.edges)
				l.edges = append(l.edges, viewEdge{from: from, to: to, labels: []string{lab}})
			} else if !slices.Contains(l.edges[e].labels, lab) {
				l.edges[e].labels = append(l.edges[e].labels, lab)
			}
		}
	}
}

// nodeBox returns the box of one visible node.
func nodeBox(n *engine.Node) Box {
	op := ""
	if n.Op != nil {
		op = n.Op.Info().Name
	}
	return Box{ID: n.ID, Name: n.Name, Label: shortLabel(n.Name), Op: op, Formula: n.Info().Formula, Kind: n.Kind.String(), Scope: n.Scope(), Shape: shapeOf(n.Shape)}
}

// shapeOf returns a copy of shape that is never nil, so that a scalar
// encodes as [] rather than null.
func shapeOf(shape []int) []int { return append([]int{}, shape...) }

// topoOrder sorts the boxes so that every edge goes from an earlier box to
// a later one, taking the lowest-numbered ready box first (Kahn's
// algorithm with a min-heap). When the graph is already in topological
// order, the order is unchanged. stuck lists the boxes left over, which lie
// on or after a cycle.
func topoOrder(n int, edges []viewEdge) (order, stuck []int) {
	indeg := make([]int, n)
	out := make([][]int, n)
	for _, e := range edges {
		indeg[e.to]++
		out[e.from] = append(out[e.from], e.to)
	}
	var ready intHeap
	for b := range n {
		if indeg[b] == 0 {
			ready.push(b)
		}
	}
	for len(ready) > 0 {
		b := ready.pop()
		order = append(order, b)
		for _, c := range out[b] {
			if indeg[c]--; indeg[c] == 0 {
				ready.push(c)
			}
		}
	}
	for b := range n {
		if indeg[b] > 0 {
			stuck = append(stuck, b)
		}
	}
	return order, stuck
}

// reorder puts the boxes in the given order and numbers the collapsed
// ones -1, -2, ...
func (l *layouter) reorder(order []int) {
	newIndex := make([]int, len(order))
	boxes := make([]Box, len(order))
	for i, b := range order {
		newIndex[b] = i
		boxes[i] = l.boxes[b]
	}
	l.boxes = boxes
	for id, b := range l.boxOf {
		l.boxOf[id] = newIndex[b]
	}
	for i := range l.edges {
		l.edges[i].from = newIndex[l.edges[i].from]
		l.edges[i].to = newIndex[l.edges[i].to]
	}
	k := 0
	l.paths = make([][]int, len(l.boxes))
	for i := range l.boxes {
		if l.boxes[i].Collapsed {
			k++
			l.boxes[i].ID = -k
		}
		l.paths[i] = l.scopes.path(l.boxes[i].Name)
	}
}

// intHeap is a binary min-heap of ints.
type intHeap []int

func (h *intHeap) push(v int) {
	*h = append(*h, v)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if s[p] <= s[i] {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h *intHeap) pop() int {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		c := 2*i + 1
		if c >= len(s) {
			break
		}
		if c+1 < len(s) && s[c+1] < s[c] {
			c++
		}
		if s[i] <= s[c] {
			break
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
	*h = s
	return top
}
