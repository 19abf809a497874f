package widget

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"stepgraph/cmd/web/protocol"
)

// trainer runs a training loop in the background: chunk after chunk on the
// shared pool, until the chunk says it is finished or the trainer is
// stopped. Between chunks other requests get the pool, and the widget's
// lock, so the page stays responsive.
type trainer struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the loop has ended
}

// startTrainer starts the loop. chunk runs on a pool worker and returns
// true when training is finished. If the session is closing, the loop does
// not start and the trainer is already done.
func startTrainer(env Env, chunk func() (finished bool)) *trainer {
	ctx, cancel := context.WithCancel(env.Ctx)
	t := &trainer{cancel: cancel, done: make(chan struct{})}
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

// trainLoop is what a widget that trains embeds: the lock that guards the
// widget's fields against its training loop (each chunk takes it), and
// the loop, if one has been started.
type trainLoop struct {
	mu      sync.Mutex
	trainer *trainer
}

// training reports whether a loop runs. The caller holds mu.
func (l *trainLoop) training() bool {
	return l.trainer != nil && !l.trainer.finished()
}

// answerTrain answers a train request. "start" calls begin, which may
// refuse with an error, and starts a loop of chunk, unless one runs
// already. "stop" ends the loop and waits for its running chunk, then
// calls stopped to send the views of the trained model. begin and stopped
// run under mu; begin may be nil.
func (l *trainLoop) answerTrain(env Env, req *protocol.Request, chunk func() bool, begin func() *protocol.Error, stopped func()) *protocol.Error {
	if req.Action != protocol.TrainStart {
		l.stopTraining()
		l.mu.Lock()
		defer l.mu.Unlock()
		stopped()
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.training() {
		return nil
	}
	if begin != nil {
		if e := begin(); e != nil {
			return e
		}
	}
	l.trainer = startTrainer(env, chunk)
	return nil
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
