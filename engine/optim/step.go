package optim

import "stepgraph/engine"

// TrainStep runs one step of training on whatever batch the graph's input
// nodes hold: forward, backward, then one optimizer update of every
// parameter that has a gradient. It returns the loss before the update.
func TrainStep(g *engine.Graph, opt Optimizer) float64 {
	loss := g.Forward()
	g.Backward()
	opt.Step(g.Params())
	return loss
}
