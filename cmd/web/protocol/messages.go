package protocol

import "stepgraph/viz"

// Client message types: what a page may send.
const (
	TypeConfigure = "configure" // create or replace a widget: kind and options
	TypeStep      = "step"      // step the widget's graph: dir forward|backward, count
	TypeBack      = "back"      // step back in time: count
	TypeRun       = "run"       // run to the end of the forward pass or of the timeline
	TypeReset     = "reset"     // move the cursor to the start
	TypeSet       = "set"       // change one hyperparameter: name, value
	TypeSelect    = "select"    // inspect one node: node
	TypeTrain     = "train"     // start or stop training: action start|stop
)

// Server message types: what the server sends.
const (
	TypeHello     = "hello"     // first message of every connection: version, limits, kinds
	TypeGraph     = "graph"     // a widget's graph: nodes, edges, scopes and their layout
	TypeNode      = "node"      // the highlighted node's value and gradient, and the cursor
	TypeAttention = "attention" // attention maps per layer and head
	TypeMetrics   = "metrics"   // named numbers such as loss and accuracy
	TypePlot      = "plot"      // a chart rendered on the server, as SVG text
	TypeError     = "error"     // a refused request: code, message, and the request's id and type
)

// Step directions and other enumerations.
const (
	DirForward  = "forward"
	DirBackward = "backward"

	RunToEnd     = "end"     // run every remaining step
	RunToForward = "forward" // finish the forward pass only

	TrainStart = "start"
	TrainStop  = "stop"
)

// ClientTypes lists the client message types in documentation order.
var ClientTypes = []string{TypeConfigure, TypeStep, TypeBack, TypeRun, TypeReset, TypeSet, TypeSelect, TypeTrain, TypeSeek, TypeExport, TypeOptimize, TypeCheck, TypeMask}

// Request is one decoded and validated client message. Only the fields of
// its Type are set; the decoder fills defaults (count 1, run to the end).
type Request struct {
	Type   string // one of ClientTypes
	Widget string // widget id, 1..MaxWidgetIDBytes of [A-Za-z0-9_-]
	ID     int64  // request id chosen by the client, 0..MaxRequestID; 0 if absent

	Kind    string            // configure: widget kind, e.g. "mlp"
	Options map[string]string // configure: options, each value as text
	Dir     string            // step: DirForward or DirBackward
	Count   int               // step, back: 1..MaxStepCount
	To      string            // run: RunToEnd or RunToForward
	Name    string            // set: hyperparameter name
	Value   string            // set: value as text ("0.01", "tanh")
	Node    string            // select: node name; export: the heatmap's node; optimize: the parameter shown, or ""; check: the node whose gradient to check
	Action  string            // train: TrainStart or TrainStop
	Rate    int               // train start: training steps a second, 0 (the default) for full speed
	Steps   int               // train start: steps of a new run, 0 (the default) to resume the run or start one of the kind's length
	Index   int               // seek: cursor position, 0..MaxSeekIndex
	What    string            // export: ExportWeights, ExportTrace, ExportGraph or ExportHeatmap
	Tensor  string            // export of a heatmap: TensorValue or TensorGrad
	All     bool              // check: every parameter, instead of Node (gradcheck.go)
	Mask    *MaskEdit         // mask: the edit (mask.go)
}

// Message is a server message. Every server message embeds a Header, which
// gives it this method.
type Message interface {
	Head() *Header
}

// Header is the part every server message shares.
type Header struct {
	Type   string `json:"type"`
	Widget string `json:"widget,omitempty"` // absent on hello and on errors about unparsable frames
	ID     int64  `json:"id,omitempty"`     // the request this answers; absent when unsolicited
}

// Head returns the header.
func (h *Header) Head() *Header { return h }

// Hello is the first message on every connection.
type Hello struct {
	Header
	Version int      `json:"version"`
	Limits  Limits   `json:"limits"`
	Kinds   []string `json:"kinds"` // widget kinds the server can configure
	// Session is the connection's token: 32 hex digits (128 random bits)
	// that name this connection, and only while it is open, in a weights
	// upload (upload.go).
	Session string `json:"session"`
}

// NewHello returns the hello message for the given widget kinds, session
// token and the server's limits.
func NewHello(kinds []string, session string, limits Limits) *Hello {
	return &Hello{Header: Header{Type: TypeHello}, Version: Version, Limits: limits, Kinds: kinds, Session: session}
}

