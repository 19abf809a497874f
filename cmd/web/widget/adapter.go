package widget

import (
	"time"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/exhibit"
)

// adapter is the one widget: it answers the protocol's requests with an
// exhibit of one kind, and sends the exhibit's views as messages.
type adapter struct {
	env       Env
	kind      exhibit.Kind
	trainLoop // its lock guards the fields below against the training loop

	ex   exhibit.Exhibit
	cost int64 // the estimate of ex's memory that env reserved
	// lastView and lastCharts are when training last sent the stepped
	// view and the charts; charted names the charts last sent.
	lastView, lastCharts time.Time
	charted              map[string]bool
	// model counts the changes of the model, its data or its options, and
	// viewed is the state the kind's views were last sent for (views.go).
	model  int
	viewed *viewKey
	check  *checkRun // the gradient check that runs, or nil (gradcheck.go)
}

// Adapt returns the factory of kind's widgets. It reserves the model's
// memory, as estimated from the options, before it builds it.
func Adapt(kind exhibit.Kind) Factory {
	return func(env Env, opts map[string]string) (Widget, *protocol.Error) {
		v, e := kind.Options.Configure(opts)
		if e != nil {
			return nil, refusal(e)
		}
		cost := kind.Cost(v)
		if perr := env.reserve(cost); perr != nil {
			return nil, perr
		}
		ex, e := kind.New(v)
		if e != nil {
			return nil, refusal(e)
		}
		return &adapter{env: env, kind: kind, ex: ex, cost: cost}, nil
	}
}

// Start sends every view: graph, node, the kind's views, metrics, charts.
func (a *adapter) Start(id int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sendAll(id)
}

