package widget

import (
	"math"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/data"
	"stepgraph/engine/optim"
	"stepgraph/viz"
)

// classifier is what the mlp and cnn widgets share: a model that puts the
// examples of a labelled data set (package data) into classes, a small
// graph of it that the learner steps through, and a loop that trains it,
// with its metrics and charts. A widget kind embeds a classifier and tells
// it, through classifierKind, how to build the model from its options and
// what more to show.
type classifier struct {
	env       Env
	name      string // the widget kind, for messages
	kind      classifierKind
	pace      pace
	trainLoop // its lock guards the fields below against the training loop

	opts    classifierOptions
	step    *stepping
	train   *data.Set
	test    *data.Set
	trainG  *engine.Graph // one training batch; shares the model's parameters
	evalG   *engine.Graph // scores the data sets; shares them too
	opt     optim.Optimizer
	rng     *engine.Mulberry32 // draws the training batches
	done    int                // training steps done
	history []viz.Series       // loss, train and held-out accuracy per chunk
}

// classifierKind is what a widget kind adds to its classifier. The
// classifier calls it with its lock held.
type classifierKind interface {
	// build makes the model, data and graphs that o describes and hands
	// them to the classifier with load. On error nothing changes.
	build(o classifierOptions) *protocol.Error
	// fill puts the examples that o picks into the stepped graph's inputs.
	fill(o classifierOptions)
	// views emits the kind's own messages that go with a node message.
	views(id int64)
	// plots emits the kind's own charts, after the loss and accuracy.
	plots(id int64)
}

// classifierOptions are a widget kind's options.
type classifierOptions interface {
	// with returns a copy with one option changed, and what the change
	// needs.
	with(name, value string) (classifierOptions, effect, *protocol.Error)
	// training returns the options every kind shares.
	training() trainOptions
}

// effect is what an option change needs.
type effect int

const (
	rebuildModel     effect = iota // a new model, data and graphs
	replaceOptimizer               // a new optimizer: the model keeps its weights
	refillExamples                 // other examples in the stepped graph
)

// pace is how a classifier trains.
type pace struct {
	chunk     int // training steps between two metrics messages
	plotEvery int // chunks between two charts
	budget    int // steps after which training stops by itself
}

// newClassifier returns a classifier of the kind named name, not yet
// configured: the kind embeds it, then calls configure.
func newClassifier(env Env, name string, kind classifierKind, p pace) *classifier {
	return &classifier{env: env, name: name, kind: kind, pace: p}
}

// configure builds the model of the defaults changed by opts, as a
// lesson's widget block or a configure request writes them.
func (c *classifier) configure(defaults classifierOptions, opts map[string]string) *protocol.Error {
	o := defaults
	for _, k := range sortedKeys(opts) {
		if isPresentational(k) {
			continue
		}
		var e *protocol.Error
		if o, _, e = o.with(k, opts[k]); e != nil {
			return e
		}
	}
	return c.rebuild(o)
}

// rebuild builds the model of o and fills its stepped graph.
func (c *classifier) rebuild(o classifierOptions) *protocol.Error {
	if e := c.kind.build(o); e != nil {
		return e
	}
	c.opts = o
	c.kind.fill(o)
	return nil
}

// load takes a new model from the kind's build: the stepped graph g, the
// training and evaluation graphs and the data. Training starts over.
func (c *classifier) load(o classifierOptions, g, trainG, evalG *engine.Graph, train, test *data.Set) *protocol.Error {
	opt, e := o.training().optimizer()
	if e != nil {
		return e
	}
	c.step, c.trainG, c.evalG, c.train, c.test, c.opt = newStepping(g), trainG, evalG, train, test, opt
	c.rng = engine.NewMulberry32(o.training().Seed + 1)
	c.done = 0
	c.history = []viz.Series{{Name: "loss"}, {Name: "train accuracy"}, {Name: "held-out accuracy"}}
	return nil
}

// buildGraphs calls a model's Build once per batch size, for the graphs a
// kind's build hands to load.
func buildGraphs(build func(batch int) (*engine.Graph, error), batches ...int) ([]*engine.Graph, *protocol.Error) {
	graphs := make([]*engine.Graph, len(batches))
	for i, b := range batches {
		var err error
		if graphs[i], err = build(b); err != nil {
			return nil, protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
		}
	}
	return graphs, nil
}

// Start sends the graph, the cursor, the kind's views and charts and the
// untrained accuracy.
func (c *classifier) Start(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sendAll(id)
}

// sendAll sends the graph, the cursor, the kind's views and charts and
// the accuracy.
func (c *classifier) sendAll(id int64) {
	emitGraph(c.env, id, c.name, c.step)
	c.kind.views(id)
	c.kind.plots(id)
	c.env.Emit(id, c.metrics(math.NaN(), false))
}

// sendStep sends the cursor and the highlighted node, and the kind's views.
func (c *classifier) sendStep(id int64) {
	c.env.Emit(id, c.step.message())
	c.kind.views(id)
}

// Handle answers step, back, run, reset, select, set and train.
func (c *classifier) Handle(req *protocol.Request) *protocol.Error {
	if req.Type == protocol.TypeTrain {
		return c.handleTrain(req)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.training() && req.Type != protocol.TypeSelect {
		return protocol.Errorf(protocol.CodeBusy, "the model is training; stop it first")
	}
	switch {
	case handles(req):
		if e := stepAndEmit(c.env, c.step, req); e != nil {
			return e
		}
		c.kind.views(req.ID)
		if req.Type == protocol.TypeRun && c.step.st.Done() {
			c.env.Emit(req.ID, c.metrics(c.step.g.LossNode().Value.Data[0], false))
		}
		return nil
	case req.Type == protocol.TypeSet:
		return c.set(req)
	}
	return protocol.Errorf(protocol.CodeUnsupported, "the %s widget does not answer %q", c.name, req.Type)
}

// set changes one option, and does what the change needs.
func (c *classifier) set(req *protocol.Request) *protocol.Error {
	o, eff, e := c.opts.with(req.Name, req.Value)
	if e != nil {
		return e
	}
	switch eff {
	case rebuildModel:
		if e := c.rebuild(o); e != nil {
			return e
		}
		c.sendAll(req.ID)
		return nil
	case replaceOptimizer:
		// A new optimizer, with fresh moments.
		opt, e := o.training().optimizer()
		if e != nil {
			return e
		}
		c.opt = opt
	case refillExamples:
		// The stepped values belong to the old examples: start over.
		c.kind.fill(o)
		c.step.restart()
	}
	c.opts = o
	c.sendStep(req.ID)
	return nil
}
