package exhibit

import (
	"fmt"
	"strconv"

	"stepgraph/engine"
	"stepgraph/engine/optim"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
)

// Lab is the lab: a whole transformer on one screen. It steps a
// one-sequence graph node by node, shows its attention maps, rebuilds the
// model when a hyperparameter changes, and trains a batched graph that
// shares the weights, which the learner may keep stepping meanwhile.
type Lab struct {
	values Values
	lm     *labModel
	step   *Stepping
	drawn  *Drawing // the graph as drawn, with the folded scopes
	opt    optim.Optimizer
	run    *labRun
	fresh  bool  // the weights are the seed's, untrained
	masks  masks // the learner's masks of the stepped run (mask.go)
	// quant is the quantized model the learner steps (lab_quant.go); nil
	// while the lab runs its float model.
	quant *quantReport
	timed labTimed // the last timing of the quantized model's linear layers
}

// NewLab builds the lab of v, options checked by LabOptions; a "step"
// among them moves the cursor once the model is built.
func NewLab(v Values) (Exhibit, *Error) {
	l := &Lab{}
	step, hasStep := v["step"]
	v = v.Clone()
	delete(v, "step")
	if e := l.build(v); e != nil {
		return nil, e
	}
	if hasStep {
		if e := l.seekOption(step); e != nil {
			return nil, e
		}
	}
	return l, nil
}

// build makes the model of v, with fresh weights, optimizer and training
// history, and a cursor at the start. On error nothing changes.
func (l *Lab) build(v Values) *Error {
	lm, err := newLabModel(v)
	if err != nil {
		// The options were checked, so this is a bound of the engine the
		// lab's own bounds failed to keep.
		return outOfRange(err)
	}
	opt, e := newOptimizer(v.Str("opt"), v.Float("lr"))
	if e != nil {
		return e
	}
	l.values, l.lm, l.opt, l.masks, l.quant, l.timed = v, lm, opt, nil, nil, labTimed{}
	l.step = NewStepping(lm.g)
	l.step.beforeWrite = lm.own
	l.run = newLabRun(v.Seed("seed"))
	l.fresh = true
	if v.Str("quant") != labQuantNone {
		return l.requantize()
	}
	l.relayout()
	return nil
}

// relayout draws the stepped graph with the folded scopes.
func (l *Lab) relayout() {
	var folded []string
	if s := l.values.Str("collapsed"); s != "" {
		folded = splitComma(s)
	}
	l.drawn = drawingOf(l.step.Graph(), folded)
}

// seekOption moves the cursor to the "step" option's index.
func (l *Lab) seekOption(s string) *Error {
	idx, err := strconv.Atoi(s)
	if total := l.step.st.Total(); err != nil || idx < 0 || idx > total {
		return at(Errorf(OutOfRange, "step %s outside [0, %d]", s, total), "step")
	}
	return l.step.Seek(idx)
}

// Values implements Exhibit.
func (l *Lab) Values() Values { return l.values }

// Stepping implements Exhibit.
func (l *Lab) Stepping() *Stepping { return l.step }

// Drawing implements Exhibit.
func (l *Lab) Drawing() *Drawing { return l.drawn }

// Apply implements Exhibit. A rebuild keeps the cursor's place in the
// timeline (see carryCursor), so the attention maps of a run that had
// them show again at once; new tokens replay the run up to the cursor.
func (l *Lab) Apply(v Values, effect Effect) *Error {
	switch effect {
	case Seek:
		return l.seekOption(v.Str("step"))
	case NewOptimizer:
		opt, e := newOptimizer(v.Str("opt"), v.Float("lr"))
		if e != nil {
			return e
		}
		l.values, l.opt = v, opt
	case NewExample:
		if err := l.lm.setTokens(v); err != nil {
			return at(outOfRange(err), "tokens")
		}
		l.values = v
		if l.quant != nil {
			return l.requantize() // the errors are the stepped example's
		}
		l.step.Replay()
	case Requantize:
		old := l.values
		l.values = v
		if e := l.requantize(); e != nil {
			l.values = old
			return e
		}
	case Relayout:
		l.values = v
		l.relayout()
	default:
		old, pos, total := l.values, l.step.st.Pos(), l.step.st.Total()
		if e := l.build(v); e != nil {
			l.values = old
			return e
		}
		return l.step.Seek(carryCursor(pos, total, l.step.st.Total()))
	}
	return nil
}

// Model returns the lab's transformer, which the stepped, training and
// sampling graphs share.
func (l *Lab) Model() *transformer.Model { return l.lm.model }

