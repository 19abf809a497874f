package widget

import (
	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// handleOptimize takes one step of the exhibit's optimizer on the stepped
// example (exhibit.Optimizing) and answers with the optimizer message,
// then the cursor with the kind's views and the metrics of the new
// weights. It is refused while the exhibit trains, even for a kind that
// steps meanwhile (the lab): training owns the optimizer then.
func (a *adapter) handleOptimize(req *protocol.Request) *protocol.Error {
	a.mu.Lock()
	defer a.mu.Unlock()
	o, ok := a.ex.(exhibit.Optimizing)
	if !ok {
		return protocol.Errorf(protocol.CodeUnsupported, "the %s widget has no optimizer to step: its model is trained when it is configured", a.kind.Name())
	}
	if e := a.checkBusy(req); e != nil {
		return e // a gradient check runs on these weights and this graph
	}
	if a.training() {
		return protocol.Errorf(protocol.CodeBusy, "the model is training, and training takes the optimizer's steps; pause it first, then step the optimizer yourself")
	}
	step, e := o.OptimizerStep(req.Node)
	if e != nil {
		return refusal(e)
	}
	a.model++ // new weights: the views change
	a.env.Emit(req.ID, optimizerMessage(step))
	a.sendStep(req.ID)
	a.env.Emit(req.ID, a.metrics(false))
	return nil
}

// optimizerMessage converts an optimizer step to its message.
func optimizerMessage(s *exhibit.OptimizerStep) *protocol.Optimizer {
	m := &protocol.Optimizer{
		Header: protocol.Header{Type: protocol.TypeOptimizer}, Node: s.Param, Optimizer: s.Optimizer, LR: s.LR, T: s.T,
		RanBackward: s.RanBackward, LossBefore: s.LossBefore, LossAfter: s.LossAfter,
		Before: heatmap(s.Before), Grad: heatmap(s.Grad), Delta: heatmap(s.Delta), After: heatmap(s.After),
	}
	opt := func(mp *exhibit.Map) *protocol.Heatmap {
		if mp == nil {
			return nil
		}
		return heatmap(*mp)
	}
	switch s.Optimizer {
	case "adam":
		m.Beta1, m.Beta2, m.Eps = s.Beta1, s.Beta2, s.Eps
		m.M, m.V, m.MHat, m.VHat, m.StepSize = opt(s.M), opt(s.V), opt(s.MHat), opt(s.VHat), opt(s.StepSize)
	case "sgd":
		mu := s.Momentum
		m.Momentum, m.Velocity = &mu, opt(s.Velocity)
	}
	return m
}
