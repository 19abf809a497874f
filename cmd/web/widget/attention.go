package widget

import (
	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/optim"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
)

// Bounds of the attention widget: a transformer small enough that its
// whole graph fits on a page.
const (
	attnMaxHeads   = 4
	attnMaxLayers  = 2
	attnMaxD       = 32
	attnMaxN       = 5  // task length; the decoder reads 2n tokens
	attnMaxK       = 8  // task symbols
	attnTrainBatch = 16 // sequences per training step
	attnChunkSteps = 10
	attnMaxSteps   = 1500
)

var attnOptionNames = []string{"arch", "heads", "d", "layers", "task", "n", "k", "seed", "lr"}

// attnOptions configure an attention widget.
type attnOptions struct {
	Arch   string  // "arch": encoder, decoder or encdec
	Heads  int     // "heads"
	D      int     // "d": model width, a multiple of heads
	Layers int     // "layers": blocks (each stack, for encdec)
	Task   string  // "task": copy, reverse or sort
	N, K   int     // "n": sequence length; "k": symbols
	Seed   uint32  // "seed"
	LR     float64 // "lr": Adam's learning rate for training
}

func defaultAttnOptions() attnOptions {
	return attnOptions{Arch: "decoder", Heads: 2, D: 8, Layers: 1, Task: "reverse", N: 3, K: 4, Seed: 1, LR: 0.01}
}

// set applies one option; it reports whether the graph must be rebuilt.
func (o *attnOptions) set(name, value string) (rebuild bool, e *protocol.Error) {
	switch name {
	case "arch":
		o.Arch, e = enumOption(name, value, archChoices)
	case "heads":
		o.Heads, e = intOption(name, value, 1, attnMaxHeads)
	case "d":
		o.D, e = intOption(name, value, 1, attnMaxD)
	case "layers":
		o.Layers, e = intOption(name, value, 1, attnMaxLayers)
	case "task":
		o.Task, e = enumOption(name, value, taskChoices)
	case "n":
		o.N, e = intOption(name, value, 2, attnMaxN)
	case "k":
		o.K, e = intOption(name, value, task.MinSymbols, attnMaxK)
	case "seed":
		o.Seed, e = seedOption(value)
	case "lr":
		o.LR, e = floatOption(name, value, 0, 1)
		return false, e
	default:
		return false, unknownOption("attention", name, attnOptionNames)
	}
	return true, e
}

// attnWidget steps and trains a small transformer on a sequence task and
// shows its attention maps.
type attnWidget struct {
	env       Env
	trainLoop // its lock guards the fields below against the training loop

	opts   attnOptions
	layout task.Layout
	model  *transformer.Model
	step   *stepping
	batch  task.Batch // the one sequence of the stepped graph
	trainG *engine.Graph
	opt    optim.Optimizer
	rng    *engine.Mulberry32
	done   int
}

// NewAttention is the factory of the "attention" widget kind.
func NewAttention(env Env, opts map[string]string) (Widget, *protocol.Error) {
	o := defaultAttnOptions()
	if e := applyOptions(&o, opts); e != nil {
		return nil, e
	}
	w := &attnWidget{env: env, opts: o}
	if e := w.build(); e != nil {
		return nil, e
	}
	return w, nil
}