// ErrorMsg answers a refused request. Request and ID echo the request's type
// and id when the frame could be read that far.
type ErrorMsg struct {
	Header
	Request string `json:"request,omitempty"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"` // the option at fault, when there is one
	// Errors lists every fault when a request has several (a configure
	// with several bad options): the first is Code, Message and Field.
	Errors []FieldError `json:"errors,omitempty"`
	// Limit is the value of the admission limit that refused the request
	// (server_full, too_many_connections, too_many_trainers, over_budget).
	Limit int64 `json:"limit,omitempty"`
}

// FieldError is one fault of a request that has several.
type FieldError struct {
	Field   string `json:"field,omitempty"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// NewError returns the error message that answers req (which may be partly
// filled, or nil for an unreadable frame).
func NewError(req *Request, err *Error) *ErrorMsg {
	m := &ErrorMsg{Header: Header{Type: TypeError}, Code: err.Code, Message: err.Message, Field: err.Field, Limit: err.Limit}
	if len(err.More) > 0 {
		for _, e := range append([]*Error{err}, err.More...) {
			m.Errors = append(m.Errors, FieldError{Field: e.Field, Code: e.Code, Message: e.Message})
		}
	}
	if req != nil {
		m.Widget, m.ID, m.Request = req.Widget, req.ID, req.Type
	}
	return m
}

// Graph describes a widget's computational graph and its layout, computed
// on the server: package viz's layout as it is (width, height, nodes in
// topological order, edges, scopes), in SVG user units, y growing
// downward.
type Graph struct {
	Header
	Kind string `json:"kind"` // the widget kind
	viz.Layout
	Steps int `json:"steps"` // steps in a full forward and backward run
	// SVG is the graph drawn on the server: nodes are <g data-testid=
	// "node-<name>" data-node="<id>">, styled by the page's CSS. It has no
	// script and no inline style, so the page may insert it as it is.
	SVG string `json:"svg"`
	// Options are the widget's whole configuration as option text, as its
	// kind's table checked them (without the cursor), so that a page can
	// keep its address in step with what the server built: an option the
	// server dropped, such as input tokens that no longer fit a new
	// length, is absent.
	Options map[string]string `json:"options"`
}

// GraphNode is one box of the graph: a node, or a collapsed scope drawn as
// one box (kind "scope", a negative id, Collapsed set and the ids of the
// nodes it stands for in Members).
type GraphNode = viz.Box

// GraphEdge is a tensor flowing from one box into another.
type GraphEdge = viz.Edge

// Scope is the frame around a group of nodes that share a name prefix.
type Scope = viz.Scope

// Node is the state of the widget's highlighted node after a request: the
// node that just ran, or the node the client selected.
type Node struct {
	Header
	Step     Cursor    `json:"step"`
	Node     *NodeView `json:"node"`     // null when nothing is highlighted (after a reset)
	Forward  []int     `json:"forward"`  // ids of op nodes computed in the current run
	Backward []int     `json:"backward"` // ids of nodes whose gradient is complete
}

// Cursor is the stepper's position on the timeline.
type Cursor struct {
	Index int    `json:"index"` // steps done, 0..Total
	Total int    `json:"total"`
	Phase string `json:"phase"` // the pass the cursor is in: "forward" up to the loss, "backward" from the seed on
	Done  bool   `json:"done"`
	Node  int    `json:"node"` // id of the node of the last step, -1 at the start
	// Seed is set when the last step was the seed of the backward pass,
	// which runs no op but sets dL/dL = 1 (its node is the loss).
	Seed   bool        `json:"seed,omitempty"`
	Writes []GradWrite `json:"writes,omitempty"`
}

// GradWrite is one gradient that a backward step added to. Count of Users
// tells how many of the node's users have now contributed (the += of a
// fan-out).
type GradWrite struct {
	Node  int `json:"node"`
	Count int `json:"count"`
	Users int `json:"users"`
}

// NodeView is one node with its tensors.
type NodeView struct {
	ID        int      `json:"id"`
	Name      string   `json:"name"`
	Op        string   `json:"op"`
	Formula   string   `json:"formula"`     // TeX
	MathML    string   `json:"formulaHtml"` // the formula as MathML, rendered on the server; empty if none
	Kind      string   `json:"kind"`
	Shape     []int    `json:"shape"`
	Users     int      `json:"users"`     // nodes that read this one: its gradient sums this many parts
	Computed  bool     `json:"computed"`  // its value belongs to the current run
	GradKnown bool     `json:"gradKnown"` // its gradient is complete
	Value     *Heatmap `json:"value"`
	Grad      *Heatmap `json:"grad"` // null when the node takes no gradient
}

// Heatmap is a 2-D view of a tensor: rank 0 and 1 become one row, higher
// ranks show their last two axes for the first index of the leading ones.
// JSON has no infinity, so masked (-inf) cells hold 0 in Data and true in
// Masked.
type Heatmap struct {
	Rows   int     `json:"rows"`
	Cols   int     `json:"cols"`
	Data   Numbers `json:"data"` // row-major, Rows*Cols values, rounded on the wire (numbers.go)
	Masked []bool  `json:"masked,omitempty"`
	Min    float64 `json:"min"` // over the finite cells
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	Norm   float64 `json:"norm"`
	// RowAxis and ColAxis say what the rows and columns are, as the engine
	// uses the tensor: "position", "query", "key", "feature", "class",
	// "example", "unit", ...; empty when nothing is known. RowLabels and
	// ColLabels name each row and column when they have names (tokens,
	// classes): the labels of the tensor's axes in the stepped example.
	RowAxis   string   `json:"rowAxis,omitempty"`
	ColAxis   string   `json:"colAxis,omitempty"`
	RowLabels []string `json:"rowLabels,omitempty"`
	ColLabels []string `json:"colLabels,omitempty"`
	Caption   string   `json:"caption,omitempty"` // which slice of a larger tensor this is
}

// Attention holds the attention maps of a transformer widget.
type Attention struct {
	Header
	Tokens    []string         `json:"tokens"`              // the query sequence
	SrcTokens []string         `json:"srcTokens,omitempty"` // the key sequence of cross-attention
	Layers    []AttentionLayer `json:"layers"`
}

// AttentionLayer is one attention block: self- or cross-attention of a layer.
type AttentionLayer struct {
	Name   string `json:"name"` // scope, e.g. "layers.0.attn" or "dec.layers.0.cross_attn"
	Layer  int    `json:"layer"`
	Kind   string `json:"kind"`   // "self", "masked-self" or "cross"
	Cross  bool   `json:"cross"`  // keys come from the encoder (SrcTokens)
	Causal bool   `json:"causal"` // the model's own mask hides future keys
	// Preset, Length and Edited are the mask in use (mask.go): "causal",
	// "padding" (keys from Length on blocked), "none" or "custom", and
	// whether the learner edited it.
	Preset string `json:"preset"`
	Length int    `json:"length,omitempty"`
	Edited bool   `json:"edited"`
	// Queries and Keys are the tokens along the rows and the columns of
	// the layer's maps and mask, one a position.
	Queries []string        `json:"queries"`
	Keys    []string        `json:"keys"`
	Heads   []AttentionHead `json:"heads"`
}

// AttentionHead is one head: raw scores QK^T/sqrt(d), the mask, and the
// probabilities after the softmax. Keys are columns, queries rows. Scores
// and Probs are null until the head has computed them in the current run.
type AttentionHead struct {
	Head   int      `json:"head"`
	Scores *Heatmap `json:"scores"`
	Mask   [][]bool `json:"mask,omitempty"` // true where the key is hidden from the query
	Probs  *Heatmap `json:"probs"`
}

// Metrics carries named numbers, for example loss and accuracy, at a step
// of training.
type Metrics struct {
	Header
	Step    int                `json:"step"`    // training steps done so far
	RunEnd  int                `json:"runEnd"`  // the step at which the current (or last) run of training stops
	Running bool               `json:"running"` // whether training goes on after this message
	Values  map[string]float64 `json:"values"`  // e.g. "loss", "accuracy"; finite numbers only
}

// Plot is a chart rendered on the server. An empty SVG says that the
// chart has nothing to show (a rebuilt model has not trained): the page
// clears it.
type Plot struct {
	Header
	Name string `json:"name"` // e.g. "loss"
	SVG  string `json:"svg"`
}
