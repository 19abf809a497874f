package exhibit

import (
	"strings"
	"time"

	"stepgraph/engine"
	"stepgraph/engine/optim"
	"stepgraph/engine/task"
	"stepgraph/viz"
)

// Pace of the lab's training.
const (
	// LabRecordEvery is how many training steps make one point of the
	// chart: the loss and accuracy are their means.
	LabRecordEvery = 5
	// labRunSteps is the length of a run the learner does not size.
	labRunSteps = 3000
	// labSamplesEvery throttles the decoding of the sample predictions
	// while the lab trains.
	labSamplesEvery = 250 * time.Millisecond
	// labMaxHistory bounds the points kept for the chart; past it every
	// other point is dropped.
	labMaxHistory = 4096
)

// labRun is the training state of one model: the batch stream, the steps
// done, the last point's numbers and the history of the chart.
type labRun struct {
	rng *engine.Mulberry32
	budget
	startStep int // done when training last started
	started   time.Time
	loss, acc float64    // the means of the last point
	sum       [2]float64 // loss and accuracy summed since the last point
	n         int        // and their number
	// samples are the last decoded sample predictions, nil when they must
	// be decoded again; while training they are decoded at most every
	// labSamplesEvery.
	samples     []Sample
	lastSamples time.Time
	history     []viz.Series
}

func newLabRun(seed uint32) *labRun {
	return &labRun{rng: LabStream(seed, StreamTrain), budget: budget{run: labRunSteps}, history: []viz.Series{{Name: "loss"}, {Name: "accuracy"}}}
}

// record adds the means since the last point to the chart's history.
func (r *labRun) record() {
	r.loss, r.acc = r.sum[0]/float64(r.n), r.sum[1]/float64(r.n)
	r.sum, r.n = [2]float64{}, 0
	if len(r.history[0].X) >= labMaxHistory {
		for i := range r.history {
			s := &r.history[i]
			s.X, s.Y = thin(s.X), thin(s.Y)
		}
	}
	for i, y := range []float64{r.loss, r.acc} {
		r.history[i].X = append(r.history[i].X, float64(r.done))
		r.history[i].Y = append(r.history[i].Y, y)
	}
}

// thin keeps every other value of v, in place.
func thin(v []float64) []float64 {
	n := 0
	for i := 0; i < len(v); i += 2 {
		v[n] = v[i]
		n++
	}
	return v[:n]
}

// labUntrained is what a lab reports of the seed's untrained model: the
// held-out loss and accuracy, and the samples.
type labUntrained struct {
	loss, acc float64
	samples   []Sample
}

// untrainedLabs keeps the untrained numbers of the models in use, by the
// options that shape and seed the model.
var untrainedLabs = newMemo[string, *labUntrained](256, nil)

// untrained returns the numbers of the lab's untrained model, computed
// once for every lab of the same model (on a sampling graph dropped
// after, unless the lab had one).
func (l *Lab) untrained() *labUntrained {
	u, _ := untrainedLabs.getOr(labModelKey(l.values), func() (*labUntrained, error) {
		had := l.lm.eval != nil
		u := &labUntrained{}
		u.loss, u.acc = l.lm.heldOutLoss()
		s, err := l.lm.samples()
		if err != nil {
			s = []Sample{} // the held-out inputs are drawn valid: a bug, seen as no samples
		}
		u.samples = s
		if !had {
			l.lm.eval = nil
		}
		return u, nil
	})
	return u
}

// labModelKey names the model that v builds and its seed: the options
// that change the weights, the held-out inputs or the graph.
func labModelKey(v Values) string {
	var b strings.Builder
	for _, name := range []string{"arch", "task", "act", "layers", "heads", "d", "dff", "n", "k", "seed", "causal"} {
		b.WriteString(name + "=" + v.Str(name) + ";")
	}
	return b.String()
}

