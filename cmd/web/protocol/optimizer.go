package protocol

// The optimizer's step, seen (docs/protocol.md, "optimize" and
// "optimizer"): one optimizer step at a time on the stepped example, and
// what it did to one parameter.
const (
	// TypeOptimize asks a widget for one step of its optimizer with the
	// gradient of its stepped example: node, optional, names the
	// parameter to show.
	TypeOptimize = "optimize"
	// TypeOptimizer answers it: W before, the gradient, ΔW and W after of
	// the parameter, and the optimizer's state.
	TypeOptimizer = "optimizer"
)

// optimize reads the optional node of an optimize request; "" leaves the
// choice to the widget.
func (f fields) optimize(req *Request) *Error {
	node, _, e := f.str("node", MaxStringBytes)
	req.Node = node
	return e
}

// Optimizer is what one optimizer step did to one parameter. Every map is
// a heatmap of the parameter's shape, with its axes.
type Optimizer struct {
	Header
	Node      string  `json:"node"`      // the parameter shown
	Optimizer string  `json:"optimizer"` // "adam" or "sgd"
	LR        float64 `json:"lr"`
	T         int     `json:"t"` // the optimizer's steps so far, this one and training's included
	// RanBackward says the cursor was not at the end of the timeline: the
	// rest of the run, the backward pass included, ran before the step.
	RanBackward bool    `json:"ranBackward"`
	LossBefore  float64 `json:"lossBefore"` // the stepped example's loss at the old weights
	LossAfter   float64 `json:"lossAfter"`  // and at the new ones

	Before *Heatmap `json:"before"` // W
	Grad   *Heatmap `json:"grad"`   // ∂L/∂W, the gradient the step used
	Delta  *Heatmap `json:"delta"`  // ΔW = after - before
	After  *Heatmap `json:"after"`  // W after the step

	// Adam only: the constants, the moments after the step, their
	// bias-corrected values and each entry's step size lr·m̂/(√v̂+ε).
	Beta1    float64  `json:"beta1,omitempty"`
	Beta2    float64  `json:"beta2,omitempty"`
	Eps      float64  `json:"eps,omitempty"`
	M        *Heatmap `json:"m,omitempty"`
	V        *Heatmap `json:"v,omitempty"`
	MHat     *Heatmap `json:"mHat,omitempty"`
	VHat     *Heatmap `json:"vHat,omitempty"`
	StepSize *Heatmap `json:"stepSize,omitempty"`
	// SGD only: the momentum and the velocity after the step.
	Momentum *float64 `json:"momentum,omitempty"`
	Velocity *Heatmap `json:"velocity,omitempty"`
}
