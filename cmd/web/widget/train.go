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

// stopTrainer takes the trainer out of *slot under mu and stops it after
// unlocking, since its running chunk takes mu too. A nil slot is a no-op.
func stopTrainer(mu *sync.Mutex, slot **trainer) {
	mu.Lock()
	t := *slot
	*slot = nil
	mu.Unlock()
	if t != nil {
		t.stop()
	}
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
