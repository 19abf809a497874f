package protocol

// TypeNeurons is the message type the mlp widget adds (docs/protocol.md,
// widget kind "mlp"): where each neuron of a hidden layer is active.
const TypeNeurons = "neurons"

// Neurons shows, for the hidden layer of the mlp's highlighted node, one
// map per neuron: its activation layers.<l>.act[:, j] at the centre of
// every cell of a grid over the square [lo, hi]², with the current
// weights. It comes after every request that moves the cursor or changes
// the model; with no hidden layer's node highlighted, layer is -1 and
// units is empty.
type Neurons struct {
	Header
	Layer int     `json:"layer"` // the hidden layer, or -1
	Node  string  `json:"node"`  // its activation node, "layers.<l>.act", or ""
	Lo    float64 `json:"lo"`    // the square's bounds, in both coordinates
	Hi    float64 `json:"hi"`
	Grid  int     `json:"grid"` // cells per side
	// Units are the maps, one a neuron in order: [grid, grid] heatmaps,
	// row 0 at the top of the square (y = hi), column 0 at its left (x = lo).
	Units []*Heatmap `json:"units"`
}