func (w *attnWidget) build() *protocol.Error {
	o := w.opts
	if o.D%o.Heads != 0 {
		return protocol.Errorf(protocol.CodeOutOfRange, "d %d is not a multiple of heads %d", o.D, o.Heads)
	}
	layout, err := task.Seq{Kind: o.Task, N: o.N, K: o.K}.Layout(o.Arch)
	if err != nil {
		return protocol.Errorf(protocol.CodeBadField, "%v", err)
	}
	cfg := transformer.Config{
		Variant: o.Arch, V: layout.V, VSrc: layout.VSrc, D: o.D, Heads: o.Heads, DFF: 2 * o.D,
		Layers: o.Layers, LEnc: o.Layers, LDec: o.Layers, MaxLen: max(layout.T, layout.TSrc), Act: "relu",
	}
	model, err := transformer.New(cfg, o.Seed)
	if err != nil {
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	g, err := model.Build(1, layout.T, layout.TSrc)
	if err != nil {
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	tg, err := model.Build(attnTrainBatch, layout.T, layout.TSrc)
	if err != nil {
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	opt, err := optim.New("adam", o.LR)
	if err != nil {
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	w.rng = engine.NewMulberry32(o.Seed + 1)
	w.batch = layout.Batch(w.rng, 1)
	task.Fill(g, w.batch)
	w.layout, w.model, w.trainG, w.opt = layout, model, tg, opt
	w.step = newStepping(g)
	w.done = 0
	return nil
}

// Start sends the graph, the cursor and the (empty) attention maps.
func (w *attnWidget) Start(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sendAll(id)
}

// sendAll sends the graph, the cursor and the attention maps.
func (w *attnWidget) sendAll(id int64) {
	emitGraph(w.env, id, "attention", w.step)
	w.env.Emit(id, w.attention())
}

// Handle answers step, back, run, reset, select, set and train.
func (w *attnWidget) Handle(req *protocol.Request) *protocol.Error {
	if req.Type == protocol.TypeTrain {
		return w.handleTrain(req)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.training() && req.Type != protocol.TypeSelect {
		return protocol.Errorf(protocol.CodeBusy, "the model is training; stop it first")
	}
	switch {
	case handles(req):
		return answerStep(w.env, w.step, req, w.attention)
	case req.Type == protocol.TypeSet:
		o := w.opts
		rebuild, e := o.set(req.Name, req.Value)
		if e != nil {
			return e
		}
		old := w.opts
		w.opts = o
		if !rebuild {
			w.opt, _ = optim.New("adam", o.LR) // LR was validated by set
			w.env.Emit(req.ID, w.step.message())
			return nil
		}
		if e := w.build(); e != nil {
			w.opts = old
			return e
		}
		w.sendAll(req.ID)
		return nil
	}
	return protocol.Errorf(protocol.CodeUnsupported, "the attention widget does not answer %q", req.Type)
}

// handleTrain starts or stops the training loop. Stopping sends the
// views of the trained model, the cursor back at the start.
func (w *attnWidget) handleTrain(req *protocol.Request) *protocol.Error {
	return w.answerTrain(w.env, req, w.trainChunk, nil, func() {
		w.step.restart()
		w.env.Emit(req.ID, &protocol.Metrics{Header: protocol.Header{Type: protocol.TypeMetrics}, Step: w.done, Values: map[string]float64{}})
		w.env.Emit(req.ID, w.step.message())
		w.env.Emit(req.ID, w.attention())
	})
}

// trainChunk runs attnChunkSteps Adam steps on fresh task batches.
func (w *attnWidget) trainChunk() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	loss, acc := 0.0, 0.0
	for range attnChunkSteps {
		b := w.layout.Batch(w.rng, attnTrainBatch)
		task.Fill(w.trainG, b)
		loss += optim.TrainStep(w.trainG, w.opt)
		acc += task.Accuracy(w.trainG, b) // the logits of the forward pass, before the update
	}
	w.done += attnChunkSteps
	finished := w.done >= attnMaxSteps
	w.env.Emit(0, &protocol.Metrics{
		Header: protocol.Header{Type: protocol.TypeMetrics}, Step: w.done, Running: !finished,
		Values: map[string]float64{"loss": loss / attnChunkSteps, "accuracy": acc / attnChunkSteps},
	})
	if finished {
		w.step.restart()
		w.env.Emit(0, w.step.message())
		w.env.Emit(0, w.attention())
	}
	return finished
}

// attention returns every head's maps for the stepped sequence.
func (w *attnWidget) attention() *protocol.Attention {
	var src []string
	if w.batch.TSrc > 0 {
		src = tokenText(w.layout, w.batch.Src)
	}
	return attentionMaps(w.step, tokenText(w.layout, w.batch.Input), src)
}
