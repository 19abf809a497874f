package viz_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/cnn"
	"stepgraph/engine/mlp"
	"stepgraph/engine/transformer"
	"stepgraph/viz"
)

// buildModel returns the graph of a small transformer of the given variant
// (batch 1, 5 target and 4 source positions).
func buildModel(t testing.TB, variant string, layers, heads int) *engine.Graph {
	t.Helper()
	cfg := transformer.Config{Variant: variant, V: 7, VSrc: 9, D: 4 * heads, Heads: heads, DFF: 16,
		Layers: layers, LEnc: layers, LDec: layers, MaxLen: 8, Act: "relu"}
	m, err := transformer.New(cfg, 3)
	if err != nil {
		t.Fatalf("transformer.New(%+v): %v", cfg, err)
	}
	tSrc := 0
	if variant == transformer.EncDec {
		tSrc = 4
	}
	g, err := m.Build(1, 5, tSrc)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return g
}

// layoutCases are the graphs and collapse options every layout property is
// checked on: the three transformer architectures, expanded and with
// scopes of each kind collapsed, the MLP and CNN of the lab, and the small
// hand-built graph.
func layoutCases(t *testing.T) []struct {
	name string
	g    *engine.Graph
	opt  viz.Options
} {
	type lc = struct {
		name string
		g    *engine.Graph
		opt  viz.Options
	}
	mg, err := mlp.New(mlp.Config{Inputs: 2, Hidden: []int{8, 8}, Classes: 3, Act: "tanh"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	mlpGraph, err := mg.Build(4)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := cnn.New(cnn.Config{Size: 12, Channels: 1, Convs: []cnn.Conv{{Out: 4, Kernel: 3, Stride: 1, Pad: 1}, {Out: 8, Kernel: 3, Stride: 1, Pad: 1}},
		Pool: "max", PoolSize: 2, Act: "relu", Hidden: []int{16}, Classes: 4}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cnnGraph, err := cm.Build(2)
	if err != nil {
		t.Fatal(err)
	}
	enc := buildModel(t, transformer.Encoder, 2, 2)
	dec := buildModel(t, transformer.Decoder, 2, 3)
	ed := buildModel(t, transformer.EncDec, 2, 2)
	return []lc{
		{"tiny", tinyGraph(), viz.Options{}},
		{"tiny/fc1", tinyGraph(), viz.Options{Collapsed: []string{"fc1"}}},
		{"mlp", mlpGraph, viz.Options{}},
		{"mlp/layer", mlpGraph, viz.Options{Collapsed: []string{"layers.1"}}},
		{"cnn", cnnGraph, viz.Options{}},
		{"encoder", enc, viz.Options{}},
		{"encoder/attn", enc, viz.Options{Collapsed: []string{"layers.0.attn", "layers.1.attn"}}},
		{"encoder/blocks", enc, viz.Options{Collapsed: []string{"layers.0", "layers.1", "embed"}}},
		{"decoder", dec, viz.Options{}},
		{"decoder/heads", dec, viz.Options{Collapsed: []string{"layers.0.attn.head.0", "layers.0.attn.head.2", "layers.1.ffn"}}},
		{"decoder/nested", dec, viz.Options{Collapsed: []string{"layers.1.attn.head.1", "layers.1", "head"}}},
		{"encdec", ed, viz.Options{}},
		{"encdec/cross", ed, viz.Options{Collapsed: []string{"dec.layers.0.cross_attn", "dec.layers.1.cross_attn", "enc.ln_f"}}},
		{"encdec/halves", ed, viz.Options{Collapsed: []string{"enc", "dec"}}},
	}
}

// boxOf maps every node ID of g to the index of the box that shows it,
// checking that each node is shown exactly once.
func boxOf(t *testing.T, g *engine.Graph, l viz.Layout) []int {
	t.Helper()
	of := make([]int, len(g.Nodes))
	for i := range of {
		of[i] = -1
	}
	show := func(id, b int) {
		if id < 0 || id >= len(of) {
			t.Fatalf("box %d shows node %d, outside the graph", b, id)
		}
		if of[id] >= 0 {
			t.Fatalf("node %d (%s) shown by boxes %d and %d", id, g.Nodes[id].Name, of[id], b)
		}
		of[id] = b
	}
	for b, box := range l.Nodes {
		if box.Collapsed {
			if box.ID >= 0 || len(box.Members) == 0 {
				t.Errorf("collapsed box %q has ID %d and %d members, want a negative ID and members", box.Name, box.ID, len(box.Members))
			}
			for _, id := range box.Members {
				show(id, b)
			}
			continue
		}
		show(box.ID, b)
		if n := g.Nodes[box.ID]; box.Name != n.Name {
			t.Errorf("box of node %d is named %q, want %q", box.ID, box.Name, n.Name)
		}
	}
	for id, b := range of {
		if b < 0 {
			t.Errorf("node %d (%s) is not shown", id, g.Nodes[id].Name)
		}
	}
	return of
}

// overlap reports whether two rectangles share more than a boundary.
func overlap(ax, ay, aw, ah, bx, by, bw, bh float64) bool {
	return ax < bx+bw && bx < ax+aw && ay < by+bh && by < ay+ah
}

func TestLayoutBoxesDoNotOverlap(t *testing.T) {
	for _, c := range layoutCases(t) {
		t.Run(c.name, func(t *testing.T) {
			l := viz.LayoutGraph(c.g, c.opt)
			for i, a := range l.Nodes {
				if a.W <= 0 || a.H <= 0 || a.X < 0 || a.Y < 0 || a.X+a.W > l.Width || a.Y+a.H > l.Height {
					t.Errorf("box %q at (%v,%v) size %vx%v outside the %vx%v layout", a.Name, a.X, a.Y, a.W, a.H, l.Width, l.Height)
				}
				for _, b := range l.Nodes[i+1:] {
					if overlap(a.X, a.Y, a.W, a.H, b.X, b.Y, b.W, b.H) {
						t.Errorf("boxes %q (%v,%v,%v,%v) and %q (%v,%v,%v,%v) overlap", a.Name, a.X, a.Y, a.W, a.H, b.Name, b.X, b.Y, b.W, b.H)
					}
				}
			}
		})
	}
}

func TestLayoutEdgesPointDown(t *testing.T) {
	for _, c := range layoutCases(t) {
		t.Run(c.name, func(t *testing.T) {
			l := viz.LayoutGraph(c.g, c.opt)
			byID := map[int]viz.Box{}
			for _, b := range l.Nodes {
				byID[b.ID] = b
			}
			for _, e := range l.Edges {
				from, to := byID[e.From], byID[e.To]
				if to.Y <= from.Y {
					t.Errorf("edge %s -> %s: To.Y = %v, want > From.Y = %v", from.Name, to.Name, to.Y, from.Y)
				}
				if len(e.Points) < 2 {
					t.Fatalf("edge %s -> %s has %d points, want >= 2", from.Name, to.Name, len(e.Points))
				}
				first, last := e.Points[0], e.Points[len(e.Points)-1]
				if first[1] != from.Y+from.H || first[0] < from.X || first[0] > from.X+from.W {
					t.Errorf("edge %s -> %s starts at %v, want on the bottom of %v", from.Name, to.Name, first, from)
				}
				if last[1] != to.Y || last[0] < to.X || last[0] > to.X+to.W {
					t.Errorf("edge %s -> %s ends at %v, want on the top of %v", from.Name, to.Name, last, to)
				}
				for i := 1; i < len(e.Points); i++ {
					if e.Points[i][1] < e.Points[i-1][1] {
						t.Errorf("edge %s -> %s goes up from %v to %v", from.Name, to.Name, e.Points[i-1], e.Points[i])
					}
				}
			}
		})
	}
}

// shapeText writes a shape the way edge labels should read: "1×5×8".
func shapeText(shape []int) string {
	if len(shape) == 0 {
		return "scalar"
	}
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, "×")
}

func TestLayoutEdgesMatchGraph(t *testing.T) {
	for _, c := range layoutCases(t) {
		t.Run(c.name, func(t *testing.T) {
			l := viz.LayoutGraph(c.g, c.opt)
			of := boxOf(t, c.g, l)
			// want: one edge per pair of distinct boxes joined in the graph,
			// labelled with the shapes of the tensors that flow along it.
			want := map[[2]int][]string{}
			for _, n := range c.g.Nodes {
				for _, in := range n.Inputs {
					a, b := l.Nodes[of[in.ID]].ID, l.Nodes[of[n.ID]].ID
					if a == b {
						continue
					}
					k := [2]int{a, b}
					if s := shapeText(in.Shape); !slices.Contains(want[k], s) {
						want[k] = append(want[k], s)
					}
				}
			}
			seen := map[[2]int]bool{}
			for _, e := range l.Edges {
				k := [2]int{e.From, e.To}
				if seen[k] {
					t.Errorf("edge %v appears twice", k)
				}
				seen[k] = true
				labels, ok := want[k]
				if !ok {
					t.Errorf("edge %v has no counterpart in the graph", k)
					continue
				}
				if got := strings.Split(e.Label, ", "); !slices.Equal(got, labels) {
					t.Errorf("edge %v label = %q, want %q", k, e.Label, strings.Join(labels, ", "))
				}
			}
			if len(seen) != len(want) {
				t.Errorf("layout has %d edges, want %d", len(seen), len(want))
			}
		})
	}
}

func TestLayoutCollapsedScopes(t *testing.T) {
	for _, c := range layoutCases(t) {
		t.Run(c.name, func(t *testing.T) {
			l := viz.LayoutGraph(c.g, c.opt)
			of := boxOf(t, c.g, l)
			// Each node inside a requested scope is shown by the box of the
			// outermost requested scope holding it; every other node by its own box.
			for _, n := range c.g.Nodes {
				outer := ""
				for _, p := range c.opt.Collapsed {
					if (n.Name == p || strings.HasPrefix(n.Name, p+".")) && (outer == "" || len(p) < len(outer)) {
						outer = p
					}
				}
				b := l.Nodes[of[n.ID]]
				if outer == "" && (b.Collapsed || b.ID != n.ID) {
					t.Errorf("node %s shown by %q, want its own box", n.Name, b.Name)
				}
				if outer != "" && (!b.Collapsed || b.Name != outer) {
					t.Errorf("node %s shown by %q (collapsed %v), want collapsed scope %q", n.Name, b.Name, b.Collapsed, outer)
				}
			}
			// A collapsed scope's shape is that of its last node.
			for _, b := range l.Nodes {
				if b.Collapsed {
					last := c.g.Nodes[slices.Max(b.Members)]
					if !slices.Equal(b.Shape, last.Shape) {
						t.Errorf("collapsed %q shape = %v, want %v (of %s)", b.Name, b.Shape, last.Shape, last.Name)
					}
				}
			}
		})
	}
}

// inScopeOf reports whether box b belongs to scope s.
func inScopeOf(b viz.Box, s string) bool {
	return b.Name == s || strings.HasPrefix(b.Name, s+".")
}

func TestLayoutScopeFrames(t *testing.T) {
	for _, c := range layoutCases(t) {
		t.Run(c.name, func(t *testing.T) {
			l := viz.LayoutGraph(c.g, c.opt)
			if len(l.Scopes) == 0 {
				t.Fatal("no scopes")
			}
			for _, s := range l.Scopes {
				members := 0
				for _, b := range l.Nodes {
					inside := b.X >= s.X && b.Y >= s.Y && b.X+b.W <= s.X+s.W && b.Y+b.H <= s.Y+s.H
					switch {
					case s.Collapsed && b.Name == s.Name:
						members++
						if !b.Collapsed || b.X != s.X || b.Y != s.Y || b.W != s.W || b.H != s.H {
							t.Errorf("collapsed scope %v does not match its box %v", s, b)
						}
					case s.Collapsed:
					case inScopeOf(b, s.Name):
						members++
						if !inside {
							t.Errorf("frame %q (%v,%v,%v,%v) does not hold its member %q (%v,%v,%v,%v)", s.Name, s.X, s.Y, s.W, s.H, b.Name, b.X, b.Y, b.W, b.H)
						}
					case overlap(s.X, s.Y, s.W, s.H, b.X, b.Y, b.W, b.H):
						t.Errorf("frame %q (%v,%v,%v,%v) overlaps %q (%v,%v,%v,%v), which is outside the scope", s.Name, s.X, s.Y, s.W, s.H, b.Name, b.X, b.Y, b.W, b.H)
					}
				}
				if members == 0 || (!s.Collapsed && members < 2) {
					t.Errorf("scope %q has %d member boxes", s.Name, members)
				}
			}
		})
	}
}

func TestLayoutScopeList(t *testing.T) {
	l := viz.LayoutGraph(buildModel(t, transformer.Decoder, 1, 2), viz.Options{Collapsed: []string{"layers.0.ffn"}})
	kinds := map[string]string{}
	for _, s := range l.Scopes {
		kinds[s.Name] = s.Kind
	}
	want := map[string]string{
		"embed":                "embeddings",
		"layers.0":             "block",
		"layers.0.attn":        "attention",
		"layers.0.attn.head.0": "head",
		"layers.0.attn.head.1": "head",
		"layers.0.ffn":         "ffn",
		"layers.0.ln1":         "other",
	}
	for name, kind := range want {
		if got, ok := kinds[name]; !ok || got != kind {
			t.Errorf("scope %q kind = %q (listed %v), want %q", name, got, ok, kind)
		}
	}
	// Numbering containers get no frame.
	for _, name := range []string{"layers", "layers.0.attn.head"} {
		if _, ok := kinds[name]; ok {
			t.Errorf("scope %q listed, want no frame for a numbering container", name)
		}
	}
	// Outer scopes come before the scopes they hold.
	pos := map[string]int{}
	for i, s := range l.Scopes {
		pos[s.Name] = i
	}
	for _, s := range l.Scopes {
		for p := s.Name; strings.Contains(p, "."); {
			p = p[:strings.LastIndexByte(p, '.')]
			if i, ok := pos[p]; ok && i > pos[s.Name] {
				t.Errorf("scope %q listed after %q, which it holds", p, s.Name)
			}
		}
	}
}

// TestCollapseThatWouldCycle collapses a scope that a path leaves and
// re-enters (s.a -> mid -> s.b): one box for s would need an edge going
// up, so the scope stays expanded.
func TestCollapseThatWouldCycle(t *testing.T) {
	g := engine.NewGraph()
	x := g.Input("x", 2, 3)
	a := g.Apply("s.a", engine.Tanh(), x)
	mid := g.Apply("mid", engine.Tanh(), a)
	g.Apply("s.b", &engine.Add{}, a, mid)
	g2 := engine.NewGraph()
	y := g2.Input("y", 2, 3)
	g2.Apply("t.b", engine.Tanh(), g2.Apply("t.a", engine.Tanh(), y))
	cases := []struct {
		name      string
		g         *engine.Graph
		collapsed []string
		boxes     int
	}{
		{"cycle", g, []string{"s"}, 4},
		{"no cycle", g2, []string{"t"}, 2},
	}
	for _, c := range cases {
		l := viz.LayoutGraph(c.g, viz.Options{Collapsed: c.collapsed})
		if len(l.Nodes) != c.boxes {
			t.Errorf("%s: LayoutGraph(Collapsed %v) has %d boxes, want %d", c.name, c.collapsed, len(l.Nodes), c.boxes)
		}
	}
}

func TestLayoutDeterministic(t *testing.T) {
	for _, v := range []string{transformer.Encoder, transformer.Decoder, transformer.EncDec} {
		opt := viz.Options{Collapsed: []string{"layers.1", "dec.layers.0.self_attn"}}
		// Two graphs built apart from the same configuration.
		a := viz.LayoutGraph(buildModel(t, v, 2, 2), opt)
		b := viz.LayoutGraph(buildModel(t, v, 2, 2), opt)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("%s: two layouts of the same model differ", v)
		}
		if sa, sb := viz.GraphSVG(a), viz.GraphSVG(b); string(sa) != string(sb) {
			t.Errorf("%s: two SVGs of the same model differ", v)
		}
	}
}

func TestScopeKind(t *testing.T) {
	cases := []struct{ name, want string }{
		{"embed", "embeddings"},
		{"enc.embed", "embeddings"},
		{"layers.0", "block"},
		{"enc.layers.3", "block"},
		{"layers.0.attn", "attention"},
		{"dec.layers.1.self_attn", "attention"},
		{"dec.layers.1.cross_attn", "attention"},
		{"layers.0.attn.head.1", "head"},
		{"dec.layers.0.cross_attn.head.0", "head"},
		{"layers.0.ffn", "ffn"},
		{"loss", "loss"},
		{"head", "loss"},
		{"layers.0.ln1", "other"},
		{"enc", "other"},
		{"fc1", "other"},
	}
	for _, c := range cases {
		if got := viz.ScopeKind(c.name); got != c.want {
			t.Errorf("ScopeKind(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestLayoutSmallGraphs(t *testing.T) {
	one := engine.NewGraph()
	one.Input("x", 3)
	unused := engine.NewGraph()
	a := unused.Input("a", 2)
	unused.Input("unused", 2)
	unused.Apply("b", engine.Tanh(), a)
	cases := []struct {
		name  string
		g     *engine.Graph
		boxes int
	}{
		{"empty", engine.NewGraph(), 0},
		{"one input", one, 1},
		{"unused input", unused, 3},
	}
	for _, c := range cases {
		l := viz.LayoutGraph(c.g, viz.Options{Collapsed: []string{"nothing"}})
		if len(l.Nodes) != c.boxes || l.Width <= 0 || l.Height <= 0 {
			t.Errorf("%s: LayoutGraph has %d boxes, size %vx%v; want %d boxes and a positive size", c.name, len(l.Nodes), l.Width, l.Height, c.boxes)
		}
		parseSVG(t, viz.GraphSVG(l))
	}
}
