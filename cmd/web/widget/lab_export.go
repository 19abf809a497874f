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
	"stepgraph/engine/transformer"
	"stepgraph/viz"
)

// export answers an export request with the file it asks for.
func (w *labWidget) export(req *protocol.Request) (*protocol.Export, *protocol.Error) {
	m := &protocol.Export{Header: protocol.Header{Type: protocol.TypeExport}, Encoding: protocol.EncodingText}
	switch req.What {
	case protocol.ExportWeights:
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, w.lm.model.Params, w.lm.model.Order, w.weightsMeta()); err != nil {
			return nil, protocol.Errorf(protocol.CodeInternal, "export weights: %v", err)
		}
		m.Filename, m.MIME, m.Encoding = w.filename("weights", "safetensors"), "application/octet-stream", protocol.EncodingBase64
		m.Data = base64.StdEncoding.EncodeToString(buf.Bytes())
	case protocol.ExportTrace:
		data, err := json.Marshal(w.trace())
		if err != nil {
			return nil, protocol.Errorf(protocol.CodeInternal, "export trace: %v", err)
		}
		m.Filename, m.MIME, m.Data = w.filename("trace", "json"), "application/json", string(data)
	case protocol.ExportGraph:
		m.Filename, m.MIME, m.Data = w.filename("graph", "svg"), "image/svg+xml", string(viz.GraphSVG(w.layout))
	case protocol.ExportHeatmap:
		svg, e := w.heatmapSVG(req.Node, req.Tensor)
		if e != nil {
			return nil, e
		}
		m.Filename, m.MIME, m.Data = fmt.Sprintf("%s.%s.svg", req.Node, req.Tensor), "image/svg+xml", string(svg)
	default:
		return nil, protocol.Errorf(protocol.CodeBadField, "cannot export %q", req.What)
	}
	return m, nil
}

// filename names an export after the model, e.g.
// "lab-decoder-d16-h2-l1-seed1-weights.safetensors".
func (w *labWidget) filename(what, ext string) string {
	o := w.opts
	return fmt.Sprintf("lab-%s-d%d-h%d-l%d-seed%d-%s.%s", o.Arch, o.D, o.Heads, o.Layers, o.Seed, what, ext)
}

// weightsMeta is the metadata of a weights file: the lab's options, so a
// file says which model it holds, and the training steps done.
func (w *labWidget) weightsMeta() map[string]string {
	meta := w.opts.text()
	meta["trained_steps"] = strconv.Itoa(w.run.done)
	return meta
}

// heatmapSVG draws the value or gradient of one node. Attention maps are
// labelled with their tokens.
func (w *labWidget) heatmapSVG(name, tensor string) ([]byte, *protocol.Error) {
	n := w.lm.g.Node(name)
	if n == nil {
		return nil, protocol.Errorf(protocol.CodeUnknownNode, "no node %q in this graph", name)
	}
	t := n.Value
	if tensor == protocol.TensorGrad {
		if n.Grad == nil {
			return nil, protocol.Errorf(protocol.CodeBadField, "node %q takes no gradient", name)
		}
		t = n.Grad
	}
	var opt viz.HeatmapOptions
	input, src := w.lm.tokens()
	for _, ref := range transformer.AttentionNodes(w.lm.g) {
		if name == ref.Scores || name == ref.Masked || name == ref.Probs {
			opt.RowLabels, opt.ColLabels = input, input
			if ref.Kind == "cross" {
				opt.ColLabels = src
			}
		}
	}
	return viz.HeatmapSVG(viz.Heatmap(t, opt), viz.Scale{}), nil
}

// labTrace is the JSON of a trace export: every node of the stepped graph
// with its value and gradient at the cursor.
type labTrace struct {
	Format    string            `json:"format"` // "stepgraph-trace-1"
	Options   map[string]string `json:"options"`
	Cursor    protocol.Cursor   `json:"cursor"`
	Tokens    []string          `json:"tokens"`
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
func (w *labWidget) trace() *labTrace {
	s := w.step
	input, src := w.lm.tokens()
	cur := s.message().Step
	tr := &labTrace{Format: "stepgraph-trace-1", Options: w.opts.text(), Cursor: cur, Tokens: input, SrcTokens: src,
		Nodes: make([]traceNode, 0, len(s.g.Nodes))}
	for _, n := range s.g.Nodes {
		tn := traceNode{
			ID: n.ID, Name: n.Name, Op: n.Info().Name, Kind: n.Kind.String(), Shape: nonNil(n.Shape), Inputs: []int{},
			Computed: s.st.ForwardDone(n), GradKnown: s.st.GradKnown(n),
		}
		for _, in := range n.Inputs {
			tn.Inputs = append(tn.Inputs, in.ID)
		}
		if tn.Computed {
			tn.Value = traceNumbers(n.Value.Data)
		}
		if n.Grad != nil && (tn.GradKnown || s.st.Contributions(n) > 0) {
			tn.Grad = traceNumbers(n.Grad.Data)
		}
		tr.Nodes = append(tr.Nodes, tn)
	}
	return tr
}
