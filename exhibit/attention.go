package exhibit

import (
	"time"

	"stepgraph/engine"
	"stepgraph/engine/optim"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
	"stepgraph/viz"
)

// Bounds of the attention exhibit: a transformer small enough that its
// whole graph fits on a page.
const (
	attnMaxHeads    = 4
	attnMaxLayers   = 2
	attnMaxD        = 32
	attnMaxN        = 5    // task length; the decoder reads 2n tokens
	attnMaxK        = 8    // task symbols
	attnTrainBatch  = 16   // sequences per training step
	attnRecordEvery = 10   // training steps between two points of the chart
	attnMaxSteps    = 1500 // the length of a run the learner does not size
)

// The choices of options that several kinds have.
var (
	archOption = Option{
		Name: "arch", Label: "Architecture", Help: "which transformer: encoder-only, decoder-only or encoder–decoder", Type: Choice,
		Choices:      []string{transformer.Encoder, transformer.Decoder, transformer.EncDec},
		ChoiceLabels: []string{"Encoder-only", "Decoder-only", "Encoder–decoder"}, Default: transformer.Decoder, Effect: Rebuild,
	}
	taskOption = Option{
		Name: "task", Label: "Task", Help: "what the model learns to do with its input", Type: Choice,
		Choices: []string{task.Copy, task.Reverse, task.Sort}, ChoiceLabels: []string{"Copy", "Reverse", "Sort"},
		Default: task.Reverse, Effect: Rebuild,
	}
)

// AttentionOptions is the option table of the "attention" kind.
var AttentionOptions = &Table{Kind: "attention", Options: []Option{
	archOption,
	{Name: "heads", Label: "Heads", Help: "attention heads per block; d must be a multiple of it", Type: Int, Min: 1, Max: attnMaxHeads, Default: "2", Effect: Rebuild},
	{Name: "d", Label: "d_model", Help: "model width, a multiple of heads", Type: Int, Min: 1, Max: attnMaxD, Default: "8", Effect: Rebuild},
	{Name: "layers", Label: "Layers", Help: "blocks per stack (each stack, for the encoder–decoder)", Type: Int, Min: 1, Max: attnMaxLayers, Default: "1", Effect: Rebuild},
	taskOption,
	{Name: "n", Label: "Length n", Help: "symbols per task input", Type: Int, Min: 2, Max: attnMaxN, Default: "3", Effect: Rebuild},
	{Name: "k", Label: "Symbols k", Help: "distinct symbols, shown as a, b, c, …", Type: Int, Min: task.MinSymbols, Max: attnMaxK, Default: "4", Effect: Rebuild},
	seedOption("weights, the stepped sequence and the training batches"),
	{Name: "lr", Label: "Learning rate", Help: "Adam's learning rate", Type: Number, Min: 0, Max: 1, OpenMin: true, Default: "0.01", Effect: NewOptimizer},
}, Combine: headsDivideD}

// headsDivideD checks that d_model is a multiple of the heads, blaming
// heads when the request set it, else d.
func headsDivideD(v Values, changed []string) *Error {
	d, heads := v.Int("d"), v.Int("heads")
	if d%heads == 0 {
		return nil
	}
	field := "d"
	for _, c := range changed {
		if c == "heads" {
			field = "heads"
		}
	}
	return at(Errorf(OutOfRange, "%s: d %d is not a multiple of heads %d (each head gets d/heads columns)", field, d, heads), field)
}

// Attention steps and trains a small transformer on a sequence task and
// shows its attention maps.
type Attention struct {
	values Values
	layout task.Layout
	model  *transformer.Model
	step   *Stepping
	drawn  *Drawing
	batch  task.Batch // the one sequence of the stepped graph
	trainG *engine.Graph
	opt    optim.Optimizer
	rng    *engine.Mulberry32
	masks  masks // the learner's masks of the stepped run (mask.go)
	budget
	history []viz.Series // loss and accuracy, every attnRecordEvery steps
	sum     [2]float64   // loss and accuracy summed since the last point
	n       int          // and their number
}