// StartTraining implements Trainer.
func (l *Lab) StartTraining(steps int) (bool, *Error) {
	if e := l.notQuantized("train the float model"); e != nil {
		return false, e
	}
	l.lm.own()
	l.fresh = false
	l.run.start(steps)
	l.run.startStep, l.run.started = l.run.done, time.Now()
	return false, nil
}

// StepsWhileTraining implements Trainer: the learner steps on while the
// lab trains, each request in turn with the chunks.
func (l *Lab) StepsWhileTraining() bool { return true }

// StopTraining implements Trainer: the stepped run is replayed with the
// trained weights, at the same cursor.
func (l *Lab) StopTraining() { l.step.Replay() }

// TrainStep runs one of the lab's training steps: the optimizer on a
// fresh batch of labTrainBatch sequences from the seed's training stream
// (never a held-out input, when there are enough others). It returns the
// loss and the token accuracy of the forward pass, before the update.
func (l *Lab) TrainStep() (loss, acc float64) {
	l.lm.own()
	r, g := l.run, l.lm.trainGraph()
	b := l.lm.trainBatch(r.rng)
	task.Fill(g, b)
	loss = optim.TrainStep(g, l.opt)
	return loss, task.Accuracy(g, b)
}

// TrainChunk implements Trainer: steps on fresh batches, a point of the
// chart every LabRecordEvery steps and at the end of the run.
func (l *Lab) TrainChunk(max int, d time.Duration) Progress {
	r := l.run
	n := r.steps(max, d, LabRecordEvery, func() {
		loss, acc := l.TrainStep()
		r.sum[0], r.sum[1], r.n = r.sum[0]+loss, r.sum[1]+acc, r.n+1
	}, r.record)
	if r.finished() && r.n > 0 {
		r.record()
	}
	return Progress{Steps: n, Finished: r.finished()}
}

// Metrics implements Exhibit: the training numbers and the sample
// predictions. Before the first training step, the loss and accuracy are
// those of the held-out samples.
func (l *Lab) Metrics(training bool) Metrics {
	r := l.run
	if l.fresh {
		// The seed's untrained model: its numbers are shared by every lab
		// of the same model, and its sampling graph need not be kept.
		u := l.untrained()
		return Metrics{RunEnd: r.end, Samples: u.samples, Values: l.quantValues(map[string]float64{"loss": u.loss, "accuracy": u.acc, "stepsPerSec": 0})}
	}
	loss, acc := r.loss, r.acc
	switch {
	case len(r.history[0].X) == 0 && r.n > 0: // training has begun: the means of its steps so far
		loss, acc = r.sum[0]/float64(r.n), r.sum[1]/float64(r.n)
	case len(r.history[0].X) == 0:
		loss, acc = l.lm.heldOutLoss()
	}
	rate := 0.0
	if training {
		if secs := time.Since(r.started).Seconds(); secs > 0 {
			rate = float64(r.done-r.startStep) / secs
		}
	}
	if now := time.Now(); !training || r.samples == nil || now.Sub(r.lastSamples) >= labSamplesEvery {
		s, err := l.lm.samples()
		if err != nil {
			s = []Sample{} // the held-out inputs are drawn valid: a bug, seen as no samples
		}
		r.samples, r.lastSamples = s, now
	}
	return Metrics{
		Step: r.done, RunEnd: r.end, Running: training, Samples: r.samples,
		Values: l.quantValues(map[string]float64{"loss": loss, "accuracy": acc, "stepsPerSec": rate}),
	}
}

// quantValues adds the quantized model's report to v, the training
// numbers, while the lab runs it.
func (l *Lab) quantValues(v map[string]float64) map[string]float64 {
	if l.quant != nil {
		for k, x := range l.quant.values {
			v[k] = x
		}
	}
	return v
}

// Charts implements Exhibit: the loss and accuracy, once training has run.
func (l *Lab) Charts() ([]Chart, error) { return trainingCharts(l.run.history) }
