package widget

import (
	"strings"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/mlp"
)

// Bounds of the mlp widget, small enough to read every node on screen.
const (
	mlpMaxLayers   = 3    // hidden layers
	mlpMaxWidth    = 8    // units per hidden layer
	mlpMaxBatch    = 8    // examples in the stepped graph
	mlpTrainBatch  = 32   // examples per training step
	mlpPoints      = 256  // points in the training set, and in the held-out set
	mlpPointsNoise = 0.05 // jitter of the points
)

// MLPMaxSteps is the training budget of an mlp widget: training stops by
// itself after this many steps.
const MLPMaxSteps = 3000

// mlpPace sends metrics every 25 steps and charts every 100.
var mlpPace = pace{chunk: 25, plotEvery: 4, budget: MLPMaxSteps}

// mlpOptionNames lists the options of the mlp widget.
var mlpOptionNames = []string{"hidden", "act", "data", "batch", "seed", "lr", "optimizer"}

// mlpOptions configure an mlp widget. Every option is text, as a lesson's
// widget block writes it.
type mlpOptions struct {
	Hidden []int  // "hidden": widths such as "3" or "4,4"
	Act    string // "act": relu, tanh, sigmoid or gelu_tanh
	Data   string // "data": a point set of package data
	Batch  int    // "batch": examples in the stepped graph
	trainOptions
}

func defaultMLPOptions() mlpOptions {
	return mlpOptions{Hidden: []int{3}, Act: "tanh", Data: "xor", Batch: 4, trainOptions: trainOptions{Seed: 1, LR: 0.05, Optimizer: "adam"}}
}

// with implements classifierOptions.
func (o mlpOptions) with(name, value string) (classifierOptions, effect, *protocol.Error) {
	var e *protocol.Error
	switch name {
	case "hidden":
		o.Hidden, e = parseWidths(name, value, mlpMaxLayers, mlpMaxWidth)
	case "act":
		o.Act, e = activationOption(value)
	case "data":
		o.Data, e = enumOption(name, value, data.PointKinds)
	case "batch":
		o.Batch, e = intOption(name, value, 1, mlpMaxBatch)
	default:
		eff, e := o.trainOptions.set("mlp", mlpOptionNames, name, value)
		return o, eff, e
	}
	return o, rebuildModel, e
}

// training implements classifierOptions.
func (o mlpOptions) training() trainOptions { return o.trainOptions }

// activationOption reads an activation name; "gelu" means gelu_tanh.
func activationOption(value string) (string, *protocol.Error) {
	if strings.TrimSpace(value) == "gelu" {
		value = "gelu_tanh"
	}
	return enumOption("act", value, mlp.Activations)
}

// parseWidths reads a list of layer widths such as "3" or "4, 4" (or ""
// for none): at most maxLayers of them, each in [1, maxWidth].
func parseWidths(name, s string, maxLayers, maxWidth int) ([]int, *protocol.Error) {
	widths := []int{}
	if strings.TrimSpace(s) == "" {
		return widths, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxLayers {
		return nil, protocol.Errorf(protocol.CodeOutOfRange, "%s: %d layers, at most %d", name, len(parts), maxLayers)
	}
	for _, p := range parts {
		w, e := intOption(name+" width", p, 1, maxWidth)
		if e != nil {
			return nil, e
		}
		widths = append(widths, w)
	}
	return widths, nil
}

// mlpWidget steps and trains a small MLP on 2-D points, and draws its
// decision regions.
type mlpWidget struct {
	*classifier
	model *mlp.Model
	grid  *engine.Graph // the model on a grid of points of the plane (mlp_regions.go)
}

// NewMLP is the factory of the "mlp" widget kind.
func NewMLP(env Env, opts map[string]string) (Widget, *protocol.Error) {
	w := &mlpWidget{}
	w.classifier = newClassifier(env, "mlp", w, mlpPace)
	if e := w.configure(defaultMLPOptions(), opts); e != nil {
		return nil, e
	}
	return w, nil
}

// build makes the model, its data and its graphs from the options.
func (w *mlpWidget) build(co classifierOptions) *protocol.Error {
	o := co.(mlpOptions)
	train, test, err := data.PointSplit(o.Data, mlpPoints, mlpPoints, mlpPointsNoise, o.Seed)
	if err != nil {
		return protocol.Errorf(protocol.CodeBadField, "data: %v", err)
	}
	model, err := mlp.New(mlp.Config{Inputs: 2, Hidden: o.Hidden, Classes: train.Classes, Act: o.Act}, o.Seed)
	if err != nil {
		return protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	graphs, e := buildGraphs(model.Build, o.Batch, mlpTrainBatch, regionsGrid*regionsGrid)
	if e != nil {
		return e
	}
	if e := w.load(o, graphs[0], graphs[1], graphs[1], train, test); e != nil {
		return e
	}
	w.model, w.grid = model, graphs[2]
	fillGrid(w.grid)
	return nil
}

// fill puts the first examples of the training set into the stepped graph.
func (w *mlpWidget) fill(co classifierOptions) {
	idx := make([]int, co.(mlpOptions).Batch)
	for i := range idx {
		idx[i] = i
	}
	g := w.step.g
	w.train.Fill(g.MustNode("x").Value, g.MustNode("y").Value, idx)
}

// views implements classifierKind: the mlp shows nothing beyond the graph.
func (w *mlpWidget) views(int64) {}