// NewAttention builds the attention exhibit of v, options checked by
// AttentionOptions.
func NewAttention(v Values) (Exhibit, *Error) {
	a := &Attention{}
	if e := a.build(v); e != nil {
		return nil, e
	}
	return a, nil
}

// AttentionModel returns the transformer of v, an attention exhibit's
// options, and the layout of its task: d_model d, dff 2d, ReLU, from the
// seed.
func AttentionModel(v Values) (*transformer.Model, task.Layout, *Error) {
	layout, err := task.Seq{Kind: v.Str("task"), N: v.Int("n"), K: v.Int("k")}.Layout(v.Str("arch"))
	if err != nil {
		return nil, task.Layout{}, Errorf(BadValue, "%v", err)
	}
	d, layers := v.Int("d"), v.Int("layers")
	cfg := transformer.Config{
		Variant: v.Str("arch"), V: layout.V, VSrc: layout.VSrc, D: d, Heads: v.Int("heads"), DFF: 2 * d,
		Layers: layers, LEnc: layers, LDec: layers, MaxLen: max(layout.T, layout.TSrc), Act: "relu",
	}
	model, err := transformer.New(cfg, v.Seed("seed"))
	if err != nil {
		return nil, task.Layout{}, outOfRange(err)
	}
	return model, layout, nil
}

func (a *Attention) build(v Values) *Error {
	model, layout, e := AttentionModel(v)
	if e != nil {
		return e
	}
	graphs, e := buildGraphs(func(rows int) (*engine.Graph, error) { return model.Build(rows, layout.T, layout.TSrc) }, 1)
	if e != nil {
		return e
	}
	opt, e := newOptimizer("adam", v.Float("lr"))
	if e != nil {
		return e
	}
	a.rng = engine.NewMulberry32(v.Seed("seed") + 1)
	a.batch = layout.Batch(a.rng, 1)
	task.Fill(graphs[0], a.batch)
	a.values, a.layout, a.model, a.trainG, a.opt = v, layout, model, nil, opt
	a.step = NewStepping(graphs[0])
	a.drawn = drawingOf(graphs[0], nil)
	a.masks = nil
	a.budget = budget{run: attnMaxSteps}
	a.history = []viz.Series{{Name: "loss"}, {Name: "accuracy"}}
	a.sum, a.n = [2]float64{}, 0
	return nil
}

// TrainStep runs one of the exhibit's training steps: Adam on a fresh
// batch of attnTrainBatch sequences from the exhibit's stream. It returns
// the loss and the token accuracy of the forward pass, before the update.
func (a *Attention) TrainStep() (loss, acc float64) {
	if a.trainG == nil { // built on first use: a widget that is only stepped stays small
		g, err := a.model.Build(attnTrainBatch, a.layout.T, a.layout.TSrc)
		if err != nil {
			panic("exhibit: " + err.Error()) // the stepped graph of the same model was built
		}
		a.trainG = g
	}
	b := a.layout.Batch(a.rng, attnTrainBatch)
	task.Fill(a.trainG, b)
	loss = optim.TrainStep(a.trainG, a.opt)
	return loss, task.Accuracy(a.trainG, b)
}

// Model returns the transformer, which the stepped and training graphs
// share.
func (a *Attention) Model() *transformer.Model { return a.model }

// Task returns the layout of the sequence task the model learns.
func (a *Attention) Task() task.Layout { return a.layout }

// Values implements Exhibit.
func (a *Attention) Values() Values { return a.values }

// Stepping implements Exhibit.
func (a *Attention) Stepping() *Stepping { return a.step }

// Drawing implements Exhibit.
func (a *Attention) Drawing() *Drawing { return a.drawn }

// Apply implements Exhibit: lr gives a new optimizer, every other option a
// new model.
func (a *Attention) Apply(v Values, effect Effect) *Error {
	if effect != NewOptimizer {
		return a.build(v)
	}
	opt, e := newOptimizer("adam", v.Float("lr"))
	if e != nil {
		return e
	}
	a.values, a.opt = v, opt
	return nil
}

