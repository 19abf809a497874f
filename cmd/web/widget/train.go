package widget

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// trainer runs a training loop in the background: chunk after chunk on the
// shared pool, at the learner's pace, until the chunk says the run is
// finished or the trainer is stopped. It holds one of the session's
// trainer slots (Env.Train) until it ends. Between chunks other requests get
// the pool, and the widget's lock, so the page stays responsive.
type trainer struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the loop has ended
	// stepsWhileTraining is the exhibit's: whether the learner may step
	// while the loop runs.
	stepsWhileTraining bool
	rate               atomic.Int64 // training steps a second; 0 for full speed
	// over is set, under the widget's lock, by the chunk that finishes the
	// run: from then on the loop is ending, and a start must begin a new one.
	over bool
}

// Pace of a training loop at a given rate (steps a second).
const (
	// fastTick is the pause between two chunks above fastRate steps a
	// second; below it, each chunk is one step and the pause 1/rate.
	fastTick = 20 * time.Millisecond
	fastRate = int(time.Second / fastTick)
	// watchRate is the rate up to which every step is shown: the stepped
	// view and the charts follow each one. Faster, the view follows about
	// once every viewEvery and the charts every chartsEvery.
	watchRate   = 4
	viewEvery   = time.Second
	chartsEvery = 250 * time.Millisecond
)

// pace returns the steps of one chunk and the pause between the starts of
// two chunks at rate steps a second (0: as many as fit in
// exhibit.ChunkTime, without a pause).
func pace(rate int) (steps int, tick time.Duration) {
	switch {
	case rate <= 0:
		return math.MaxInt, 0
	case rate <= fastRate:
		return 1, time.Second / time.Duration(rate)
	}
	return (rate + fastRate - 1) / fastRate, fastTick
}

// startTrainer starts the loop at rate: chunk after chunk on the pool's
// training lane, as the session's owner, so that trainers share the
// workers fairly. chunk runs on a worker with the most steps it may run
// and returns true when training is finished. If the session is closing,
// the loop does not start and the trainer is already done.
func startTrainer(env Env, chunk func(steps int, rate int) (finished bool), stepsWhileTraining bool, rate int, release func()) *trainer {
	ctx, cancel := context.WithCancel(env.Ctx)
	t := &trainer{cancel: cancel, done: make(chan struct{}), stepsWhileTraining: stepsWhileTraining}
	t.rate.Store(int64(rate))
	started := env.Go(func() {
		defer close(t.done)
		defer release() // the trainer's slot
		env.Pool.Loop(ctx, env.Owner, func() (bool, time.Time) {
			rate := int(t.rate.Load())
			steps, tick := pace(rate)
			next := time.Now().Add(tick)
			if safeChunk(env, func() bool { return chunk(steps, rate) }) {
				return false, time.Time{}
			}
			return true, next
		})
	})
	if !started {
		release()
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
	return l.trainer != nil && !l.trainer.over && !l.trainer.finished()
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

// handleTrain starts or stops training. Starting runs chunk after chunk
// of the exhibit's training at the request's rate until its run is
// finished or a stop comes; a start while training changes the rate (and,
// with steps, the run's length). Stopping waits for the running chunk,
// then sends the metrics, the charts and the views of the trained model,
// at the same cursor.
func (a *adapter) handleTrain(req *protocol.Request) *protocol.Error {
	tr, ok := a.ex.(exhibit.Trainer)
	if !ok {
		return protocol.Errorf(protocol.CodeUnsupported, "the %s widget does not train on request: its model is trained when it is configured", a.kind.Name())
	}
	if req.Action != protocol.TrainStart {
		a.stopTraining()
		a.mu.Lock()
		defer a.mu.Unlock()
		a.model++
		tr.StopTraining()
		a.env.Emit(req.ID, a.metrics(false))
		a.sendCharts(req.ID)
		a.sendStep(req.ID)
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if e := a.checkBusy(req); e != nil {
		return e
	}
	running := a.training()
	if running && req.Steps == 0 {
		a.trainer.rate.Store(int64(req.Rate))
		return nil
	}
	var release func()
	if !running {
		var perr *protocol.Error
		if release, perr = a.env.trainSlot(); perr != nil {
			return perr
		}
	}
	a.model++
	changed, e := tr.StartTraining(req.Steps)
	if e != nil {
		if release != nil {
			release()
		}
		return refusal(e)
	}
	if changed {
		a.sendStep(req.ID)
	}
	if running {
		a.trainer.rate.Store(int64(req.Rate))
		return nil
	}
	a.lastView, a.lastCharts = time.Now(), time.Time{}
	a.trainer = startTrainer(a.env, a.trainChunk, tr.StepsWhileTraining(), req.Rate, release)
	return nil
}

// trainChunk runs one chunk of at most steps training steps under the
// lock, and sends what it changed: the metrics after every chunk; the
// charts and the stepped view, replayed with the trained weights at the
// same cursor, after every step up to watchRate steps a second, else now
// and then; both at the end of the run. It reports whether the run is
// finished.
func (a *adapter) trainChunk(steps, rate int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.ex.(exhibit.Trainer).TrainChunk(steps, exhibit.ChunkTime)
	a.model++
	if p.Finished && a.trainer != nil {
		a.trainer.over = true
	}
	a.env.Emit(0, a.metrics(!p.Finished))
	now, watch := time.Now(), rate > 0 && rate <= watchRate
	if p.Finished || watch || now.Sub(a.lastCharts) >= chartsEvery {
		a.lastCharts = now
		a.sendCharts(0)
	}
	if p.Finished || watch || now.Sub(a.lastView) >= viewEvery {
		a.lastView = now
		a.ex.Stepping().Replay()
		a.sendStep(0)
	}
	return p.Finished
}