// Task returns the layout of the sequence task the model learns.
func (l *Lab) Task() task.Layout { return l.lm.layout }

// Input returns the stepped task input, n symbol ids.
func (l *Lab) Input() []int { return l.lm.input }

// Tokens implements Sequenced.
func (l *Lab) Tokens() (input, src []string) { return l.lm.tokens() }

// Axes implements Axed.
func (l *Lab) Axes(n *engine.Node) (rows, cols Axis) {
	input, src := l.lm.tokens()
	return sequenceAxes(l.step.attentionNodes().refs, n, l.lm.layout, input, src)
}

// Views implements Exhibit: every layer's and head's maps for the stepped
// sequence.
// ViewedNodes implements ForwardViewer: the attention maps show each
// head's scores and probabilities.
func (l *Lab) ViewedNodes() []*engine.Node { return l.step.attentionNodes().nodes }

func (l *Lab) Views() []View {
	input, src := l.lm.tokens()
	views := []View{attentionOf(l.step, input, src, l.masks)}
	if l.quant != nil {
		views = append(views, l.quant.errorView(l.step.Graph(), l.step.Highlight(), "the stepped example", l.Axes))
	}
	return views
}

// ViewsFollowHighlight implements HighlightViewer: the quantized model's
// view compares the highlighted node.
func (l *Lab) ViewsFollowHighlight() bool { return l.quant != nil }

// EditMask implements MaskEditor. The first edit of an attention builds
// the stepped graph anew with its mask, fed the same example, at the same
// place of the timeline. While the lab runs its quantized model, every
// edit quantizes the masked model again.
func (l *Lab) EditMask(e MaskEdit) (bool, *Error) {
	if l.masks == nil {
		l.masks = masks{}
	}
	input, src := l.lm.tokens()
	rebuild, err := l.masks.edit(l.step, e, input, src)
	if err != nil {
		return false, err
	}
	if !rebuild {
		if l.quant != nil {
			return true, l.requantize() // the errors of the edited mask
		}
		return false, nil
	}
	g, berr := l.lm.model.BuildMasked(1, l.lm.layout.T, l.lm.layout.TSrc, l.masks.patterns())
	if berr != nil {
		delete(l.masks, e.Attention)
		return false, internal(berr)
	}
	task.Fill(g, l.lm.batch)
	l.lm.g = g
	if l.quant != nil {
		return true, l.requantize() // a quantized copy of the masked graph
	}
	l.step = restep(l.step, g)
	l.relayout()
	return true, nil
}

// Filename implements Named: an export is named after the model, e.g.
// "lab-decoder-d16-h2-l1-seed1-weights.safetensors".
func (l *Lab) Filename(what, ext string) string {
	v := l.values
	return fmt.Sprintf("lab-%s-d%d-h%d-l%d-seed%d-%s.%s", v.Str("arch"), v.Int("d"), v.Int("heads"), v.Int("layers"), v.Seed("seed"), what, ext)
}

// Weights implements Weighted. A file's metadata are the lab's options,
// so a file says which model it holds, and the training steps done.
func (l *Lab) Weights() (map[string]*engine.Tensor, []string, map[string]string) {
	meta := LabOptions.Text(l.values)
	meta["trained_steps"] = strconv.Itoa(l.run.done)
	return l.lm.model.Params, l.lm.model.Order, meta
}

// LoadWeights implements Weighted. The loaded weights start afresh, as a
// rebuild would: a new optimizer (Adam's moments belong to the old
// weights), no training steps and no chart, the training batches from the
// seed's stream again. The stepped run is replayed up to the cursor.
func (l *Lab) LoadWeights(tensors map[string]*engine.Tensor) *Error {
	opt, e := newOptimizer(l.values.Str("opt"), l.values.Float("lr"))
	if e != nil {
		return e
	}
	l.lm.own()
	if err := l.lm.model.SetParams(tensors); err != nil {
		v := l.values
		return Errorf(BadWeights, "the file does not fit this model (%s, d %d, %d layers, dff %d, n %d, k %d: %d parameters): %v",
			v.Str("arch"), v.Int("d"), v.Int("layers"), v.Int("dff"), v.Int("n"), v.Int("k"), l.lm.model.NumParams(), err)
	}
	l.opt = opt
	l.run = newLabRun(l.values.Seed("seed"))
	l.fresh = false
	if l.quant != nil {
		return l.requantize() // the loaded weights, quantized
	}
	l.step.Replay()
	return nil
}
