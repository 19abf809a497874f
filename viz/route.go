package viz

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// portSpacing is the largest distance between two edges arriving at the
// top of one box; they spread over at most portShare of its width.
const (
	portSpacing = 18.0
	portShare   = 0.7
)

// result assembles the Layout: boxes at their places, edges routed through
// their bend points, scope frames, everything shifted to start at the
// margin.
func (l *layouter) result() Layout {
	out := Layout{Nodes: make([]Box, len(l.boxes)), Edges: make([]Edge, len(l.edges)), Scopes: []Scope{}}
	for b, box := range l.boxes {
		v := l.verts[b]
		box.Layer = l.layer[b]
		box.W, box.H = v.w, boxH
		box.X, box.Y = v.x-v.w/2, l.rowTop[box.Layer]
		out.Nodes[b] = box
	}
	for i, e := range l.edges {
		out.Edges[i] = Edge{From: l.boxes[e.from].ID, To: l.boxes[e.to].ID, Label: strings.Join(e.labels, ", "), Points: l.route(l.chains[i], out.Nodes)}
	}
	l.spreadPorts(out.Edges, out.Nodes)
	out.Scopes = l.scopeFrames(out.Nodes)
	normalize(&out)
	return out
}

// route returns the points of an edge: the bottom centre of its source,
// the top and bottom of each bend point's row, and the top centre of its
// target (spreadPorts may move that last point sideways).
func (l *layouter) route(chain []int, boxes []Box) [][2]float64 {
	src, dst := boxes[chain[0]], boxes[chain[len(chain)-1]]
	pts := [][2]float64{{src.X + src.W/2, src.Y + src.H}}
	for _, v := range chain[1 : len(chain)-1] {
		x, top := l.verts[v].x, l.rowTop[l.verts[v].layer]
		pts = append(pts, [2]float64{x, top}, [2]float64{x, top + l.rowH})
	}
	return append(pts, [2]float64{dst.X + dst.W/2, dst.Y})
}

// spreadPorts moves the ends of the edges arriving at one box apart, in
// the order of where they come from, so that arrowheads do not pile up.
func (l *layouter) spreadPorts(edges []Edge, boxes []Box) {
	byTarget := make([][]int, len(boxes))
	for i, e := range l.edges {
		byTarget[e.to] = append(byTarget[e.to], i)
	}
	for b, in := range byTarget {
		if len(in) < 2 {
			continue
		}
		from := func(i int) float64 { p := edges[i].Points; return p[len(p)-2][0] }
		slices.SortStableFunc(in, func(i, j int) int { return cmp.Compare(from(i), from(j)) })
		step := min(portSpacing, boxes[b].W*portShare/float64(len(in)-1))
		centre := boxes[b].X + boxes[b].W/2
		for k, i := range in {
			p := edges[i].Points
			p[len(p)-1][0] = centre + step*(float64(k)-float64(len(in)-1)/2)
		}
	}
}

// scopeFrames returns the frame of every scope with a frame, and the box of
// every collapsed scope, outer scopes first. A frame wraps each member box
// with framePad per frame level between the box and the scope, plus room
// for the title at the top.
func (l *layouter) scopeFrames(boxes []Box) []Scope {
	type rect struct {
		x0, y0, x1, y1 float64
		first          int
		seen           bool
	}
	rects := make([]rect, len(l.scopes.names))
	for v, vx := range l.verts {
		// A box spans its own height, a bend point its whole row.
		x0, x1 := vx.x-vx.w/2, vx.x+vx.w/2
		y0 := l.rowTop[vx.layer]
		y1 := y0 + l.rowH
		first := v
		if vx.box >= 0 {
			b := boxes[vx.box]
			x0, x1, y0, y1 = b.X, b.X+b.W, b.Y, b.Y+b.H
		} else {
			first = len(boxes) // after any box
		}
		fr := vx.frames
		for j, s := range fr {
			k := float64(len(fr) - j)
			r := &rects[s]
			fx0, fx1 := x0-framePad*k, x1+framePad*k
			fy0, fy1 := y0-(framePad+scopeTitleH)*k, y1+framePad*k
			if !r.seen {
				*r = rect{fx0, fy0, fx1, fy1, first, true}
				continue
			}
			r.x0, r.y0 = min(r.x0, fx0), min(r.y0, fy0)
			r.x1, r.y1 = max(r.x1, fx1), max(r.y1, fy1)
			r.first = min(r.first, first)
		}
	}
	type entry struct {
		Scope
		first int
	}
	var es []entry
	for s, r := range rects {
		if r.seen {
			name := l.scopes.names[s]
			es = append(es, entry{Scope{Name: name, Kind: ScopeKind(name), X: r.x0, Y: r.y0, W: r.x1 - r.x0, H: r.y1 - r.y0}, r.first})
		}
	}
	for b, box := range boxes {
		if box.Collapsed {
			es = append(es, entry{Scope{Name: box.Name, Kind: ScopeKind(box.Name), X: box.X, Y: box.Y, W: box.W, H: box.H, Collapsed: true}, b})
		}
	}
	slices.SortStableFunc(es, func(a, b entry) int {
		return cmp.Or(cmp.Compare(strings.Count(a.Name, "."), strings.Count(b.Name, ".")), cmp.Compare(a.first, b.first), strings.Compare(a.Name, b.Name))
	})
	out := make([]Scope, len(es))
	for i, e := range es {
		out[i] = e.Scope
	}
	return out
}

// normalize shifts the layout so that everything starts at the margin, and
// sets its size.
func normalize(out *Layout) {
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	grow := func(x, y, w, h float64) {
		x0, y0 = min(x0, x), min(y0, y)
		x1, y1 = max(x1, x+w), max(y1, y+h)
	}
	for _, b := range out.Nodes {
		grow(b.X, b.Y, b.W, b.H)
	}
	for _, s := range out.Scopes {
		grow(s.X, s.Y, s.W, s.H)
	}
	for _, e := range out.Edges {
		for _, p := range e.Points {
			grow(p[0], p[1], 0, 0)
		}
	}
	if math.IsInf(x0, 0) {
		out.Width, out.Height = 2*margin, 2*margin
		return
	}
	dx, dy := margin-x0, margin-y0
	for i := range out.Nodes {
		out.Nodes[i].X += dx
		out.Nodes[i].Y += dy
	}
	for i := range out.Scopes {
		out.Scopes[i].X += dx
		out.Scopes[i].Y += dy
	}
	for _, e := range out.Edges {
		for i := range e.Points {
			e.Points[i][0] = round1(e.Points[i][0] + dx)
			e.Points[i][1] = round1(e.Points[i][1] + dy)
		}
	}
	for i := range out.Nodes {
		b := &out.Nodes[i]
		b.X, b.Y, b.W, b.H = round1(b.X), round1(b.Y), round1(b.W), round1(b.H)
	}
	for i := range out.Scopes {
		s := &out.Scopes[i]
		s.X, s.Y, s.W, s.H = round1(s.X), round1(s.Y), round1(s.W), round1(s.H)
	}
	out.Width, out.Height = round1(x1-x0+2*margin), round1(y1-y0+2*margin)
}

// round1 rounds to a tenth of a pixel, which keeps the JSON and the SVG
// short and hides the last bits of floating-point noise.
func round1(x float64) float64 { return math.Round(x*10) / 10 }
