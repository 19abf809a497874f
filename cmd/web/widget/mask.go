package widget

import (
	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// handleMask answers a mask request: the exhibit edits the attention's
// mask and recomputes the run at the cursor; the answer is the graph when
// the first edit of an attention added its mask nodes, then the node and
// the attention maps, as after a step. Refused with busy while the widget
// trains, the lab too (which steps meanwhile): an edit is a probe of one
// still model, and the maps of a training model would move under it.
func (a *adapter) handleMask(req *protocol.Request) *protocol.Error {
	a.mu.Lock()
	defer a.mu.Unlock()
	me, ok := a.ex.(exhibit.MaskEditor)
	if !ok {
		return protocol.Errorf(protocol.CodeUnsupported, "the %s widget has no attention mask to edit", a.kind.Name())
	}
	if e := a.checkBusy(req); e != nil {
		return e // a gradient check runs on these weights and this graph
	}
	if a.training() {
		return protocol.Errorf(protocol.CodeBusy, "the model is training; stop it first, then edit the mask")
	}
	m := req.Mask
	relaid, e := me.EditMask(exhibit.MaskEdit{Attention: m.Attention, Preset: m.Preset, Length: m.Length, Row: m.Row, Col: m.Col, Allowed: m.Allowed})
	if e != nil {
		return refusal(e)
	}
	a.model++ // the maps changed under the cursor
	if relaid {
		a.sendGraph(req.ID)
	}
	a.sendStep(req.ID)
	return nil
}
