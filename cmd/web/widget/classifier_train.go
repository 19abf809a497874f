package widget

import (
	"math"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/data"
	"stepgraph/engine/optim"
	"stepgraph/viz"
)

// trainOptions are the options every classifier kind has.
type trainOptions struct {
	Seed      uint32  // "seed": initial weights and data
	LR        float64 // "lr": learning rate of training
	Optimizer string  // "optimizer": sgd or adam
}

// set applies one of the shared options. Any other name is an unknown
// option of the kind, whose option names are known.
func (t *trainOptions) set(kind string, known []string, name, value string) (effect, *protocol.Error) {
	var e *protocol.Error
	switch name {
	case "seed":
		t.Seed, e = seedOption(value)
		return rebuildModel, e
	case "lr":
		t.LR, e = floatOption(name, value, 0, 1)
	case "optimizer":
		t.Optimizer, e = enumOption(name, value, optimizerChoices)
	default:
		return rebuildModel, unknownOption(kind, name, known)
	}
	return replaceOptimizer, e
}

// optimizer returns a fresh optimizer of these options.
func (t trainOptions) optimizer() (optim.Optimizer, *protocol.Error) {
	opt, err := optim.New(t.Optimizer, t.LR)
	if err != nil {
		return nil, protocol.Errorf(protocol.CodeOutOfRange, "%v", err)
	}
	return opt, nil
}

// handleTrain starts or stops the training loop.
func (c *classifier) handleTrain(req *protocol.Request) *protocol.Error {
	return c.answerTrain(c.env, req, c.trainChunk, nil, func() {
		// The parameters changed: the stepped graph's values are stale, so
		// the cursor goes back to the start.
		c.step.restart()
		c.env.Emit(req.ID, c.metrics(math.NaN(), false))
		c.sendStep(req.ID)
		c.kind.plots(req.ID)
	})
}

// trainChunk runs pace.chunk training steps and reports the metrics. It
// returns true once pace.budget steps are done.
func (c *classifier) trainChunk() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	x, y := c.trainG.MustNode("x").Value, c.trainG.MustNode("y").Value
	sum := 0.0
	for range c.pace.chunk {
		c.train.Sample(c.rng, x, y)
		sum += optim.TrainStep(c.trainG, c.opt)
	}
	c.done += c.pace.chunk
	finished := c.done >= c.pace.budget
	m := c.metrics(sum/float64(c.pace.chunk), !finished)
	c.env.Emit(0, m)
	c.record(m)
	if finished || (c.done/c.pace.chunk)%c.pace.plotEvery == 0 {
		c.plot()
		c.kind.plots(0)
	}
	if finished {
		c.step.restart()
		c.sendStep(0)
	}
	return finished
}

// record adds a chunk's metrics to the history of the charts.
func (c *classifier) record(m *protocol.Metrics) {
	x := float64(m.Step)
	for i, key := range []string{"loss", "accuracy", "testAccuracy"} {
		c.history[i].X = append(c.history[i].X, x)
		c.history[i].Y = append(c.history[i].Y, m.Values[key])
	}
}

// plot sends the loss and accuracy curves, drawn on the server.
func (c *classifier) plot() {
	charts := []struct {
		name   string
		series []viz.Series
		opt    viz.ChartOptions
	}{
		{"loss", c.history[:1], viz.ChartOptions{Title: "Training loss", YLabel: "cross-entropy"}},
		{"accuracy", c.history[1:], viz.ChartOptions{Title: "Accuracy", YLabel: "accuracy", YMin: 0, YMax: 1}},
	}
	for _, ch := range charts {
		svg, err := viz.LossChart(ch.series, ch.opt)
		if err != nil {
			c.env.Log.Error("loss chart", "err", err)
			continue
		}
		c.env.Emit(0, &protocol.Plot{Header: protocol.Header{Type: protocol.TypePlot}, Name: ch.name, SVG: string(svg)})
	}
}

// metrics measures the accuracy on the training and held-out sets; loss is
// left out when it is NaN (nothing trained yet).
func (c *classifier) metrics(loss float64, running bool) *protocol.Metrics {
	v := map[string]float64{
		"accuracy":     data.Evaluate(c.evalG, c.train),
		"testAccuracy": data.Evaluate(c.evalG, c.test),
	}
	if !math.IsNaN(loss) {
		v["loss"] = loss
	}
	return &protocol.Metrics{Header: protocol.Header{Type: protocol.TypeMetrics}, Step: c.done, Running: running, Values: v}
}
