package exhibit

import (
	"math"

	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/mlp"
)

// Bounds of the mlp exhibit, small enough to read every node on screen.
const (
	mlpMaxLayers  = 3   // hidden layers
	mlpMaxWidth   = 8   // units per hidden layer
	mlpMaxBatch   = 8   // examples in the stepped graph
	mlpTrainBatch = 32  // examples per training step
	mlpPoints     = 256 // points in the training set, and in the held-out set, at the default split
	mlpAllPoints  = 512 // points in both sets together
	mlpMaxNoise   = 0.5 // largest jitter of the points
	mlpMinSplit   = 0.1 // smallest and largest fraction of the points that trains
	mlpMaxSplit   = 0.9
)

// MLPMaxSteps is the length of an mlp exhibit's run of training when the
// learner does not size it: training stops by itself after this many
// steps.
const MLPMaxSteps = 3000

// activationOption is the row of an activation: name, its default, and
// the choices (the engine's, "gelu" meaning gelu_tanh).
func activationOption(def string, choices ...string) Option {
	return Option{
		Name: "act", Label: "Activation", Help: "the activation after each linear layer", Type: Choice,
		Choices: choices, Aliases: map[string]string{"gelu": "gelu_tanh"}, Default: def, Effect: Rebuild,
	}
}

// MLPOptions is the option table of the "mlp" kind.
var MLPOptions = &Table{Kind: "mlp", Options: append([]Option{
	{Name: "hidden", Label: "Hidden layers", Help: "the width of each hidden layer; none makes a linear classifier",
		Type: Ints, Min: 1, Max: mlpMaxWidth, MaxLen: mlpMaxLayers, Default: "3", Effect: Rebuild},
	activationOption("tanh", mlp.Activations...),
	{Name: "data", Label: "Data", Help: "the 2-D point set", Type: Choice, Choices: data.PointKinds, Default: "xor", Effect: Rebuild},
	{Name: "batch", Label: "Batch", Help: "examples in the stepped graph", Type: Int, Min: 1, Max: mlpMaxBatch, Default: "4", Effect: Rebuild},
	{Name: "noise", Label: "Noise", Help: "the standard deviation of the random jitter added to each coordinate of every point (the clean points lie within about 1 of the origin); drawn from the seed",
		Type: Number, Min: 0, Max: mlpMaxNoise, Default: "0.05", Effect: Rebuild},
	{Name: "split", Label: "Training split", Help: "the fraction of the 512 points that trains the model; the rest is the held-out set that testAccuracy scores",
		Type: Number, Min: mlpMinSplit, Max: mlpMaxSplit, Default: "0.5", Effect: Rebuild},
	{Name: "l2", Label: "L2", Help: "the strength λ of the L2 penalty (λ/2) Σ W² on the weight matrices, added to the loss: with λ above 0 the graph's loss is ce + l2; 0 for none",
		Type: Number, Min: 0, Max: mlp.MaxL2, Default: "0", Effect: Rebuild},
}, trainingOptions("0.05")...)}

// mlpSplit returns the sizes of the training and held-out sets of v.
func mlpSplit(v Values) (train, test int) {
	train = int(math.Round(v.Float("split") * mlpAllPoints))
	return train, mlpAllPoints - train
}

// MLP steps and trains a small MLP on 2-D points, and draws its decision
// regions (mlp_regions.go).
type MLP struct {
	*classifier
	model   *mlp.Model
	grid    *lazyGraph // the model on a grid of points of the plane
	neurons *lazyGraph // the model on the coarser grid of the neurons' maps
}

// NewMLP builds the mlp exhibit of v, options checked by MLPOptions.
func NewMLP(v Values) (Exhibit, *Error) {
	m := &MLP{}
	m.classifier = &classifier{kind: m, kindName: "mlp", every: 25, budget: budget{run: MLPMaxSteps}}
	if e := m.configure(v); e != nil {
		return nil, e
	}
	return m, nil
}

// build makes the model, its data and its graphs from the options.
func (m *MLP) build(v Values) *Error {
	seed := v.Seed("seed")
	nTrain, nTest := mlpSplit(v)
	train, test, err := data.PointSplit(v.Str("data"), nTrain, nTest, v.Float("noise"), seed)
	if err != nil {
		return at(Errorf(BadValue, "data: %v", err), "data")
	}
	model, err := mlp.New(mlp.Config{Inputs: 2, Hidden: v.Ints("hidden"), Classes: train.Classes, Act: v.Str("act"), L2: v.Float("l2")}, seed)
	if err != nil {
		return outOfRange(err)
	}
	graphs, e := buildGraphs(model.Build, v.Int("batch"))
	if e != nil {
		return e
	}
	batch := lazy(model.Build, mlpTrainBatch) // trains and scores
	if e := m.load(v, graphs[0], batch, batch, train, test); e != nil {
		return e
	}
	m.model = model
	m.grid = &lazyGraph{build: func() (*engine.Graph, error) {
		g, err := model.Build(regionsGrid * regionsGrid)
		if err == nil {
			fillGrid(g)
		}
		return g, err
	}}
	m.neurons = &lazyGraph{build: func() (*engine.Graph, error) {
		g, err := model.Build(neuronsGrid * neuronsGrid)
		if err == nil {
			fillNeuronsGrid(g)
		}
		return g, err
	}}
	return nil
}

// fill puts the first examples of the training set into the stepped graph.
func (m *MLP) fill(v Values) {
	idx := make([]int, v.Int("batch"))
	for i := range idx {
		idx[i] = i
	}
	g := m.step.g
	m.train.Fill(g.MustNode("x").Value, g.MustNode("y").Value, idx)
}

// Model returns the MLP, which the stepped, training and grid graphs share.
func (m *MLP) Model() *mlp.Model { return m.model }

// views implements classifierKind: the maps of the highlighted hidden
// layer's neurons (mlp_neurons.go).
func (m *MLP) views() []View { return []View{m.Neurons()} }
