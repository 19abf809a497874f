package exhibit

import (
	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/mlp"
	"stepgraph/engine/optim"
)

// spiralRecipe is how the quant and distill widgets train the MLP they
// start from (the float model, the teacher) when they are configured: on
// spiral points, with Adam at a learning rate that drops for the last
// quarter of the steps.
type spiralRecipe struct {
	config mlp.Config
	points int     // training points, and as many held-out points
	noise  float64 // jitter of the points
	batch  int     // examples per training step
	steps  int     // Adam steps
	lr     float64 // learning rate for the first three quarters of them
	lrLate float64 // and for the last quarter
	// stream picks the batches: those of the first three quarters come
	// from the stream of seed+stream, the others from seed+stream+1.
	stream uint32
}

// train draws the points and the weights of seed and trains the model on
// the training points. It returns the model and both sets of points.
func (r spiralRecipe) train(seed uint32) (m *mlp.Model, train, test *data.Set, err error) {
	if train, test, err = data.PointSplit("spiral", r.points, r.points, r.noise, seed); err != nil {
		return nil, nil, nil, err
	}
	if m, err = mlp.New(r.config, seed); err != nil {
		return nil, nil, nil, err
	}
	g, err := m.Build(r.batch)
	if err != nil {
		return nil, nil, nil, err
	}
	opt := optim.NewAdam(r.lr)
	late := r.steps * 3 / 4
	data.Train(g, train, opt, late, engine.NewMulberry32(seed+r.stream))
	opt.LR = r.lrLate
	data.Train(g, train, opt, r.steps-late, engine.NewMulberry32(seed+r.stream+1))
	return m, train, test, nil
}
