package widget

import (
	"math"

	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// quantErrorMessage converts the quant exhibit's error view. JSON has no
// infinity: an exact node's SQNR is null with exact set, and a node whose
// float value is all zeros (SQNR −∞) has a null SQNR in band 0.
func quantErrorMessage(v *exhibit.QuantErrorView) *protocol.QuantError {
	m := &protocol.QuantError{
		Header: protocol.Header{Type: protocol.TypeQuantError}, Unit: v.Unit, Over: v.Over,
		Edges: append([]float64{}, v.Edges...), Nodes: make([]protocol.QuantNodeStat, len(v.Nodes)),
	}
	for i, n := range v.Nodes {
		m.Nodes[i] = quantStat(n)
	}
	if c := v.Node; c != nil {
		m.Node = &protocol.QuantCompare{
			QuantNodeStat: quantStat(c.QuantNodeError),
			Float:         heatmap(c.Float), Quantized: heatmap(c.Quantized), Error: heatmap(c.Error),
		}
	}
	if c := v.Calibration; c != nil {
		m.Calibration = &protocol.QuantCalibration{Points: c.Points, Examples: append([]int{}, c.Examples...), Inputs: c.Inputs, Observers: []protocol.QuantObserver{}}
		for _, o := range c.Observers {
			m.Calibration.Observers = append(m.Calibration.Observers, protocol.QuantObserver{
				Node: o.Node, Activation: o.Activation, Observer: o.Observer, Lo: o.Lo, Hi: o.Hi, Scale: o.Scale, Zero: o.Zero,
			})
		}
	}
	return m
}

// quantStat converts one node's error.
func quantStat(n exhibit.QuantNodeError) protocol.QuantNodeStat {
	s := protocol.QuantNodeStat{ID: n.ID, Name: n.Name, Of: n.Of, Exact: n.Exact(), Band: n.Band, MSE: n.MSE, MaxAbs: n.MaxAbs}
	if !math.IsInf(n.SQNR, 0) && !math.IsNaN(n.SQNR) {
		db := n.SQNR
		s.SQNR = &db
	}
	return s
}
