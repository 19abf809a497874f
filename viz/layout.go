package viz

import "stepgraph/engine"

// Options control LayoutGraph.
type Options struct {
	// Collapsed lists scope prefixes (such as "layers.0.attn") whose nodes
	// are drawn as one box. A node belongs to scope P when its name is P or
	// starts with P + ".". When two listed scopes nest, the outer one wins.
	// A scope whose collapse would close a cycle (a path leaving the scope
	// and coming back into it) is drawn expanded, so the drawing stays a
	// DAG with every edge pointing down.
	Collapsed []string
}

// Layout is a placed graph, ready to draw. It is sent to the browser as
// JSON.
type Layout struct {
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Nodes  []Box   `json:"nodes"`  // in topological order
	Edges  []Edge  `json:"edges"`  // at most one edge per pair of boxes
	Scopes []Scope `json:"scopes"` // outer scopes before the scopes they hold
}

// Box is one drawn node: a graph node, or a collapsed scope standing for
// all of its nodes.
type Box struct {
	// ID is the node's ID in the graph. A collapsed scope has no node of its
	// own and gets a negative ID: -1, -2, ... in the order of the boxes.
	ID    int    `json:"id"`
	Name  string `json:"name"`  // node name, or the scope's name when collapsed
	Label string `json:"label"` // short text drawn in the box
	Op    string `json:"op"`    // op name; empty for leaves and collapsed scopes
	// Formula is the TeX of the op (engine.OpInfo), empty for leaves and
	// collapsed scopes.
	Formula string `json:"formula"`
	Kind    string `json:"kind"`  // "input", "parameter", "op", "loss" or "scope"
	Scope   string `json:"scope"` // enclosing scope name, "" at the top
	// Shape is the node's shape; for a collapsed scope, the shape of its
	// last node, which is usually its output.
	Shape     []int   `json:"shape"`
	Layer     int     `json:"layer"` // row of the layout, 0 at the top
	X         float64 `json:"x"`     // left edge
	Y         float64 `json:"y"`     // top edge
	W         float64 `json:"w"`
	H         float64 `json:"h"`
	Collapsed bool    `json:"collapsed,omitempty"`
	Members   []int   `json:"members,omitempty"` // node IDs inside a collapsed scope
}

// Edge is a tensor flowing from one box to another. Points run from the
// bottom of From to the top of To, through one or two bend points per row
// crossed; their y coordinates never decrease.
type Edge struct {
	From   int          `json:"from"`  // Box.ID of the producer
	To     int          `json:"to"`    // Box.ID of the consumer
	Label  string       `json:"label"` // the tensor's shape, like "6×16"
	Points [][2]float64 `json:"points"`
}

// Scope is the bounding frame of a scope of the graph (a block, an
// attention layer, a head), so that the UI can draw it and offer a
// collapse toggle. A collapsed scope's frame is its box.
type Scope struct {
	Name      string  `json:"name"`
	Kind      string  `json:"kind"` // see ScopeKind
	X         float64 `json:"x"`
	Y         float64 `json:"y"`
	W         float64 `json:"w"`
	H         float64 `json:"h"`
	Collapsed bool    `json:"collapsed,omitempty"`
}

// LayoutGraph places the nodes of g top to bottom in layers (a
// Sugiyama-style layout):
//
//  1. collapse: the nodes of each collapsed scope become one box, and edges
//     between the same two boxes merge;
//  2. layers: an op sits below all of its inputs (the longest path from the
//     inputs), two rows down rather than one where it enters a scope
//     together with that scope's parameters, which then get a row inside
//     the scope's frame; an input or parameter sits just above its first
//     consumer;
//  3. order: edges that skip rows get one bend point per row, then sweeps
//     sort each row by the mean position of its neighbours (barycenters)
//     to reduce crossings, keeping the members of a scope side by side;
//  4. place: x positions as close as possible to the neighbours, with no
//     overlap, and scope frames that hold their members and nothing else;
//     rows spaced to leave room for labels and frames;
//  5. route: edges through their bend points, and frames around scopes.
//
// Box widths follow the length of their labels. The result depends only on
// g's names, kinds, ops, shapes and edges, and on opt.
func LayoutGraph(g *engine.Graph, opt Options) Layout {
	l := newLayouter(g)
	l.collapse(opt.Collapsed)
	l.assignLayers()
	l.buildVertices()
	l.orderLayers()
	l.placeX()
	l.placeY()
	return l.result()
}
