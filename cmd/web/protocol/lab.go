package protocol

import "slices"

// Message types the lab adds (docs/protocol.md, section "Lab").
const (
	// TypeSeek moves a widget's cursor to a position of its timeline:
	// index, 0..total (the timeline scrubber).
	TypeSeek = "seek"
	// TypeExport is both a client request for a download (what, and for a
	// heatmap node and tensor) and the server's answer carrying the file
	// (filename, mime, encoding, data).
	TypeExport = "export"
)

// What an export request asks for.
const (
	ExportWeights = "weights" // the model's parameters, a .safetensors file
	ExportTrace   = "trace"   // every node's value and gradient in the current pass, as JSON
	ExportGraph   = "graph"   // the graph as drawn, an SVG file
	ExportHeatmap = "heatmap" // one node's value or gradient, an SVG file
)

// Exports lists the export kinds in documentation order.
var Exports = []string{ExportWeights, ExportTrace, ExportGraph, ExportHeatmap}

// The tensor of a node that a heatmap export draws.
const (
	TensorValue = "value"
	TensorGrad  = "grad"
)

// ExportPath is where the files of exports are fetched: GET
// ExportPath+<the export message's token>. The socket only hands out the
// link: a file of several MiB would hold the connection's queue, and the
// server's memory, while a slow page reads it.
const ExportPath = "/export/"

// Limits of the export links.
const (
	// MaxPendingExports is how many links of one connection wait to be
	// fetched; a newer export drops the oldest link.
	MaxPendingExports = 4
	// ExportLinkSeconds is how long a link may wait to be fetched. It is
	// fetched once: a link works for one download.
	ExportLinkSeconds = 60
	// MaxDownloadsPerIP is how many export files one client address
	// downloads at once; one more is refused with 429.
	MaxDownloadsPerIP = 2
)

// MaxSeekIndex bounds the index of a seek request in the decoder. A widget
// refuses an index past the end of its own timeline (out_of_range).
const MaxSeekIndex = 1 << 20

// seek reads the required "index" of a seek request.
func (f fields) seek(req *Request) *Error {
	idx, ok, e := f.integer("index", 0, MaxSeekIndex)
	if e != nil {
		return e
	}
	if !ok {
		return Errorf(CodeMissingField, `missing field "index"`)
	}
	req.Index = int(idx)
	return nil
}

// export reads what an export request asks for. Node and tensor are read
// for a heatmap only (tensor defaults to "value"); other kinds ignore them.
func (f fields) export(req *Request) *Error {
	var e *Error
	if req.What, e = f.required("what"); e != nil {
		return e
	}
	if !slices.Contains(Exports, req.What) {
		return Errorf(CodeBadField, `what %q must be "weights", "trace", "graph" or "heatmap"`, req.What)
	}
	if req.What != ExportHeatmap {
		return nil
	}
	if req.Node, e = f.required("node"); e != nil {
		return e
	}
	tensor, ok, e := f.str("tensor", MaxStringBytes)
	switch {
	case e != nil:
		return e
	case !ok:
		tensor = TensorValue
	case tensor != TensorValue && tensor != TensorGrad:
		return Errorf(CodeBadField, `tensor %q must be "value" or "grad"`, tensor)
	}
	req.Tensor = tensor
	return nil
}

// Export answers an export request with a link to one file for the page
// to offer as a download. The file is made when the link is fetched, from
// the widget as it is then.
type Export struct {
	Header
	Filename string `json:"filename"` // e.g. "lab-weights.safetensors"
	MIME     string `json:"mime"`     // e.g. "application/octet-stream", "image/svg+xml"
	URL      string `json:"url"`      // ExportPath and a token of 32 hex digits, for one GET within ExportLinkSeconds
}

// LabMetrics is the lab's metrics message. The embedded Metrics keeps the
// generic form (step, running, values); the lab adds its numbers as
// members of their own, and sample predictions.
type LabMetrics struct {
	Metrics
	// Loss and Accuracy are the means over the training batches of the
	// last chunk (the teacher-forced cross-entropy and token accuracy, from
	// the forward pass before each update). Before the first training step
	// they are those of the held-out samples.
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
	// StepsPerSec is the training speed over the last chunks; 0 when not
	// training.
	StepsPerSec float64  `json:"stepsPerSec"`
	Training    bool     `json:"training"` // the same as Running
	Samples     []Sample `json:"samples"`
}

// Sample is one held-out example decoded greedily by the model, as text
// (symbols as letters a, b, c, ...).
type Sample struct {
	Input     string `json:"input"`
	Target    string `json:"target"`
	Predicted string `json:"predicted"`
	Correct   bool   `json:"correct"` // the whole prediction equals the target
}
