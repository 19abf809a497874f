package distill

import (
	"fmt"
	"math"
)

// Bounds of the temperature. Below MinT the softmax is nearly one-hot and
// the soft labels carry little beyond the hard ones; above MaxT they are
// nearly uniform and carry little at all.
const (
	MinT = 0.5
	MaxT = 20
)

// Config holds the two knobs of distillation.
type Config struct {
	Alpha float64 // weight of the soft (KL) term, in [0, 1]; 1 - Alpha weighs the hard (CE) term
	T     float64 // softmax temperature, in [MinT, MaxT]
}

// Validate returns an error unless Alpha is in [0, 1] and T in [MinT, MaxT].
func (c Config) Validate() error {
	if !(c.Alpha >= 0 && c.Alpha <= 1) {
		return fmt.Errorf("distillation alpha %v outside [0, 1]", c.Alpha)
	}
	if !(c.T >= MinT && c.T <= MaxT) || math.IsNaN(c.T) {
		return fmt.Errorf("distillation temperature %v outside [%v, %v]", c.T, MinT, MaxT)
	}
	return nil
}
