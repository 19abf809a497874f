package widget

import (
	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/optim"
)

// LoadWeights copies tensors (an uploaded weights file) into the lab's
// model, which the stepped, training and sampling graphs share. The names
// and shapes must match the model's parameters exactly. A model that is
// training refuses with busy: the learner stops it first, so that no chunk
// of the old run trains the loaded weights.
//
// The loaded weights start afresh, as a rebuild would: a new optimizer
// (Adam's moments belong to the old weights), no training steps and no
// chart, the training batches from the seed's stream again. The stepped
// run is replayed up to the cursor, and node, attention and metrics (the
// loaded model's held-out loss and samples) are sent. The graph is the
// same, so it is not sent again, and the page keeps its view of it.
func (w *labWidget) LoadWeights(tensors map[string]*engine.Tensor) *protocol.Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.training() {
		return protocol.Errorf(protocol.CodeBusy, "the model is training; stop it first, then load the weights")
	}
	opt, err := optim.New(w.opts.Opt, w.opts.LR)
	if err != nil {
		// The options were checked when they were set.
		return protocol.Errorf(protocol.CodeInternal, "new optimizer: %v", err)
	}
	if err := w.lm.model.SetParams(tensors); err != nil {
		o := w.opts
		return protocol.Errorf(protocol.CodeBadWeights, "the file does not fit this model (%s, d %d, %d layers, dff %d, n %d, k %d: %d parameters): %v",
			o.Arch, o.D, o.Layers, o.DFF, o.N, o.K, w.lm.model.NumParams(), err)
	}
	w.opt = opt
	w.run = newLabRun(w.opts.Seed)
	w.step.replay()
	w.sendStep(0)
	w.env.Emit(0, w.metrics(false))
	return nil
}
