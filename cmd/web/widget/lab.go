package widget

import (
	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/optim"
	"stepgraph/viz"
)

// labWidget is the lab: a whole transformer on one screen. It steps a
// one-sequence graph node by node, shows its attention maps, rebuilds the
// model when a hyperparameter changes, trains a batched graph that shares
// the weights in the background, and exports weights, traces and drawings.
type labWidget struct {
	env       Env
	trainLoop // its lock guards the fields below against the training loop

	opts   labOptions
	lm     *labModel
	step   *stepping
	layout viz.Layout // the graph as last drawn, for the graph export
	opt    optim.Optimizer
	run    *labRun
}

// NewLab is the factory of the "lab" widget kind. Options are described in
// docs/protocol.md; all are optional and default to the default model.
func NewLab(env Env, opts map[string]string) (Widget, *protocol.Error) {
	o := defaultLabOptions()
	var step string
	for _, name := range configureOrder(opts) {
		switch {
		case isPresentational(name):
		case name == "step":
			step = opts[name]
		default:
			if _, e := o.set(name, opts[name]); e != nil {
				return nil, e
			}
		}
	}
	blame := "heads"
	if _, ok := opts["heads"]; !ok {
		blame = "d"
	}
	if e := o.check(blame); e != nil {
		return nil, e
	}
	w := &labWidget{env: env, opts: o}
	if e := w.build(); e != nil {
		return nil, e
	}
	if step != "" {
		idx, e := w.stepOption(step)
		if e != nil {
			return nil, e
		}
		w.step.seek(idx)
	}
	return w, nil
}

// build makes the model of w.opts, with fresh weights, optimizer and
// training history, and a cursor at the start.
func (w *labWidget) build() *protocol.Error {
	lm, err := newLabModel(w.opts)
	if err != nil {
		// The options were checked, so this is a bound of the engine the
		// lab's own bounds failed to keep.
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	opt, err := optim.New(w.opts.Opt, w.opts.LR)
	if err != nil {
		return atField(protocol.Errorf(protocol.CodeOutOfRange, "%v", err), "lr")
	}
	w.lm, w.opt = lm, opt
	w.step = newStepping(lm.g)
	w.run = newLabRun(w.opts.Seed)
	w.relayout()
	return nil
}

// relayout lays the graph out with the collapsed scopes.
func (w *labWidget) relayout() {
	w.layout = viz.LayoutGraph(w.lm.g, viz.Options{Collapsed: w.opts.Collapsed})
}

// stepOption parses the "step" option: a cursor index on the timeline.
func (w *labWidget) stepOption(s string) (int, *protocol.Error) {
	idx, e := intOption("step", s, 0, w.step.st.Total())
	return idx, atField(e, "step")
}

// Start sends the graph, the cursor, the attention maps and the (empty)
// training metrics.
func (w *labWidget) Start(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sendAll(id)
}

// sendAll sends every view of the model: graph, node, attention, metrics.
func (w *labWidget) sendAll(id int64) {
	w.sendGraph(id)
	w.sendStep(id)
	w.env.Emit(id, w.metrics(false))
}

// sendGraph sends the graph as laid out, with the options it was built
// with.
func (w *labWidget) sendGraph(id int64) {
	g := layoutMessage("lab", w.lm.g, w.step.st.Total(), w.layout)
	w.env.Emit(id, &protocol.LabGraph{Graph: *g, Options: w.opts.text()})
}

// sendStep sends the cursor with the highlighted node, and the attention
// maps.
func (w *labWidget) sendStep(id int64) {
	w.env.Emit(id, w.step.message())
	w.env.Emit(id, w.attention())
}

// attention returns every layer's and head's maps for the stepped sequence.
func (w *labWidget) attention() *protocol.Attention {
	input, src := w.lm.tokens()
	return attentionMaps(w.step, input, src)
}

// Handle answers step, back, run, reset, select, seek, set, train and
// export. Stepping goes on while the model trains.
func (w *labWidget) Handle(req *protocol.Request) *protocol.Error {
	switch req.Type {
	case protocol.TypeTrain:
		return w.handleTrain(req)
	case protocol.TypeSet:
		return w.handleSet(req)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case handles(req):
		return answerStep(w.env, w.step, req, w.attention)
	case req.Type == protocol.TypeSeek:
		if total := w.step.st.Total(); req.Index > total {
			return protocol.Errorf(protocol.CodeOutOfRange, "seek index %d past the end of the timeline (%d steps)", req.Index, total)
		}
		w.step.seek(req.Index)
		w.sendStep(req.ID)
		return nil
	case req.Type == protocol.TypeExport:
		m, e := w.export(req)
		if e != nil {
			return e
		}
		w.env.Emit(req.ID, m)
		return nil
	}
	return protocol.Errorf(protocol.CodeUnsupported, "the lab does not answer %q", req.Type)
}

// handleSet changes one option. A change of the model's shape stops
// training and rebuilds; the others keep the model. An invalid value or
// combination leaves everything as it was.
func (w *labWidget) handleSet(req *protocol.Request) *protocol.Error {
	w.mu.Lock()
	if req.Name == "step" {
		defer w.mu.Unlock()
		idx, e := w.stepOption(req.Value)
		if e != nil {
			return e
		}
		w.step.seek(idx)
		w.sendStep(req.ID)
		return nil
	}
	o := w.opts
	effect, e := o.set(req.Name, req.Value)
	if e == nil {
		e = o.check(req.Name)
	}
	if e != nil {
		w.mu.Unlock()
		return e
	}
	if effect != effectRebuild {
		defer w.mu.Unlock()
		return w.apply(req.ID, o, effect)
	}
	// The training loop belongs to the old model: end it first. Requests
	// come one at a time, so only the loop could run meanwhile.
	w.mu.Unlock()
	w.stopTraining()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.rebuild(req.ID, o)
}

// apply makes a change that keeps the model.
func (w *labWidget) apply(id int64, o labOptions, effect labEffect) *protocol.Error {
	switch effect {
	case effectOptimizer:
		opt, err := optim.New(o.Opt, o.LR)
		if err != nil {
			return atField(protocol.Errorf(protocol.CodeOutOfRange, "%v", err), "lr")
		}
		w.opts, w.opt = o, opt
		w.env.Emit(id, w.step.message())
	case effectTokens:
		x := o.Tokens
		if x == nil {
			x = w.lm.layout.Inputs(labStream(o.Seed, streamExample), 1)[0]
		}
		if err := w.lm.setInput(x); err != nil {
			return atField(protocol.Errorf(protocol.CodeOutOfRange, "%v", err), "tokens")
		}
		w.opts = o
		w.step.replay()
		w.sendStep(id)
	case effectLayout:
		w.opts = o
		w.relayout()
		w.sendGraph(id)
	}
	return nil
}

// rebuild builds the model of o and sends every view. The cursor keeps its
// place in the timeline (see carryCursor), so the attention maps of a run
// that had them show again at once.
func (w *labWidget) rebuild(id int64, o labOptions) *protocol.Error {
	old, pos, total := w.opts, w.step.st.Pos(), w.step.st.Total()
	w.opts = o
	if e := w.build(); e != nil {
		w.opts = old // build changes nothing else when it fails
		return e
	}
	w.step.seek(carryCursor(pos, total, w.step.st.Total()))
	w.sendAll(id)
	return nil
}
