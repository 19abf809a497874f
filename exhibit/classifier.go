package exhibit

import (
	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/optim"
	"stepgraph/viz"
)

// classifier is what the mlp and cnn exhibits share: a model that puts
// the examples of a labelled data set (package data) into classes, a small
// graph of it that the learner steps through, and a loop that trains it,
// with its metrics and charts. A kind embeds a classifier and tells it,
// through classifierKind, how to build its model and what more to show.
type classifier struct {
	kind     classifierKind
	kindName string // "mlp", "cnn": the kind, for the keys of shared values
	every    int    // training steps between two points of the charts
	budget

	values  Values
	step    *Stepping
	drawn   *Drawing
	train   *data.Set
	test    *data.Set
	trainG  *lazyGraph // one training batch; shares the model's parameters
	evalG   *lazyGraph // scores the data sets; shares them too
	fresh   bool       // the weights are the seed's, untrained
	opt     optim.Optimizer
	rng     *engine.Mulberry32 // draws the training batches
	history []viz.Series       // loss, train and held-out accuracy every `every` steps
	loss    float64            // the sum of the training losses since the last point
	losses  int                // and their number
}

// classifierKind is what a kind adds to its classifier.
type classifierKind interface {
	// build makes the model, data and graphs that v describes and hands
	// them to the classifier with load. On error nothing changes.
	build(v Values) *Error
	// fill puts the examples that v picks into the stepped graph's inputs.
	fill(v Values)
	// views returns the kind's views of the current cursor.
	views() []View
	// charts returns the kind's own charts, after the loss and accuracy.
	charts() ([]Chart, error)
}

// trainingOptions are the rows every classifier kind's table ends with.
func trainingOptions(lr string) []Option {
	return []Option{
		seedOption("weights and data"),
		{Name: "lr", Label: "Learning rate", Help: "the learning rate of training", Type: Number, Min: 0, Max: 1, OpenMin: true, Default: lr, Effect: NewOptimizer},
		optimizerOption("optimizer"),
	}
}

// seedOption is the row of a seed; what says what it draws.
func seedOption(what string) Option {
	return Option{Name: "seed", Label: "Seed", Help: "seed of the " + what, Type: Seed, Default: "1", Effect: Rebuild}
}

// optimizerOption is the row that picks the optimizer, called name.
func optimizerOption(name string) Option {
	return Option{
		Name: name, Label: "Optimizer", Help: "how training updates the weights (SGD with momentum 0.9)", Type: Choice,
		Choices: []string{"adam", "sgd"}, ChoiceLabels: []string{"Adam", "SGD"}, Default: "adam", Effect: NewOptimizer,
	}
}

// newOptimizer returns a fresh optimizer of kind name at learning rate lr.
func newOptimizer(name string, lr float64) (optim.Optimizer, *Error) {
	opt, err := optim.New(name, lr)
	if err != nil {
		return nil, at(outOfRange(err), "lr")
	}
	return opt, nil
}

// configure builds the model of v.
func (c *classifier) configure(v Values) *Error {
	if e := c.kind.build(v); e != nil {
		return e
	}
	c.values = v
	c.kind.fill(v)
	return nil
}

// load takes a new model from the kind's build: the stepped graph g, the
// training and evaluation graphs and the data. Training starts over.
func (c *classifier) load(v Values, g *engine.Graph, trainG, evalG *lazyGraph, train, test *data.Set) *Error {
	opt, e := newOptimizer(v.Str("optimizer"), v.Float("lr"))
	if e != nil {
		return e
	}
	c.step, c.trainG, c.evalG, c.train, c.test, c.opt = NewStepping(g), trainG, evalG, train, test, opt
	c.fresh = true
	c.drawn = drawingOf(g, nil)
	c.rng = engine.NewMulberry32(v.Seed("seed") + 1)
	c.budget = budget{run: c.run}
	c.loss, c.losses = 0, 0
	c.history = []viz.Series{{Name: "loss"}, {Name: "train accuracy"}, {Name: "held-out accuracy"}}
	return nil
}

// lazyGraph is a graph built on first use, so that an exhibit that is
// only stepped holds none of its training and scoring graphs, many times
// the size of the stepped one.
type lazyGraph struct {
	build func() (*engine.Graph, error)
	g     *engine.Graph
}

// lazy returns the lazy graph of build for batch rows.
func lazy(build func(batch int) (*engine.Graph, error), batch int) *lazyGraph {
	return &lazyGraph{build: func() (*engine.Graph, error) { return build(batch) }}
}

// get returns the graph, building it on first use. The stepped graph of
// the same model was built, so this cannot fail.
func (l *lazyGraph) get() *engine.Graph {
	if l.g == nil {
		g, err := l.build()
		if err != nil {
			panic("exhibit: " + err.Error())
		}
		l.g = g
	}
	return l.g
}

// built reports whether the graph was built.
func (l *lazyGraph) built() bool { return l.g != nil }

// drop forgets the graph, for the garbage collector.
func (l *lazyGraph) drop() { l.g = nil }

// buildGraphs calls a model's Build once per batch size, for the graphs a
// kind's build hands to load.
func buildGraphs(build func(batch int) (*engine.Graph, error), batches ...int) ([]*engine.Graph, *Error) {
	graphs := make([]*engine.Graph, len(batches))
	for i, b := range batches {
		var err error
		if graphs[i], err = build(b); err != nil {
			return nil, outOfRange(err)
		}
	}
	return graphs, nil
}

// Values implements Exhibit.
func (c *classifier) Values() Values { return c.values }

// Stepping implements Exhibit.
func (c *classifier) Stepping() *Stepping { return c.step }

// Drawing implements Exhibit.
func (c *classifier) Drawing() *Drawing { return c.drawn }

// Axes implements Axed.
func (c *classifier) Axes(n *engine.Node) (rows, cols Axis) { return classifierAxes(n, c.train.Names) }

// Views implements Exhibit.
func (c *classifier) Views() []View { return c.kind.views() }

// Apply implements Exhibit.
func (c *classifier) Apply(v Values, effect Effect) *Error {
	switch effect {
	case NewOptimizer:
		// A new optimizer, with fresh moments.
		opt, e := newOptimizer(v.Str("optimizer"), v.Float("lr"))
		if e != nil {
			return e
		}
		c.opt = opt
	case NewExample:
		// The stepped values belong to the old examples: start over.
		c.kind.fill(v)
		c.step.Restart()
	default:
		return c.configure(v)
	}
	c.values = v
	return nil
}
