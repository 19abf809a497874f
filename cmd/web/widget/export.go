package widget

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/safetensors"
	"stepgraph/exhibit"
	"stepgraph/viz"
)

// File is the file of an export.
type File struct {
	Name, MIME string
	Data       []byte
}

// Exporter is a widget whose files a page may download (every kind's
// adapter). The session hands out a link at the request (ExportName) and
// makes the file when the link is fetched (Export), so that a large file
// never waits in the socket's queue.
type Exporter interface {
	// ExportName checks an export request and names its file, without
	// making it.
	ExportName(req *protocol.Request) (name, mime string, perr *protocol.Error)
	// Export makes the file an export request asks for, from the widget
	// as it is now.
	Export(req *protocol.Request) (*File, *protocol.Error)
}

// ExportName implements Exporter.
func (a *adapter) ExportName(req *protocol.Request) (string, string, *protocol.Error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f, e := a.export(req, false)
	if e != nil {
		return "", "", e
	}
	return f.Name, f.MIME, nil
}

// Export implements Exporter.
func (a *adapter) Export(req *protocol.Request) (*File, *protocol.Error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.export(req, true)
}

// export answers an export request with the file it asks for (its data
// only when build is set): the weights (kinds whose weights load), the
// trace of the current pass, the graph as drawn, or one node's value or
// gradient. The caller holds mu.
func (a *adapter) export(req *protocol.Request, build bool) (*File, *protocol.Error) {
	f := &File{}
	switch req.What {
	case protocol.ExportWeights:
		w, ok := a.ex.(exhibit.Weighted)
		if !ok {
			return nil, protocol.Errorf(protocol.CodeUnsupported, "the %s widget has no weights to export", a.kind.Name())
		}
		f.Name, f.MIME = a.filename("weights", "safetensors"), "application/octet-stream"
		if build {
			params, order, meta := w.Weights()
			var buf bytes.Buffer
			if err := safetensors.Write(&buf, params, order, meta); err != nil {
				return nil, protocol.Errorf(protocol.CodeInternal, "export weights: %v", err)
			}
			f.Data = buf.Bytes()
		}
	case protocol.ExportTrace:
		f.Name, f.MIME = a.filename("trace", "json"), "application/json"
		if build {
			data, err := json.Marshal(a.trace())
			if err != nil {
				return nil, protocol.Errorf(protocol.CodeInternal, "export trace: %v", err)
			}
			f.Data = data
		}
	case protocol.ExportGraph:
		f.Name, f.MIME = a.filename("graph", "svg"), "image/svg+xml"
		f.Data = a.ex.Drawing().SVG // shared, never written to
	case protocol.ExportHeatmap:
		n, grad, e := a.heatmapNode(req.Node, req.Tensor)
		if e != nil {
			return nil, e
		}
		f.Name, f.MIME = fmt.Sprintf("%s.%s.svg", req.Node, req.Tensor), "image/svg+xml"
		if build {
			f.Data = viz.HeatmapSVG(exhibit.MapOf(a.ex, n, grad).Heatmap(), viz.Scale{})
		}
	default:
		return nil, protocol.Errorf(protocol.CodeBadField, "cannot export %q", req.What)
	}
	return f, nil
}

// filename names an export after the exhibit's model when it names its
// files (the lab), else after its kind: "mlp-trace.json".
func (a *adapter) filename(what, ext string) string {
	if n, ok := a.ex.(exhibit.Named); ok {
		return n.Filename(what, ext)
	}
	return fmt.Sprintf("%s-%s.%s", a.kind.Name(), what, ext)
}

// heatmapNode returns the node of a heatmap export and whether it draws
// its gradient, or refuses an unknown node or the gradient of a node that
// takes none.
func (a *adapter) heatmapNode(name, tensor string) (*engine.Node, bool, *protocol.Error) {
	n := a.ex.Stepping().Graph().Node(name)
	if n == nil {
		return nil, false, protocol.Errorf(protocol.CodeUnknownNode, "no node %q in this graph", name)
	}
	grad := tensor == protocol.TensorGrad
	if grad && n.Grad == nil {
		return nil, false, protocol.Errorf(protocol.CodeBadField, "node %q takes no gradient", name)
	}
	return n, grad, nil
}

// trace is the JSON of a trace export: every node of the stepped graph
// with its value and gradient at the cursor.
type trace struct {
	Format    string            `json:"format"` // "stepgraph-trace-1"
	Options   map[string]string `json:"options"`
	Cursor    protocol.Cursor   `json:"cursor"`
	Tokens    []string          `json:"tokens,omitempty"`
	SrcTokens []string          `json:"srcTokens,omitempty"`
	Nodes     []traceNode       `json:"nodes"` // in topological order
}

// traceNode is one node of a trace. Value is null for an op the current
// pass has not computed yet; Grad is null for a node that takes no
// gradient or that the backward pass has not reached.
type traceNode struct {
	ID        int          `json:"id"`
	Name      string       `json:"name"`
	Op        string       `json:"op"`
	Kind      string       `json:"kind"`
	Shape     []int        `json:"shape"`
	Inputs    []int        `json:"inputs"`
	Computed  bool         `json:"computed"`
	GradKnown bool         `json:"gradKnown"` // every user has added its part
	Value     traceNumbers `json:"value"`
	Grad      traceNumbers `json:"grad"`
}

// traceNumbers is a tensor's data, row-major. JSON has no infinity or NaN:
// those are written as the strings "-inf", "inf" and "nan" (a causal mask
// writes -inf), every other number in full float64 precision.
type traceNumbers []float64

// MarshalJSON writes the numbers, or null for a nil slice.
func (v traceNumbers) MarshalJSON() ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 2+len(v)*12)
	b = append(b, '[')
	for i, x := range v {
		if i > 0 {
			b = append(b, ',')
		}
		switch {
		case math.IsInf(x, -1):
			b = append(b, `"-inf"`...)
		case math.IsInf(x, 1):
			b = append(b, `"inf"`...)
		case math.IsNaN(x):
			b = append(b, `"nan"`...)
		default:
			b = strconv.AppendFloat(b, x, 'g', -1, 64)
		}
	}
	return append(b, ']'), nil
}

// trace returns the current pass of the stepped graph.
func (a *adapter) trace() *trace {
	s := a.ex.Stepping()
	st, g := s.Stepper(), s.Graph()
	tr := &trace{Format: "stepgraph-trace-1", Options: a.kind.Options.Text(a.ex.Values()), Cursor: cursor(s), Nodes: make([]traceNode, 0, len(g.Nodes))}
	if sq, ok := a.ex.(exhibit.Sequenced); ok {
		tr.Tokens, tr.SrcTokens = sq.Tokens()
	}
	for _, n := range g.Nodes {
		tn := traceNode{
			ID: n.ID, Name: n.Name, Op: n.Info().Name, Kind: n.Kind.String(), Shape: shapeOf(n.Shape), Inputs: []int{},
			Computed: st.ForwardDone(n), GradKnown: st.GradKnown(n),
		}
		for _, in := range n.Inputs {
			tn.Inputs = append(tn.Inputs, in.ID)
		}
		if tn.Computed {
			tn.Value = traceNumbers(n.Value.Data)
		}
		if n.Grad != nil && (tn.GradKnown || st.Contributions(n) > 0) {
			tn.Grad = traceNumbers(n.Grad.Data)
		}
		tr.Nodes = append(tr.Nodes, tn)
	}
	return tr
}
