package exhibit

import (
	"time"

	"stepgraph/engine"
	"stepgraph/engine/optim"
	"stepgraph/engine/task"
	"stepgraph/viz"
)

// Pace of the lab's training loop.
const (
	// A chunk of training runs under the adapter's lock: LabChunkSteps
	// steps, or fewer once labChunkTime has passed (at least one), so a
	// stepping request waits at most about that long even for the largest
	// model, whose steps take tens of milliseconds.
	LabChunkSteps = 5
	labChunkTime  = 40 * time.Millisecond
	// labRunSteps is how many steps one run of training takes before it
	// stops by itself, so a forgotten tab does not train forever.
	labRunSteps = 3000
	// labPlotEvery throttles the loss chart, labRefreshEvery the refresh of
	// the stepped view with the trained weights.
	labPlotEvery    = 250 * time.Millisecond
	labRefreshEvery = time.Second
	// labMaxHistory bounds the points kept for the chart; past it every
	// other point is dropped.
	labMaxHistory = 4096
)

// labRun is the training state of one model: the batch stream, the steps
// done, the last chunk's numbers and the history of the chart.
type labRun struct {
	rng       *engine.Mulberry32
	done      int // training steps since the model was built
	startStep int // done when training last started
	started   time.Time
	loss, acc float64 // means over the last chunk
	// samples are the last decoded sample predictions, nil when they must
	// be decoded again: training decodes them with the chart, not after
	// every chunk.
	samples  []Sample
	history  []viz.Series
	lastPlot time.Time
	lastView time.Time
}

func newLabRun(seed uint32) *labRun {
	return &labRun{rng: LabStream(seed, StreamTrain), history: []viz.Series{{Name: "loss"}, {Name: "accuracy"}}}
}

// record adds the last chunk's loss and accuracy to the chart's history.
func (r *labRun) record() {
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

// StartTraining implements Trainer: a run of labRunSteps steps from the
// steps done.
func (l *Lab) StartTraining() (bool, *Error) {
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
	r, g := l.run, l.lm.train
	b := l.lm.trainBatch(r.rng)
	task.Fill(g, b)
	loss = optim.TrainStep(g, l.opt)
	r.done++
	return loss, task.Accuracy(g, b)
}

// TrainChunk implements Trainer: a chunk of steps on fresh batches; now
// and then the chart (with newly decoded samples) and the refreshed
// stepped view.
func (l *Lab) TrainChunk() Progress {
	r := l.run
	loss, acc := 0.0, 0.0
	start, n := time.Now(), 0
	for n < LabChunkSteps && (n == 0 || time.Since(start) < labChunkTime) && r.done-r.startStep < labRunSteps {
		l1, a1 := l.TrainStep()
		loss, acc = loss+l1, acc+a1
		n++
	}
	r.loss, r.acc = loss/float64(n), acc/float64(n)
	r.record()
	p := Progress{Finished: r.done-r.startStep >= labRunSteps}
	now := time.Now()
	if p.Finished || now.Sub(r.lastPlot) >= labPlotEvery {
		r.samples = nil // decode them anew, for this chart and the metrics that follow
		r.lastPlot = now
		p.Charts = true
	}
	if p.Finished || now.Sub(r.lastView) >= labRefreshEvery {
		r.lastView = now
		l.step.Replay()
		p.Cursor = true
	}
	return p
}

// Metrics implements Exhibit: the training numbers and the sample
// predictions. Before the first training step, the loss and accuracy are
// those of the held-out samples.
func (l *Lab) Metrics(training bool) Metrics {
	r := l.run
	loss, acc := r.loss, r.acc
	if r.done == 0 {
		loss, acc = l.lm.heldOutLoss()
	}
	rate := 0.0
	if training {
		if secs := time.Since(r.started).Seconds(); secs > 0 {
			rate = float64(r.done-r.startStep) / secs
		}
	}
	if !training || r.samples == nil {
		s, err := l.lm.samples()
		if err != nil {
			s = []Sample{} // the held-out inputs are drawn valid: a bug, seen as no samples
		}
		r.samples = s
	}
	return Metrics{
		Step: r.done, Running: training, Samples: r.samples,
		Values: map[string]float64{"loss": loss, "accuracy": acc, "stepsPerSec": rate},
	}
}

// Charts implements Exhibit: the loss and accuracy, once training has run.
func (l *Lab) Charts() ([]Chart, error) {
	if len(l.run.history[0].X) == 0 {
		return nil, nil
	}
	svg, err := viz.LossChart(l.run.history, viz.ChartOptions{Title: "Training", YLabel: "loss, accuracy"})
	if err != nil {
		return nil, err
	}
	return []Chart{{Name: "loss", SVG: svg}}, nil
}
