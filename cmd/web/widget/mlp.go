package widget

import (
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/mlp"
	"stepgraph/engine/optim"
	"stepgraph/viz"
)

// Bounds of the mlp widget, small enough to read every node on screen.
const (
	mlpMaxLayers   = 3    // hidden layers
	mlpMaxWidth    = 8    // units per hidden layer
	mlpMaxBatch    = 8    // examples in the stepped graph
	mlpTrainBatch  = 32   // examples per training step
	mlpChunkSteps  = 25   // training steps between two metrics messages
	mlpPlotEvery   = 4    // chunks between two loss charts
	mlpPoints      = 256  // points in the training set, and in the held-out set
	mlpPointsNoise = 0.05 // jitter of the points
)

// MLPMaxSteps is the training budget of an mlp widget: training stops by
// itself after this many steps.
const MLPMaxSteps = 3000

// mlpOptionNames lists the options of the mlp widget.
var mlpOptionNames = []string{"hidden", "act", "data", "batch", "seed", "lr", "optimizer"}

// mlpOptions configure an mlp widget. Every option is text, as a lesson's
// widget block writes it.
type mlpOptions struct {
	Hidden    []int   // "hidden": widths such as "3" or "4,4"
	Act       string  // "act": relu, tanh, sigmoid or gelu_tanh
	Data      string  // "data": a point set of package data
	Batch     int     // "batch": examples in the stepped graph
	Seed      uint32  // "seed": initial weights and data
	LR        float64 // "lr": learning rate of training
	Optimizer string  // "optimizer": sgd or adam
}

func defaultMLPOptions() mlpOptions {
	return mlpOptions{Hidden: []int{3}, Act: "tanh", Data: "xor", Batch: 4, Seed: 1, LR: 0.05, Optimizer: "adam"}
}

// set applies one option. It reports whether the change needs a new graph.
func (o *mlpOptions) set(name, value string) (rebuild bool, e *protocol.Error) {
	switch name {
	case "hidden":
		o.Hidden, e = parseWidths(value)
	case "act":
		if value == "gelu" {
			value = "gelu_tanh"
		}
		o.Act, e = enumOption(name, value, mlp.Activations)
	case "data":
		o.Data, e = enumOption(name, value, data.PointKinds)
	case "batch":
		o.Batch, e = intOption(name, value, 1, mlpMaxBatch)
	case "seed":
		o.Seed, e = seedOption(value)
	case "lr":
		o.LR, e = floatOption(name, value, 0, 1)
		return false, e
	case "optimizer":
		o.Optimizer, e = enumOption(name, value, []string{"sgd", "adam"})
		return false, e
	default:
		return false, unknownOption("mlp", name, mlpOptionNames)
	}
	return true, e
}

