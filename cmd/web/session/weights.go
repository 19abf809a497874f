package session

import (
	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/cmd/web/widget"
	"stepgraph/engine"
)

// LoadWeights hands tensors, read from an uploaded file, to widget id of
// the connection whose hello carried token. It waits its turn with the
// connection's own requests, so the widget answers one at a time, and runs
// on the shared pool. The widget checks the names and shapes and sends its
// new views over the socket. Errors: unknown_session (no open connection
// has the token, or it closed meanwhile), unknown_widget, unsupported (the
// widget takes no weights), internal (the widget panicked and was
// dropped), or the widget's own refusal.
func (m *Manager) LoadWeights(token, id string, tensors map[string]*engine.Tensor) *protocol.Error {
	s := m.lookup(token)
	if s == nil {
		return protocol.Errorf(protocol.CodeUnknownSession, "no open connection has this session token; reload the page")
	}
	return s.loadWeights(id, tensors)
}

// loadWeights is LoadWeights on this session.
func (s *session) loadWeights(id string, tensors map[string]*engine.Tensor) *protocol.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.widgets[id]
	if e == nil {
		return protocol.Errorf(protocol.CodeUnknownWidget, "no widget %q on this connection", id)
	}
	loader, ok := e.w.(widget.WeightLoader)
	if !ok {
		return protocol.Errorf(protocol.CodeUnsupported, "widget %q is a %s widget, which cannot load weights", id, e.kind)
	}
	var perr *protocol.Error
	ran, failed := s.onPool(pool.Heavy, func() { perr = loader.LoadWeights(tensors) })
	if failed {
		s.drop(id)
		return protocol.Errorf(protocol.CodeInternal, "widget %q failed and was removed; configure it again", id)
	}
	if !ran {
		return protocol.Errorf(protocol.CodeUnknownSession, "the connection closed before the weights could load")
	}
	return perr
}
