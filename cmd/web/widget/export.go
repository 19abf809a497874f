package widget

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/safetensors"
	"stepgraph/exhibit"
	"stepgraph/viz"
)

// export answers an export request with the file it asks for: the
// weights (kinds whose weights load), the trace of the current pass, the
// graph as drawn, or one node's value or gradient.
func (a *adapter) export(req *protocol.Request) (*protocol.Export, *protocol.Error) {
	m := &protocol.Export{Header: protocol.Header{Type: protocol.TypeExport}, Encoding: protocol.EncodingText}
	switch req.What {
	case protocol.ExportWeights:
		w, ok := a.ex.(exhibit.Weighted)
		if !ok {
			return nil, protocol.Errorf(protocol.CodeUnsupported, "the %s widget has no weights to export", a.kind.Name())
		}
		params, order, meta := w.Weights()
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, params, order, meta); err != nil {
			return nil, protocol.Errorf(protocol.CodeInternal, "export weights: %v", err)
		}
		m.Filename, m.MIME, m.Encoding = a.filename("weights", "safetensors"), "application/octet-stream", protocol.EncodingBase64
		m.Data = base64.StdEncoding.EncodeToString(buf.Bytes())
	case protocol.ExportTrace:
		data, err := json.Marshal(a.trace())
		if err != nil {
			return nil, protocol.Errorf(protocol.CodeInternal, "export trace: %v", err)
		}
		m.Filename, m.MIME, m.Data = a.filename("trace", "json"), "application/json", string(data)
	case protocol.ExportGraph:
		m.Filename, m.MIME, m.Data = a.filename("graph", "svg"), "image/svg+xml", string(a.ex.Drawing().SVG)
	case protocol.ExportHeatmap:
		svg, e := a.heatmapSVG(req.Node, req.Tensor)
		if e != nil {
			return nil, e
		}
		m.Filename, m.MIME, m.Data = fmt.Sprintf("%s.%s.svg", req.Node, req.Tensor), "image/svg+xml", string(svg)
	default:
		return nil, protocol.Errorf(protocol.CodeBadField, "cannot export %q", req.What)
	}
	return m, nil
}

// filename names an export after the exhibit's model when it names its
// files (the lab), else after its kind: "mlp-trace.json".
func (a *adapter) filename(what, ext string) string {
	if n, ok := a.ex.(exhibit.Named); ok {
		return n.Filename(what, ext)
	}
	return fmt.Sprintf("%s-%s.%s", a.kind.Name(), what, ext)
}

// heatmapSVG draws the value or gradient of one node, its axes labelled
// as the exhibit names them (tokens, queries and keys, classes).
func (a *adapter) heatmapSVG(name, tensor string) ([]byte, *protocol.Error) {
	n := a.ex.Stepping().Graph().Node(name)
	if n == nil {
		return nil, protocol.Errorf(protocol.CodeUnknownNode, "no node %q in this graph", name)
	}
	grad := tensor == protocol.TensorGrad
	if grad && n.Grad == nil {
		return nil, protocol.Errorf(protocol.CodeBadField, "node %q takes no gradient", name)
	}
	return viz.HeatmapSVG(exhibit.MapOf(a.ex, n, grad).Heatmap(), viz.Scale{}), nil
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