// Tokens implements Sequenced.
func (a *Attention) Tokens() (input, src []string) {
	input = tokenText(a.layout, a.batch.Input)
	if a.batch.TSrc > 0 {
		src = tokenText(a.layout, a.batch.Src)
	}
	return input, src
}

// Axes implements Axed.
func (a *Attention) Axes(n *engine.Node) (rows, cols Axis) {
	input, src := a.Tokens()
	return sequenceAxes(a.step.attentionNodes().refs, n, a.layout, input, src)
}

// Views implements Exhibit: every head's maps for the stepped sequence.
// ViewedNodes implements ForwardViewer: the attention maps show each
// head's scores and probabilities.
func (a *Attention) ViewedNodes() []*engine.Node { return a.step.attentionNodes().nodes }

func (a *Attention) Views() []View {
	input, src := a.Tokens()
	return []View{attentionOf(a.step, input, src, a.masks)}
}

// EditMask implements MaskEditor, as the lab does.
func (a *Attention) EditMask(e MaskEdit) (bool, *Error) {
	if a.masks == nil {
		a.masks = masks{}
	}
	input, src := a.Tokens()
	rebuild, err := a.masks.edit(a.step, e, input, src)
	if err != nil || !rebuild {
		return false, err
	}
	g, berr := a.model.BuildMasked(1, a.layout.T, a.layout.TSrc, a.masks.patterns())
	if berr != nil {
		delete(a.masks, e.Attention)
		return false, internal(berr)
	}
	task.Fill(g, a.batch)
	a.step = restep(a.step, g)
	a.drawn = drawingOf(g, nil)
	return true, nil
}

// Metrics implements Exhibit: the training steps done, and the last
// point's loss and accuracy once there is one.
func (a *Attention) Metrics(running bool) Metrics {
	v := map[string]float64{}
	if n := len(a.history[0].Y); n > 0 {
		v["loss"], v["accuracy"] = a.history[0].Y[n-1], a.history[1].Y[n-1]
	} else if a.n > 0 { // training has begun: the means of its steps so far
		v["loss"], v["accuracy"] = a.sum[0]/float64(a.n), a.sum[1]/float64(a.n)
	}
	return Metrics{Step: a.done, RunEnd: a.end, Running: running, Values: v}
}

// Charts implements Exhibit: the training loss and accuracy, once
// training has run.
func (a *Attention) Charts() ([]Chart, error) { return trainingCharts(a.history) }

// StartTraining implements Trainer.
func (a *Attention) StartTraining(steps int) (bool, *Error) {
	a.start(steps)
	return false, nil
}

// StepsWhileTraining implements Trainer.
func (a *Attention) StepsWhileTraining() bool { return false }

// StopTraining implements Trainer.
func (a *Attention) StopTraining() { a.step.Replay() }

// TrainChunk implements Trainer, with a point of the chart every
// attnRecordEvery steps and at the end of the run.
func (a *Attention) TrainChunk(max int, d time.Duration) Progress {
	n := a.steps(max, d, attnRecordEvery, func() {
		loss, acc := a.TrainStep()
		a.sum[0], a.sum[1], a.n = a.sum[0]+loss, a.sum[1]+acc, a.n+1
	}, a.record)
	if a.finished() && a.n > 0 {
		a.record()
	}
	return Progress{Steps: n, Finished: a.finished()}
}

// record adds the means since the last point to the history.
func (a *Attention) record() {
	for i := range a.history {
		a.history[i].X = append(a.history[i].X, float64(a.done))
		a.history[i].Y = append(a.history[i].Y, a.sum[i]/float64(a.n))
	}
	a.sum, a.n = [2]float64{}, 0
}

// AttentionMaxSteps is the training budget of an attention exhibit.
const AttentionMaxSteps = attnMaxSteps