// parseWidths reads "3" or "4, 4" (or "" for no hidden layer).
func parseWidths(s string) ([]int, *protocol.Error) {
	widths := []int{}
	if strings.TrimSpace(s) == "" {
		return widths, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > mlpMaxLayers {
		return nil, protocol.Errorf(protocol.CodeOutOfRange, "hidden: %d layers, at most %d", len(parts), mlpMaxLayers)
	}
	for _, p := range parts {
		w, e := intOption("hidden width", p, 1, mlpMaxWidth)
		if e != nil {
			return nil, e
		}
		widths = append(widths, w)
	}
	return widths, nil
}

// mlpWidget steps and trains a small MLP on 2-D points.
type mlpWidget struct {
	env Env

	mu      sync.Mutex // guards the fields below against the training loop
	opts    mlpOptions
	model   *mlp.Model
	train   *data.Set
	test    *data.Set
	step    *stepping
	trainG  *engine.Graph // batch mlpTrainBatch, sharing the model's parameters
	opt     optim.Optimizer
	rng     *engine.Mulberry32 // draws the training batches
	done    int                // training steps done
	history []viz.Series       // loss, train and held-out accuracy per chunk
	trainer *trainer
}

// NewMLP is the factory of the "mlp" widget kind.
func NewMLP(env Env, opts map[string]string) (Widget, *protocol.Error) {
	o := defaultMLPOptions()
	for _, name := range sortedKeys(opts) {
		if isPresentational(name) {
			continue
		}
		if _, e := o.set(name, opts[name]); e != nil {
			return nil, e
		}
	}
	w := &mlpWidget{env: env, opts: o}
	if e := w.build(); e != nil {
		return nil, e
	}
	return w, nil
}

// build makes the model, its data and its graphs from the options.
func (w *mlpWidget) build() *protocol.Error {
	o := w.opts
	train, test, err := data.PointSplit(o.Data, mlpPoints, mlpPoints, mlpPointsNoise, o.Seed)
	if err != nil {
		return protocol.Errorf(protocol.CodeBadField, "data: %v", err)
	}
	model, err := mlp.New(mlp.Config{Inputs: 2, Hidden: o.Hidden, Classes: train.Classes, Act: o.Act}, o.Seed)
	if err != nil {
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	g, err := model.Build(o.Batch)
	if err != nil {
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	tg, err := model.Build(mlpTrainBatch)
	if err != nil {
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	opt, err := optim.New(o.Optimizer, o.LR)
	if err != nil {
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	// The stepped graph shows the first examples of the training set.
	idx := make([]int, o.Batch)
	for i := range idx {
		idx[i] = i
	}
	train.Fill(g.MustNode("x").Value, g.MustNode("y").Value, idx)
	w.model, w.train, w.test, w.trainG, w.opt = model, train, test, tg, opt
	w.step = newStepping(g)
	w.rng = engine.NewMulberry32(o.Seed + 1)
	w.done = 0
	w.history = []viz.Series{{Name: "loss"}, {Name: "train accuracy"}, {Name: "held-out accuracy"}}
	return nil
}

// Start sends the graph, the cursor and the untrained accuracy.
func (w *mlpWidget) Start(id int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sendAll(id)
}

func (w *mlpWidget) sendAll(id int64) {
	w.env.Emit(id, graphMessage("mlp", w.step.g, w.step.st.Total()))
	w.env.Emit(id, w.step.message())
	w.env.Emit(id, w.metrics(math.NaN(), false))
}

// Handle answers step, back, run, reset, select, set and train.
func (w *mlpWidget) Handle(req *protocol.Request) *protocol.Error {
	if req.Type == protocol.TypeTrain {
		return w.handleTrain(req)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.trainer != nil && !w.trainer.finished() && req.Type != protocol.TypeSelect {
		return protocol.Errorf(protocol.CodeBusy, "the model is training; stop it first")
	}
	if handles(req) {
		m, e := w.step.apply(req)
		if e != nil {
			return e
		}
		w.env.Emit(req.ID, m)
		if req.Type == protocol.TypeRun && w.step.st.Done() {
			w.env.Emit(req.ID, w.metrics(w.step.g.LossNode().Value.Data[0], false))
		}
		return nil
	}
	if req.Type == protocol.TypeSet {
		return w.set(req)
	}
	return protocol.Errorf(protocol.CodeUnsupported, "the mlp widget does not answer %q", req.Type)
}

// set changes one option; a structural one rebuilds model and graph.
func (w *mlpWidget) set(req *protocol.Request) *protocol.Error {
	o := w.opts
	rebuild, e := o.set(req.Name, req.Value)
	if e != nil {
		return e
	}
	old := w.opts
	w.opts = o
	if !rebuild {
		// Only the optimizer changed: a new one, with fresh moments.
		opt, err := optim.New(o.Optimizer, o.LR)
		if err != nil {
			w.opts = old
			return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
		}
		w.opt = opt
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

// handleTrain starts or stops the training loop.
func (w *mlpWidget) handleTrain(req *protocol.Request) *protocol.Error {
	w.mu.Lock()
	t := w.trainer
	running := t != nil && !t.finished()
	if req.Action == protocol.TrainStart {
		if !running {
			w.trainer = startTrainer(w.env, w.trainChunk)
		}
		w.mu.Unlock()
		return nil
	}
	w.trainer = nil
	w.mu.Unlock()
	if t != nil {
		t.stop() // outside the lock: the running chunk takes it
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	// The parameters changed: the stepped graph's values are stale, so the
	// cursor goes back to the start.
	w.step.restart()
	w.env.Emit(req.ID, w.metrics(math.NaN(), false))
	w.env.Emit(req.ID, w.step.message())
	return nil
}

// trainChunk runs mlpChunkSteps training steps and reports the metrics. It
// returns true after MLPMaxSteps steps.
func (w *mlpWidget) trainChunk() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	x, y := w.trainG.MustNode("x").Value, w.trainG.MustNode("y").Value
	sum := 0.0
	for range mlpChunkSteps {
		w.train.Sample(w.rng, x, y)
		sum += optim.TrainStep(w.trainG, w.opt)
	}
	w.done += mlpChunkSteps
	finished := w.done >= MLPMaxSteps
	m := w.metrics(sum/mlpChunkSteps, !finished)
	w.env.Emit(0, m)
	w.record(m)
	if finished || (w.done/mlpChunkSteps)%mlpPlotEvery == 0 {
		w.plot()
	}
	if finished {
		w.step.restart()
		w.env.Emit(0, w.step.message())
	}
	return finished
}

// record adds a chunk's metrics to the history of the charts.
func (w *mlpWidget) record(m *protocol.Metrics) {
	x := float64(m.Step)
	for i, key := range []string{"loss", "accuracy", "testAccuracy"} {
		w.history[i].X = append(w.history[i].X, x)
		w.history[i].Y = append(w.history[i].Y, m.Values[key])
	}
}

// plot sends the loss and accuracy curves, drawn on the server.
func (w *mlpWidget) plot() {
	charts := []struct {
		name   string
		series []viz.Series
		opt    viz.ChartOptions
	}{
		{"loss", w.history[:1], viz.ChartOptions{Title: "Training loss", YLabel: "cross-entropy"}},
		{"accuracy", w.history[1:], viz.ChartOptions{Title: "Accuracy", YLabel: "accuracy", YMin: 0, YMax: 1}},
	}
	for _, c := range charts {
		svg, err := viz.LossChart(c.series, c.opt)
		if err != nil {
			w.env.Log.Error("loss chart", "err", err)
			continue
		}
		w.env.Emit(0, &protocol.Plot{Header: protocol.Header{Type: protocol.TypePlot}, Name: c.name, SVG: string(svg)})
	}
}

// metrics measures the accuracy on the training and held-out sets; loss is
// left out when it is NaN (nothing trained yet).
func (w *mlpWidget) metrics(loss float64, running bool) *protocol.Metrics {
	v := map[string]float64{
		"accuracy":     data.Evaluate(w.trainG, w.train),
		"testAccuracy": data.Evaluate(w.trainG, w.test),
	}
	if !math.IsNaN(loss) {
		v["loss"] = loss
	}
	return &protocol.Metrics{Header: protocol.Header{Type: protocol.TypeMetrics}, Step: w.done, Running: running, Values: v}
}

// Close stops the training loop, if any, and waits for it.
func (w *mlpWidget) Close() {
	w.mu.Lock()
	t := w.trainer
	w.trainer = nil
	w.mu.Unlock()
	if t != nil {
		t.stop()
	}
}

// isPresentational reports whether an option is for the page only.
func isPresentational(name string) bool { return slices.Contains(presentational, name) }

// sortedKeys returns the keys of m in order, so that option errors are
// reported deterministically.
func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
