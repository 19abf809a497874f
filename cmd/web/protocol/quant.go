package protocol

// TypeQuantError is the message type the quant widget adds
// (docs/protocol.md, "quantError"): every node's quantization error, which
// colours the graph, and the highlighted node's float against quantized
// values.
const TypeQuantError = "quantError"

// QuantError is the quantization error of the stepped graph's nodes, sent
// with every node message of a quant widget.
type QuantError struct {
	Header
	Unit  string          `json:"unit"`  // "dB"
	Over  string          `json:"over"`  // what the errors are measured on: "every held-out point" (quant), "the stepped example" (lab)
	Edges []float64       `json:"edges"` // the bands' edges, ascending: band i is [edges[i-1], edges[i])
	Nodes []QuantNodeStat `json:"nodes"` // the nodes that have an error, in graph order
	Node  *QuantCompare   `json:"node"`  // the highlighted node's values; null when it has no error
	// Calibration is the static pass's calibration set and observers; null
	// for the other passes.
	Calibration *QuantCalibration `json:"calibration"`
}

// QuantCalibration is which training points static quantization's
// observers saw, and the grid each observer's range fixed.
type QuantCalibration struct {
	Points    int             `json:"points"`           // how many: the calibration option
	Examples  []int           `json:"examples"`         // their indices in the training set
	Inputs    []string        `json:"inputs,omitempty"` // the lab's calibration sequences, as text
	Observers []QuantObserver `json:"observers"`        // one per observed activation, in graph order
}

// QuantObserver is one observer's range and the grid it fixed.
type QuantObserver struct {
	Node       string  `json:"node"`       // the observer's node, "<activation>.obs"
	Activation string  `json:"activation"` // the activation it watches
	Observer   string  `json:"observer"`   // "minmax" or "percentile"
	Lo         float64 `json:"lo"`         // the range it found
	Hi         float64 `json:"hi"`
	Scale      float64 `json:"scale"` // the activation grid's scale
	Zero       int     `json:"zero"`  // its zero point (0 for a symmetric grid)
}

// QuantNodeStat is one node's error against the float model, on every
// held-out point.
type QuantNodeStat struct {
	ID     int      `json:"id"`     // the graph message's node id
	Name   string   `json:"name"`   // its name
	Of     string   `json:"of"`     // the name the error is measured under (a weight's, for its .q or .fq node)
	SQNR   *float64 `json:"sqnr"`   // 10·log10(Σx² / Σ(x−x̂)²) in dB; null when infinite
	Exact  bool     `json:"exact"`  // no error at all (SQNR +∞)
	Band   int      `json:"band"`   // edges at or below SQNR: 0 is the most error
	MSE    float64  `json:"mse"`    // mean of (x−x̂)²
	MaxAbs float64  `json:"maxAbs"` // max |x−x̂|
}

// QuantCompare is the highlighted node's float and quantized values and
// their difference, float − quantized.
type QuantCompare struct {
	QuantNodeStat
	Float     *Heatmap `json:"float"`
	Quantized *Heatmap `json:"quantized"`
	Error     *Heatmap `json:"error"`
}
