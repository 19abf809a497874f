package widget

import (
	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/distill"
)

// Bounds of the distill widget's options.
const (
	distillMaxWidth  = 32   // units in each of the student's two hidden layers
	distillMinPoints = 8    // labelled points the students learn from
	distillMaxPoints = 300  // ... at most as many as the teacher had
	distillMinSteps  = 25   // training steps of each student: one chunk
	distillMaxSteps  = 2000 // ... and the budget's ceiling
)

// distillOptionNames lists the options of the distill widget.
var distillOptionNames = []string{"alpha", "T", "width", "points", "steps", "seed"}

// distillOptions configure a distill widget.
type distillOptions struct {
	Alpha  float64 // "alpha": weight of the teacher's soft term, in [0, 1]
	T      float64 // "T": softmax temperature, in [distill.MinT, distill.MaxT]
	Width  int     // "width": the student's hidden width (two layers)
	Points int     // "points": labelled points the students train on
	Steps  int     // "steps": full-batch training steps of each student
	Seed   uint32  // "seed": teacher, data and the students' shared start
}

func defaultDistillOptions() distillOptions {
	return distillOptions{Alpha: 0.7, T: 3, Width: 16, Points: 32, Steps: 600, Seed: 1}
}

// set applies one option. It reports whether the teacher must be trained
// again (a new seed).
func (o *distillOptions) set(name, value string) (retrain bool, e *protocol.Error) {
	switch name {
	case "alpha":
		o.Alpha, e = closedFloatOption(name, value, 0, 1)
	case "T":
		o.T, e = closedFloatOption(name, value, distill.MinT, distill.MaxT)
	case "width":
		o.Width, e = intOption(name, value, 1, distillMaxWidth)
	case "points":
		o.Points, e = intOption(name, value, distillMinPoints, distillMaxPoints)
	case "steps":
		o.Steps, e = intOption(name, value, distillMinSteps, distillMaxSteps)
	case "seed":
		o.Seed, e = seedOption(value)
		retrain = true
	default:
		return false, unknownOption("distill", name, distillOptionNames)
	}
	return retrain, atField(e, name)
}

// distillWidget distils a trained teacher MLP into a smaller student. It
// trains two students from the same start on the same few labelled points,
// one on the labels alone and one with the teacher's softened outputs as
// well, and reports both held-out losses as they train. The stepped graph
// is the combined distillation graph: the frozen teacher.* nodes, the
// student.* nodes, and distill.kl, distill.ce and distill.loss.
type distillWidget struct {
	env       Env
	trainLoop // its lock guards the fields below against the training loop

	opts    distillOptions
	teacher *distillTeacher // trained for opts.Seed
	lab     *distillLab     // the two students and their record
	step    *stepping       // the distillation graph of the taught student
}

// NewDistill is the factory of the "distill" widget kind. It trains the
// teacher, unless one of the same seed is cached (see seedCache); the
// session calls it on the shared pool.
func NewDistill(env Env, opts map[string]string) (Widget, *protocol.Error) {
	o := defaultDistillOptions()
	if e := applyOptions(&o, opts); e != nil {
		return nil, e
	}
	w := &distillWidget{env: env, opts: o}
	if e := w.build(true); e != nil {
		return nil, e
	}
	return w, nil
}

// build fetches the teacher of the seed (when retrain is set) and makes
// fresh students and the stepped graph from the options.
func (w *distillWidget) build(retrain bool) *protocol.Error {
	t, e := cachedModel(distillTeachers, w.teacher, retrain, w.opts.Seed, "teacher")
	if e != nil {
		return e
	}
	lab, err := newDistillLab(t, w.opts)
	if err != nil {
		return protocol.Errorf(protocol.CodeInternal, "%v", err)
	}
	w.teacher, w.lab = t, lab
	w.step = newStepping(lab.stepped)
	return nil
}

// Start sends the graph, the cursor and the untrained held-out losses.
func (w *distillWidget) Start(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sendAll(id)
}

// sendAll sends the graph, the cursor and the held-out losses.
func (w *distillWidget) sendAll(id int64) {
	emitGraph(w.env, id, "distill", w.step)
	w.env.Emit(id, w.lab.metrics(false))
}

// Handle answers step, back, run, reset, select, set and train.
func (w *distillWidget) Handle(req *protocol.Request) *protocol.Error {
	if req.Type == protocol.TypeTrain {
		return w.handleTrain(req)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.training() && req.Type != protocol.TypeSelect {
		return protocol.Errorf(protocol.CodeBusy, "the students are training; stop them first")
	}
	switch {
	case handles(req):
		return stepAndEmit(w.env, w.step, req)
	case req.Type == protocol.TypeSet:
		if e := setAndRebuild(&w.opts, req, w.build); e != nil {
			return e
		}
		w.sendAll(req.ID)
		return nil
	}
	return protocol.Errorf(protocol.CodeUnsupported, "the distill widget does not answer %q", req.Type)
}

// handleTrain starts the two students' training (from the start again if
// they have used their budget) or stops it.
func (w *distillWidget) handleTrain(req *protocol.Request) *protocol.Error {
	return w.answerTrain(w.env, req, w.trainChunk, func() *protocol.Error {
		if w.lab.done >= w.opts.Steps {
			if e := w.build(false); e != nil {
				return e
			}
			w.env.Emit(req.ID, w.step.message())
		}
		return nil
	}, func() {
		// The student changed under the stepped graph: back to the start.
		w.step.restart()
		w.env.Emit(req.ID, w.lab.metrics(false))
		w.env.Emit(req.ID, w.step.message())
	})
}

// trainChunk trains both students for one chunk and reports their
// held-out losses; it returns true when the budget is spent.
func (w *distillWidget) trainChunk() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lab.chunk(w.opts.Steps)
	finished := w.lab.done >= w.opts.Steps
	w.env.Emit(0, w.lab.metrics(!finished))
	if finished || (w.lab.done/distillChunk)%distillPlotEvery == 0 {
		w.plot()
	}
	if finished {
		w.step.restart()
		w.env.Emit(0, w.step.message())
	}
	return finished
}

// plot sends the held-out loss curves.
func (w *distillWidget) plot() {
	svg, err := w.lab.chart()
	if err != nil {
		w.env.Log.Error("distillation chart", "err", err)
		return
	}
	w.env.Emit(0, &protocol.Plot{Header: protocol.Header{Type: protocol.TypePlot}, Name: "loss", SVG: string(svg)})
}
