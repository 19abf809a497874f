package exhibit

import (
	"cmp"
	"time"

	"stepgraph/engine/data"
	"stepgraph/engine/optim"
)

// StartTraining implements Trainer.
func (c *classifier) StartTraining(steps int) (bool, *Error) {
	c.start(steps)
	return false, nil
}

// StepsWhileTraining implements Trainer: the classifier kinds refuse to
// step while they train.
func (c *classifier) StepsWhileTraining() bool { return false }

// StopTraining implements Trainer.
func (c *classifier) StopTraining() { c.step.Replay() }

// TrainChunk implements Trainer: training steps on batches drawn from the
// training set, and a point of the charts every c.every steps (and at the
// end of the run).
func (c *classifier) TrainChunk(max int, d time.Duration) Progress {
	x, y := c.trainG.MustNode("x").Value, c.trainG.MustNode("y").Value
	n := c.steps(max, d, c.every, func() {
		c.train.Sample(c.rng, x, y)
		c.loss += optim.TrainStep(c.trainG, c.opt)
		c.losses++
	}, c.record)
	if c.finished() && c.losses > 0 {
		c.record()
	}
	return Progress{Steps: n, Finished: c.finished()}
}

// record adds the mean training loss since the last point and both
// accuracies to the charts' history.
func (c *classifier) record() {
	x := float64(c.done)
	for i, y := range []float64{c.loss / float64(c.losses), data.Evaluate(c.evalG, c.train), data.Evaluate(c.evalG, c.test)} {
		c.history[i].X = append(c.history[i].X, x)
		c.history[i].Y = append(c.history[i].Y, y)
	}
	c.loss, c.losses = 0, 0
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
		if c.losses > 0 { // training has begun: the mean loss of its steps so far
			v["loss"] = c.loss / float64(c.losses)
		}
	}
	if loss := c.step.g.LossNode(); !running && c.step.st.ForwardDone(loss) {
		v["loss"] = loss.Value.Data[0] // of the stepped examples, once the cursor has computed it
	}
	return Metrics{Step: c.done, RunEnd: c.end, Running: running, Values: v}
}

// Charts implements Exhibit: the loss and both accuracies once training
// has run, then the kind's own charts.
func (c *classifier) Charts() ([]Chart, error) {
	out, err := trainingCharts(c.history)
	more, err2 := c.kind.charts()
	return append(out, more...), cmp.Or(err, err2)
}
