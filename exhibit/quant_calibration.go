package exhibit

import (
	"stepgraph/engine"
	"stepgraph/engine/quant"
)

// QuantCalibration is what static quantization calibrated on: which
// training points (or, in the lab, sequences) its observers saw, and for each observed activation the
// range its observer found and the grid (scale and zero point) that range
// fixed for the integer matmuls reading it.
type QuantCalibration struct {
	Points    int                // how many training points: the calibration option
	Examples  []int              // their indices in the training set: 0 to Points-1
	Inputs    []string           // the lab's: the calibration sequences as text; nil for the quant kind
	Observers []QuantObserverRow // one per observed activation, in graph order
}

// QuantObserverRow is one observer of the calibration graph.
type QuantObserverRow struct {
	Node       string  // the observer's node, "<activation>.obs"
	Activation string  // the activation it watches
	Observer   string  // its kind: "minmax" or "percentile"
	Lo, Hi     float64 // the range it found
	Scale      float64 // the activation grid's scale, from that range
	Zero       int     // its zero point (0 for a symmetric grid)
}

// calibrationOf reads the observers of calibration graph cal, and the
// grids of the integer graph q that they fixed.
func calibrationOf(cal, q *engine.Graph, points int) *QuantCalibration {
	c := &QuantCalibration{Points: points, Examples: make([]int, points)}
	for i := range c.Examples {
		c.Examples[i] = i
	}
	grids := map[string]*quant.Params{} // by activation name
	for _, n := range q.Nodes {
		if op, ok := n.Op.(*quant.QMatMul); ok && op.ActParams != nil {
			grids[n.Inputs[0].Name] = op.ActParams
		}
	}
	for _, n := range cal.Nodes {
		op, ok := n.Op.(*quant.Observe)
		if !ok {
			continue
		}
		lo, hi, _ := op.Observer.Range()
		row := QuantObserverRow{Node: n.Name, Activation: n.Inputs[0].Name, Observer: op.Observer.Name(), Lo: lo, Hi: hi}
		if p := grids[row.Activation]; p != nil {
			row.Scale = float64(p.Scale[0])
			if len(p.Zero) > 0 {
				row.Zero = int(p.Zero[0])
			}
		}
		c.Observers = append(c.Observers, row)
	}
	return c
}
