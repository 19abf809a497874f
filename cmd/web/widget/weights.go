package widget

import (
	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
)

// WeightLoader is a widget whose model can take weights from a file. The
// session calls LoadWeights for a weights upload, in turn with the
// widget's other requests.
type WeightLoader interface {
	// LoadWeights replaces the model's parameters with tensors, which must
	// hold exactly the model's parameter names, each with its shape;
	// otherwise it changes nothing and returns a bad_weights error that
	// names the first tensor at fault. A kind that takes no weights answers
	// unsupported, a model that trains busy. On success the widget sends
	// its new views as unsolicited messages.
	LoadWeights(tensors map[string]*engine.Tensor) *protocol.Error
}
