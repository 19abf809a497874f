package exhibit

import (
	"runtime"
	"time"

	"stepgraph/viz"
)

// MaxRunSteps bounds the steps of one run of training a learner asks
// for, so that a forgotten tab does not train for ever.
const MaxRunSteps = 100_000

// ChunkTime bounds a chunk of training at full speed: the training loop
// asks each chunk to stop once this much time has passed (after at least
// one step), so that a request waits at most about this long for the
// exhibit, whatever the model's size.
const ChunkTime = 20 * time.Millisecond

// budget counts an exhibit's training steps and the end of its current
// run. A run trains until end; a pause keeps it, so that a resume goes on
// to the same end.
type budget struct {
	done int // training steps since the model was built
	end  int // the step at which the current run stops
	run  int // the steps of a run the learner did not size
}

// start readies a run: steps more steps when steps > 0, else the rest of
// a paused run, or a run of the default length when none is left.
func (b *budget) start(steps int) {
	switch {
	case steps > 0:
		b.end = b.done + min(steps, MaxRunSteps)
	case b.done >= b.end:
		b.end = b.done + b.run
	}
}

// finished reports whether the current run has used its steps.
func (b *budget) finished() bool { return b.done >= b.end }

// steps runs step until max steps have run, d has passed (after at least
// one step), or the run is finished, counting them; every every steps it
// calls each, after the step. It returns how many steps ran. Between two
// steps it yields its core (runtime.Gosched): a training chunk keeps a
// core for up to d, and whatever waits for that core, such as the reader
// or writer of another learner's socket, would otherwise wait for the
// runtime to preempt the chunk, about 10 ms, at each of its hops.
func (b *budget) steps(max int, d time.Duration, every int, step, each func()) int {
	start, n := time.Now(), 0
	for n < max && !b.finished() && (n == 0 || time.Since(start) < d) {
		step()
		b.done++
		n++
		runtime.Gosched()
		if every > 0 && b.done%every == 0 {
			each()
		}
	}
	return n
}

// trainingCharts draws history, the loss then one or more accuracies, as
// the "loss" chart: the loss and the accuracies on axes of their own.
// There is none before the first point.
func trainingCharts(history []viz.Series) ([]Chart, error) {
	if len(history[0].X) == 0 {
		return nil, nil
	}
	svg, err := viz.TrainingChart(history[:1], history[1:], viz.ChartOptions{Title: "Training"})
	if err != nil {
		return nil, err
	}
	return []Chart{{Name: "loss", SVG: svg}}, nil
}
