package exhibit

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"stepgraph/engine/data"
	"stepgraph/engine/optim"
)

// StartTraining implements Trainer.
func (c *classifier) StartTraining(steps int) (bool, *Error) {
	c.fresh = false
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
	g := c.trainG.get()
	x, y := g.MustNode("x").Value, g.MustNode("y").Value
	n := c.steps(max, d, c.every, func() {
		c.train.Sample(c.rng, x, y)
		c.loss += optim.TrainStep(g, c.opt)
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
	eval := c.evalG.get()
	for i, y := range []float64{c.loss / float64(c.losses), data.Evaluate(eval, c.train), data.Evaluate(eval, c.test)} {
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
		acc := c.accuracies()
		v["accuracy"], v["testAccuracy"] = acc[0], acc[1]
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

// accuracies scores the model on the training and held-out sets. The
// untrained model's scores are shared by every exhibit of the same model,
// and computed without keeping the scoring graph.
func (c *classifier) accuracies() [2]float64 {
	score := func() ([2]float64, error) {
		eval := c.evalG.get()
		return [2]float64{data.Evaluate(eval, c.train), data.Evaluate(eval, c.test)}, nil
	}
	if !c.fresh {
		acc, _ := score()
		return acc
	}
	built := c.evalG.built()
	acc, _ := untrainedScores.getOr(untrainedKey(c.kindName, c.values), score)
	if !built {
		c.evalG.drop()
	}
	return acc
}

// untrainedScores keeps the accuracies of untrained models, by
// untrainedKey.
var untrainedScores = newMemo[string, [2]float64](256, nil)

// untrainedKey names the untrained model of a classifier kind's options
// and the data it is scored on: every option but those of the optimizer
// and of the stepped examples.
func untrainedKey(kind string, v Values) string {
	var b strings.Builder
	b.WriteString(kind)
	for _, name := range slices.Sorted(maps.Keys(v)) {
		switch name {
		case "lr", "optimizer", "image", "batch":
			continue
		}
		b.WriteString(";" + name + "=" + v[name])
	}
	return b.String()
}
