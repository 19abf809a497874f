package exhibit

import (
	"time"

	"stepgraph/engine"
	"stepgraph/viz"
)

// Exhibit is one live exhibit: a model, the graph the learner steps and
// the views that go with it. The widget adapter calls it one method at a
// time.
type Exhibit interface {
	// Values returns the options it runs with (Seek options excluded).
	Values() Values
	// Stepping returns the cursor over the stepped graph.
	Stepping() *Stepping
	// Drawing returns the drawing of the stepped graph, shared with every
	// exhibit whose graph has the same structure.
	Drawing() *Drawing
	// Apply makes a change of options that the kind's table checked: next
	// holds every option, effect says what the change needs. On error
	// nothing changes.
	Apply(next Values, effect Effect) *Error
	// Views returns what the kind shows beside the graph for the current
	// cursor: an *AttentionView, a *MapsView, or nothing.
	Views() []View
	// Metrics returns the numbers the exhibit reports; running says
	// whether training goes on.
	Metrics(running bool) Metrics
	// Charts returns the charts that have something to show, drawn as SVG.
	// A chart that cannot be drawn is left out and reported in err.
	Charts() (charts []Chart, err error)
}

// Trainer is an exhibit that trains on request, chunk after chunk, in the
// background. Between chunks the adapter answers the learner's requests.
type Trainer interface {
	// StartTraining readies a run of steps training steps, or, for 0, the
	// rest of a paused run (a run of the kind's default length when none
	// is left). It reports whether the stepped view changed (fresh
	// students once their budget was spent), or refuses.
	StartTraining(steps int) (viewChanged bool, e *Error)
	// TrainChunk runs at most max training steps, and stops once d has
	// passed (after at least one step) or the run is finished.
	TrainChunk(max int, d time.Duration) Progress
	// StopTraining pauses the run: the stepped run is replayed at the
	// same cursor with the trained weights, and a later start resumes it.
	StopTraining()
	// StepsWhileTraining reports whether the learner may step while it
	// trains (the lab), instead of being told it is busy.
	StepsWhileTraining() bool
}

// Progress is what one chunk of training did.
type Progress struct {
	Steps    int  // training steps it ran
	Finished bool // the run has used its steps
}

// Weighted is an exhibit whose weights can be saved and loaded as files.
type Weighted interface {
	// Weights returns the parameters, their order in a file, and the
	// file's metadata.
	Weights() (params map[string]*engine.Tensor, order []string, meta map[string]string)
	// LoadWeights replaces the parameters with tensors, which must hold
	// exactly the model's names and shapes; else it changes nothing and
	// returns a BadWeights error that names the first tensor at fault.
	LoadWeights(tensors map[string]*engine.Tensor) *Error
}

// Sequenced is an exhibit that steps a sequence of tokens.
type Sequenced interface {
	// Tokens returns the stepped sequence, one string per position: the
	// model's input (the decoder's, for an encoder-decoder) and the
	// encoder's source (nil without one).
	Tokens() (input, src []string)
}

// ForwardViewer is an exhibit whose Views show the forward values of a
// few nodes of the current run and nothing else (the attention maps):
// they change only when one of those nodes is computed or undone, or when
// the model, its data or its options change; not on other steps, nor on a
// backward step, nor when a node is selected. A server may then send them
// only when they change.
type ForwardViewer interface {
	// ViewedNodes returns the nodes whose values the views show.
	ViewedNodes() []*engine.Node
}

// HighlightViewer is a ForwardViewer whose views, now and then, also
// show the highlighted node (the lab's quantized model compares it with
// the float one): while ViewsFollowHighlight says so, they change when
// the highlight does.
type HighlightViewer interface {
	ViewsFollowHighlight() bool
}

// Axed is an exhibit that names the axes of its tensors as the engine
// uses them: positions of a sequence, queries and keys, classes, units.
// The heatmaps of its nodes, and their exports, carry these axes.
type Axed interface {
	// Axes returns the rows and columns of the 2-D view of node n's value
	// (its last two axes; a vector is one row), for the stepped example.
	Axes(n *engine.Node) (rows, cols Axis)
}

// Axis is one axis of a heatmap: what its entries are, and a label for
// each entry when they have names (tokens, classes); Labels is nil when
// the entries are only numbered.
type Axis struct {
	Name   string // "position", "query", "key", "feature", "class", ...
	Labels []string
}

// Named is an exhibit that names its export files after its model.
type Named interface {
	// Filename returns the name of an export, "lab-decoder-...-weights.safetensors".
	Filename(what, ext string) string
}

// View is one of the views an exhibit shows beside its graph.
type View interface{ view() }

// Map is a 2-D view of a tensor to draw as a heatmap: the last two axes of
// Tensor at the leading indices Index (missing ones are 0), with its rows
// and columns named.
type Map struct {
	Tensor     *engine.Tensor
	Index      []int
	Rows, Cols Axis
}

// Heatmap returns the map's view in package viz.
func (m Map) Heatmap() viz.HeatmapData {
	return viz.Heatmap(m.Tensor, viz.HeatmapOptions{Index: m.Index, RowLabels: m.Rows.Labels, ColLabels: m.Cols.Labels})
}

// MapOf returns the map of node n's value (or, with grad, its gradient)
// for exhibit ex: with its axes, when ex names them.
func MapOf(ex Exhibit, n *engine.Node, grad bool) Map {
	m := Map{Tensor: n.Value}
	if grad {
		m.Tensor = n.Grad
	}
	if a, ok := ex.(Axed); ok {
		m.Rows, m.Cols = a.Axes(n)
	}
	return m
}

// Metrics are the named numbers an exhibit reports: loss, accuracy, the
// quantization report, the students' losses.
type Metrics struct {
	Step    int                // training steps done
	RunEnd  int                // the step at which the current (or last) run of training ends
	Running bool               // training goes on after these
	Values  map[string]float64 // finite numbers only
	Samples []Sample           // held-out predictions (the lab); nil for the other kinds
}

// Sample is one held-out example decoded by the model, as text.
type Sample struct {
	Input, Target, Predicted string
	Correct                  bool // the whole prediction equals the target
}

// Chart is a chart drawn on the server.
type Chart struct {
	Name string // "loss", "regions", "error"
	SVG  []byte
}
