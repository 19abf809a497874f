package widget

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// trainer runs a training loop in the background: chunk after chunk on the
// shared pool, until the chunk says it is finished or the trainer is
// stopped. Between chunks other requests get the pool, and the widget's
// lock, so the page stays responsive.
type trainer struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the loop has ended
	// stepsWhileTraining is the exhibit's: whether the learner may step
	// while the loop runs.
	stepsWhileTraining bool
}

// startTrainer starts the loop. chunk runs on a pool worker and returns
// true when training is finished. If the session is closing, the loop does
// not start and the trainer is already done.
func startTrainer(env Env, chunk func() (finished bool), stepsWhileTraining bool) *trainer {
	ctx, cancel := context.WithCancel(env.Ctx)
	t := &trainer{cancel: cancel, done: make(chan struct{}), stepsWhileTraining: stepsWhileTraining}
	started := env.Go(func() {
		defer close(t.done)
		for ctx.Err() == nil {
			finished := false
			if err := env.Pool.Do(ctx, func() { finished = safeChunk(env, chunk) }); err != nil || finished {
				return
			}
		}
	})
	if !started {
		cancel()
		close(t.done)
	}
	return t
}

// stop ends the loop and waits for it. A chunk that is running finishes
// first; the caller must not hold a lock that chunk takes.
func (t *trainer) stop() {
	t.cancel()
	<-t.done
}

// finished reports whether the loop has ended on its own.
func (t *trainer) finished() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// trainLoop is the lock that guards a widget's fields against its
// training loop (each chunk takes it), and the loop, if one has been
// started.
type trainLoop struct {
	mu      sync.Mutex
	trainer *trainer
}

// training reports whether a loop runs. The caller holds mu.
func (l *trainLoop) training() bool {
	return l.trainer != nil && !l.trainer.finished()
}

// stopTraining ends the loop, if any, and waits for it. The caller must
// not hold mu, since the running chunk takes it.
func (l *trainLoop) stopTraining() {
	l.mu.Lock()
	t := l.trainer
	l.trainer = nil
	l.mu.Unlock()
	if t != nil {
		t.stop()
	}
}

// Close stops the training loop, if any, and waits for it.
func (l *trainLoop) Close() { l.stopTraining() }

// safeChunk runs chunk and turns a panic (a bug) into the end of training,
// an error message to the client and a log line, so that one widget cannot
// take the server down.
func safeChunk(env Env, chunk func() bool) (finished bool) {
	defer func() {
		if r := recover(); r != nil {
			finished = true
			env.Log.Error("training panic", "panic", r, "stack", string(debug.Stack()))
			env.Emit(0, protocol.NewError(&protocol.Request{Type: protocol.TypeTrain},
				protocol.Errorf(protocol.CodeInternal, "training stopped: %v", fmt.Sprint(r))))
		}
	}()
	return chunk()
}

// handleTrain starts or stops training. Starting runs chunk after chunk of
// the exhibit's training until its run is finished or a stop comes;
// stopping waits for the running chunk, then sends the metrics, charts
// and the views of the trained model.
func (a *adapter) handleTrain(req *protocol.Request) *protocol.Error {
	tr, ok := a.ex.(exhibit.Trainer)
	if !ok {
		return protocol.Errorf(protocol.CodeUnsupported, "the %s widget does not train on request: its model is trained when it is configured", a.kind.Name())
	}
	if req.Action != protocol.TrainStart {
		a.stopTraining()
		a.mu.Lock()
		defer a.mu.Unlock()
		tr.StopTraining()
		a.env.Emit(req.ID, a.metrics(false))
		a.sendCharts(req.ID)
		a.sendStep(req.ID)
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.training() {
		return nil
	}
	changed, e := tr.StartTraining()
	if e != nil {
		return refusal(e)
	}
	if changed {
		a.sendStep(req.ID)
	}
	a.trainer = startTrainer(a.env, a.trainChunk, tr.StepsWhileTraining())
	return nil
}

// trainChunk runs one chunk of the exhibit's training under the lock and
// sends what it changed: the metrics, and when the exhibit says so the
// charts and the refreshed cursor. It reports whether the run is finished.
func (a *adapter) trainChunk() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.ex.(exhibit.Trainer).TrainChunk()
	a.env.Emit(0, a.metrics(!p.Finished))
	if p.Charts {
		a.sendCharts(0)
	}
	if p.Cursor {
		a.sendStep(0)
	}
	return p.Finished
}
