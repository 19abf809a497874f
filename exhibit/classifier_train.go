package exhibit

import (
	"cmp"

	"stepgraph/engine/data"
	"stepgraph/engine/optim"
	"stepgraph/viz"
)

// StartTraining implements Trainer: a run goes on from the steps done.
func (c *classifier) StartTraining() (bool, *Error) { return false, nil }

// StepsWhileTraining implements Trainer: the classifier kinds refuse to
// step while they train.
func (c *classifier) StepsWhileTraining() bool { return false }

// StopTraining implements Trainer. The parameters changed: the stepped
// graph's values are stale, so the cursor goes back to the start.
func (c *classifier) StopTraining() { c.step.Restart() }

// TrainChunk implements Trainer: pace.chunk training steps, the metrics,
// and the charts every pace.plotEvery chunks. The run is finished once
// pace.budget steps are done.
func (c *classifier) TrainChunk() Progress {
	x, y := c.trainG.MustNode("x").Value, c.trainG.MustNode("y").Value
	sum := 0.0
	for range c.pace.chunk {
		c.train.Sample(c.rng, x, y)
		sum += optim.TrainStep(c.trainG, c.opt)
	}
	c.done += c.pace.chunk
	p := Progress{Finished: c.done >= c.pace.budget}
	c.record(sum / float64(c.pace.chunk))
	p.Charts = p.Finished || (c.done/c.pace.chunk)%c.pace.plotEvery == 0
	if p.Finished {
		c.step.Restart()
		p.Cursor = true
	}
	return p
}

// record adds a chunk's loss and both accuracies to the charts' history.
func (c *classifier) record(loss float64) {
	x := float64(c.done)
	for i, y := range []float64{loss, data.Evaluate(c.evalG, c.train), data.Evaluate(c.evalG, c.test)} {
		c.history[i].X = append(c.history[i].X, x)
		c.history[i].Y = append(c.history[i].Y, y)
	}
}

// Metrics implements Exhibit: the accuracy on the training and held-out
// sets, and the loss of the last chunk once training has run (or of the
// stepped graph once the stepper has run it to the end).
func (c *classifier) Metrics(running bool) Metrics {
	v := map[string]float64{}
	if n := len(c.history[0].Y); n > 0 {
		// The weights have not changed since the last chunk measured them.
		v["loss"], v["accuracy"], v["testAccuracy"] = c.history[0].Y[n-1], c.history[1].Y[n-1], c.history[2].Y[n-1]
	} else {
		v["accuracy"], v["testAccuracy"] = data.Evaluate(c.evalG, c.train), data.Evaluate(c.evalG, c.test)
	}
	if loss := c.step.g.LossNode(); !running && c.step.st.ForwardDone(loss) {
		v["loss"] = loss.Value.Data[0] // of the stepped examples, once the cursor has computed it
	}
	return Metrics{Step: c.done, Running: running, Values: v}
}

// Charts implements Exhibit: the loss and accuracy curves once training
// has run, then the kind's own charts.
func (c *classifier) Charts() ([]Chart, error) {
	var out []Chart
	var first error
	if len(c.history[0].X) > 0 {
		for _, ch := range []struct {
			name   string
			series []viz.Series
			opt    viz.ChartOptions
		}{
			{"loss", c.history[:1], viz.ChartOptions{Title: "Training loss", YLabel: "cross-entropy"}},
			{"accuracy", c.history[1:], viz.ChartOptions{Title: "Accuracy", YLabel: "accuracy", YMin: 0, YMax: 1}},
		} {
			svg, err := viz.LossChart(ch.series, ch.opt)
			if err != nil {
				first = cmp.Or(first, err)
				continue
			}
			out = append(out, Chart{Name: ch.name, SVG: svg})
		}
	}
	more, err := c.kind.charts()
	return append(out, more...), cmp.Or(first, err)
}