// Handle answers step, back, run, reset, select, seek, set, train and
// optimize, check (gradcheck.go).
// Exports go through Exporter (export.go), since the session hands out a
// link for them.
func (a *adapter) Handle(req *protocol.Request) *protocol.Error {
	switch req.Type {
	case protocol.TypeTrain:
		return a.handleTrain(req)
	case protocol.TypeSet:
		return a.handleSet(req)
	case protocol.TypeOptimize:
		return a.handleOptimize(req) // optimize.go
	case protocol.TypeCheck:
		return a.handleCheck(req)
	case protocol.TypeMask:
		return a.handleMask(req)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if e := a.busy(req); e != nil {
		return e
	}
	if a.training() {
		a.model++ // the lab steps while it trains: its weights move on
	}
	switch req.Type {
	case protocol.TypeStep, protocol.TypeBack, protocol.TypeRun, protocol.TypeReset, protocol.TypeSelect, protocol.TypeSeek:
		if e := a.move(req); e != nil {
			return refusal(e)
		}
		a.sendStep(req.ID)
		if req.Type == protocol.TypeRun {
			a.env.Emit(req.ID, a.metrics(false)) // the loss of the stepped run, once it is computed
		}
		return nil
	}
	return protocol.Errorf(protocol.CodeUnsupported, "the %s widget does not answer %q", a.kind.Name(), req.Type)
}

// move moves the cursor as a stepping request asks.
func (a *adapter) move(req *protocol.Request) *exhibit.Error {
	s := a.ex.Stepping()
	switch req.Type {
	case protocol.TypeStep:
		if req.Dir == protocol.DirBackward {
			s.NextBackward(req.Count)
		} else {
			s.Next(req.Count)
		}
	case protocol.TypeBack:
		s.Undo(req.Count)
	case protocol.TypeRun:
		if req.To == protocol.RunToForward {
			s.RunForward()
		} else {
			s.RunToEnd()
		}
	case protocol.TypeReset:
		s.Reset()
	case protocol.TypeSelect:
		return s.Select(req.Node)
	case protocol.TypeSeek:
		return s.Seek(req.Index)
	}
	return nil
}

// busy refuses req while the exhibit trains, unless the kind steps while
// it trains (the lab) or req only selects a node; and while a gradient
// check runs (checkBusy). The caller holds mu.
func (a *adapter) busy(req *protocol.Request) *protocol.Error {
	if e := a.checkBusy(req); e != nil {
		return e
	}
	if !a.training() || req.Type == protocol.TypeSelect || a.trainer.stepsWhileTraining {
		return nil
	}
	return protocol.Errorf(protocol.CodeBusy, "the model is training; stop it first")
}

// handleSet changes one option through the kind's table and does what the
// change needs. A change that rebuilds the model ends its training first.
// A refused value leaves everything as it was.
func (a *adapter) handleSet(req *protocol.Request) *protocol.Error {
	a.mu.Lock()
	if e := a.busy(req); e != nil {
		a.mu.Unlock()
		return e
	}
	next, effect, e := a.kind.Options.Set(a.ex.Values(), req.Name, req.Value)
	if e != nil {
		a.mu.Unlock()
		return refusal(e)
	}
	// Reserve the larger of the two models while the change is made, then
	// what the kept one needs: a refusal leaves the old model as it was.
	cost := a.kind.Cost(next)
	if cost > a.cost {
		if perr := a.env.reserve(cost); perr != nil {
			a.mu.Unlock()
			perr.Field = req.Name
			return perr
		}
	}
	if (effect == exhibit.Rebuild || effect == exhibit.Retrain || effect == exhibit.Requantize) && a.training() {
		// The training loop belongs to the old model, or trains the
		// weights about to be quantized: end it first. Requests come one
		// at a time, so only the loop runs meanwhile.
		a.mu.Unlock()
		a.stopTraining()
		a.mu.Lock()
		if effect == exhibit.Requantize {
			a.ex.(exhibit.Trainer).StopTraining() // paused, as a stop request pauses it
		}
	}
	defer a.mu.Unlock()
	a.model++
	if e := a.ex.Apply(next, effect); e != nil {
		a.env.reserve(a.cost) // shrinks, or stays: cannot be refused
		if e.Field == "" && e.Code == exhibit.OutOfRange {
			e.Field = req.Name // sizes that do not fit together once it changed
		}
		return refusal(e)
	}
	if cost != a.cost {
		a.env.reserve(cost) // shrinks, or stays
		a.cost = cost
	}
	switch effect {
	case exhibit.Rebuild, exhibit.Retrain, exhibit.Requantize:
		a.sendAll(req.ID)
	case exhibit.Relayout:
		a.sendGraph(req.ID)
	default:
		a.sendStep(req.ID)
	}
	return nil
}

// LoadWeights implements WeightLoader for the kinds whose weights load
// (exhibit.Weighted); the others answer unsupported. It sends the cursor,
// the views and the metrics of the loaded model.
func (a *adapter) LoadWeights(tensors map[string]*engine.Tensor) *protocol.Error {
	a.mu.Lock()
	defer a.mu.Unlock()
	w, ok := a.ex.(exhibit.Weighted)
	if !ok {
		return protocol.Errorf(protocol.CodeUnsupported, "the %s widget cannot load weights", a.kind.Name())
	}
	if a.training() {
		return protocol.Errorf(protocol.CodeBusy, "the model is training; stop it first, then load the weights")
	}
	if a.check != nil {
		return protocol.Errorf(protocol.CodeBusy, "a gradient check of this widget runs: wait for its answer, then load the weights")
	}
	a.model++
	if e := w.LoadWeights(tensors); e != nil {
		return refusal(e)
	}
	a.sendStep(0)
	a.env.Emit(0, a.metrics(false))
	return nil
}

// sendAll sends every view of the exhibit.
func (a *adapter) sendAll(id int64) {
	a.viewed = nil
	a.sendGraph(id)
	a.sendStep(id)
	a.env.Emit(id, a.metrics(a.training()))
	a.sendCharts(id)
}

// sendStep sends the cursor with the highlighted node, and the kind's
// views that go with it when they may have changed since they were last
// sent.
func (a *adapter) sendStep(id int64) {
	m := a.nodeMessage()
	a.env.Emit(id, m)
	if fv, ok := a.ex.(exhibit.ForwardViewer); ok {
		st := a.ex.Stepping().Stepper()
		key := viewKey{model: a.model, highlight: -1}
		if hv, ok := a.ex.(exhibit.HighlightViewer); ok && hv.ViewsFollowHighlight() {
			if h := a.ex.Stepping().Highlight(); h != nil {
				key.highlight = h.ID
			}
		}
		for _, n := range fv.ViewedNodes() {
			if st.ForwardDone(n) {
				key.forward++
			}
		}
		if a.viewed != nil && *a.viewed == key {
			return
		}
		a.viewed = &key
	}
	for _, v := range a.ex.Views() {
		a.env.Emit(id, viewMessage(v))
	}
}

// viewKey is what the views of an exhibit.ForwardViewer (attention maps)
// depend on: which of its viewed nodes the current run has computed
// (since a run computes them in order, their count says which); and the
// model that computed them. The backward pass changes none of them, nor does selecting a
// node, unless a view follows the highlighted node (exhibit.HighlightViewer:
// the lab's quantized model compares it): then highlight is its id, else -1.
// Other kinds' views (a cnn's maps of the selected node, with its
// gradients) go with every step.
type viewKey struct{ forward, model, highlight int }

// sendCharts sends the charts that have something to show, and an empty
// plot for each chart sent before that has nothing to show now (a rebuilt
// model has no training run yet), so that the page clears it.
func (a *adapter) sendCharts(id int64) {
	charts, err := a.ex.Charts()
	if err != nil {
		a.env.Log.Error("chart", "kind", a.kind.Name(), "err", err)
	}
	shown := map[string]bool{}
	for _, c := range charts {
		shown[c.Name] = true
		a.env.Emit(id, &protocol.Plot{Header: protocol.Header{Type: protocol.TypePlot}, Name: c.Name, SVG: string(c.SVG)})
	}
	for name := range a.charted {
		if !shown[name] {
			a.env.Emit(id, &protocol.Plot{Header: protocol.Header{Type: protocol.TypePlot}, Name: name})
		}
	}
	a.charted = shown
}

// refusal converts an exhibit's error, with the others found with it, to
// the protocol's.
func refusal(e *exhibit.Error) *protocol.Error {
	if e == nil {
		return nil
	}
	p := &protocol.Error{Code: codes[e.Code], Message: e.Message, Field: e.Field}
	for _, m := range e.More {
		p.More = append(p.More, refusal(m))
	}
	return p
}

// codes maps the exhibits' error codes to the protocol's.
var codes = map[exhibit.Code]protocol.Code{
	exhibit.BadValue:      protocol.CodeBadField,
	exhibit.OutOfRange:    protocol.CodeOutOfRange,
	exhibit.UnknownOption: protocol.CodeUnknownParam,
	exhibit.UnknownNode:   protocol.CodeUnknownNode,
	exhibit.BadWeights:    protocol.CodeBadWeights,
	exhibit.Busy:          protocol.CodeBusy,
	exhibit.Unsupported:   protocol.CodeUnsupported,
	exhibit.Internal:      protocol.CodeInternal,
	exhibit.NoGradient:    protocol.CodeNoGradient,
	exhibit.BlockedRow:    protocol.CodeBlockedRow,
}
