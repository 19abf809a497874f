package mlp

import (
	"fmt"
	"slices"
)

// Bounds on a model, small enough for a shared server.
const (
	MaxInputs  = 1024    // input width (a 32x32 image, flattened)
	MaxWidth   = 256     // width of a hidden layer
	MaxHidden  = 6       // number of hidden layers
	MaxClasses = 64      // number of classes
	MaxParams  = 1 << 18 // total scalar parameters
	MaxBatch   = 1024    // batch size of one graph
)

// Activations lists the activation names a Config accepts.
var Activations = []string{"relu", "tanh", "sigmoid", "gelu_tanh"}

// Config describes an MLP.
type Config struct {
	Inputs  int    // input width, in [1, MaxInputs]
	Hidden  []int  // widths of the hidden layers, each in [1, MaxWidth]; at most MaxHidden of them, none for a linear classifier
	Classes int    // number of classes (logits per example), in [2, MaxClasses]
	Act     string // hidden activation: "relu", "tanh", "sigmoid" or "gelu_tanh"
	// L2 is the strength λ of the L2 penalty (λ/2) Σ W² on the weight
	// matrices (not the biases), added to the loss; in [0, MaxL2], 0 for
	// none.
	L2 float64
}

// MaxL2 is the largest L2 strength.
const MaxL2 = 1.0

// Widths returns the widths of every layer, input first and classes last.
func (c Config) Widths() []int {
	w := append([]int{c.Inputs}, c.Hidden...)
	return append(w, c.Classes)
}

// NumParams returns the number of scalar parameters: d_l d_{l+1} + d_{l+1}
// for each layer.
func (c Config) NumParams() int {
	w, n := c.Widths(), 0
	for l := 0; l+1 < len(w); l++ {
		n += w[l]*w[l+1] + w[l+1]
	}
	return n
}

// Validate reports the first problem with the configuration, or nil.
func (c Config) Validate() error {
	if c.Inputs < 1 || c.Inputs > MaxInputs {
		return fmt.Errorf("inputs = %d outside [1, %d]", c.Inputs, MaxInputs)
	}
	if len(c.Hidden) > MaxHidden {
		return fmt.Errorf("%d hidden layers, more than %d", len(c.Hidden), MaxHidden)
	}
	for l, w := range c.Hidden {
		if w < 1 || w > MaxWidth {
			return fmt.Errorf("hidden layer %d width %d outside [1, %d]", l, w, MaxWidth)
		}
	}
	if c.Classes < 2 || c.Classes > MaxClasses {
		return fmt.Errorf("classes = %d outside [2, %d]", c.Classes, MaxClasses)
	}
	if !slices.Contains(Activations, c.Act) {
		return fmt.Errorf("unknown activation %q (want one of %v)", c.Act, Activations)
	}
	if !(c.L2 >= 0 && c.L2 <= MaxL2) {
		return fmt.Errorf("l2 = %v outside [0, %v]", c.L2, MaxL2)
	}
	if n := c.NumParams(); n > MaxParams {
		return fmt.Errorf("%d parameters, more than %d", n, MaxParams)
	}
	return nil
}
