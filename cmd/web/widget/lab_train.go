package widget

import (
	"time"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/optim"
	"stepgraph/engine/task"
	"stepgraph/viz"
)

// Pace of the lab's training loop.
const (
	// A chunk of training runs under the widget's lock: labChunkSteps
	// steps, or fewer once labChunkTime has passed (at least one), so a
	// stepping request waits at most about that long even for the largest
	// model, whose steps take tens of milliseconds.
	labChunkSteps = 5
	labChunkTime  = 40 * time.Millisecond
	// labRunSteps is how many steps one "train start" runs before training
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
	samples  []protocol.Sample
	history  []viz.Series
	lastPlot time.Time
	lastView time.Time
}

func newLabRun(seed uint32) *labRun {
	return &labRun{rng: labStream(seed, streamTrain), history: []viz.Series{{Name: "loss"}, {Name: "accuracy"}}}
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

// handleTrain starts or stops the training loop. Stopping waits for the
// running chunk, then refreshes the stepped view with the trained weights.
func (w *labWidget) handleTrain(req *protocol.Request) *protocol.Error {
	return w.answerTrain(w.env, req, w.trainChunk, func() *protocol.Error {
		w.run.startStep, w.run.started = w.run.done, time.Now()
		return nil
	}, func() {
		w.env.Emit(req.ID, w.metrics(false))
		w.plot(req.ID)
		w.step.replay()
		w.sendStep(req.ID)
	})
}

// trainChunk runs a chunk of steps on fresh batches, sends the metrics,
// and now and then the chart (with newly decoded samples) and the
// refreshed stepped view. It reports whether this run of training has
// reached labRunSteps.
func (w *labWidget) trainChunk() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, g := w.run, w.lm.train
	loss, acc := 0.0, 0.0
	start, n := time.Now(), 0
	for n < labChunkSteps && (n == 0 || time.Since(start) < labChunkTime) && r.done-r.startStep < labRunSteps {
		b := w.lm.trainBatch(r.rng)
		task.Fill(g, b)
		loss += optim.TrainStep(g, w.opt)
		acc += task.Accuracy(g, b) // of the forward pass, before the update
		r.done++
		n++
	}
	r.loss, r.acc = loss/float64(n), acc/float64(n)
	r.record()
	finished := r.done-r.startStep >= labRunSteps
	now := time.Now()
	plot := finished || now.Sub(r.lastPlot) >= labPlotEvery
	if plot {
		r.samples = nil // decode them anew, for this message and the next ones
	}
	w.env.Emit(0, w.metrics(!finished))
	if plot {
		r.lastPlot = now
		w.plot(0)
	}
	if finished || now.Sub(r.lastView) >= labRefreshEvery {
		r.lastView = now
		w.step.replay()
		w.sendStep(0)
	}
	return finished
}

// metrics returns the training numbers and the sample predictions.
func (w *labWidget) metrics(training bool) *protocol.LabMetrics {
	r := w.run
	loss, acc := r.loss, r.acc
	if r.done == 0 {
		loss, acc = w.lm.heldOutLoss()
	}
	rate := 0.0
	if training {
		if secs := time.Since(r.started).Seconds(); secs > 0 {
			rate = float64(r.done-r.startStep) / secs
		}
	}
	m := &protocol.LabMetrics{
		Metrics: protocol.Metrics{
			Header: protocol.Header{Type: protocol.TypeMetrics}, Step: r.done, Running: training,
			Values: map[string]float64{"loss": loss, "accuracy": acc, "stepsPerSec": rate},
		},
		Loss: loss, Accuracy: acc, StepsPerSec: rate, Training: training, Samples: r.samples,
	}
	if !training || r.samples == nil {
		s, err := w.lm.samples()
		if err != nil {
			w.env.Log.Error("lab samples", "err", err)
			s = []protocol.Sample{}
		}
		r.samples, m.Samples = s, s
	}
	return m
}

// plot sends the loss and accuracy chart, drawn on the server.
func (w *labWidget) plot(id int64) {
	if len(w.run.history[0].X) == 0 {
		return
	}
	svg, err := viz.LossChart(w.run.history, viz.ChartOptions{Title: "Training", YLabel: "loss, accuracy"})
	if err != nil {
		w.env.Log.Error("lab loss chart", "err", err)
		return
	}
	w.env.Emit(id, &protocol.Plot{Header: protocol.Header{Type: protocol.TypePlot}, Name: "loss", SVG: string(svg)})
}
