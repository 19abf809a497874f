// Package pool is the bounded worker pool that every websocket session
// shares for heavy work: engine steps, graph builds and training chunks. A
// fixed number of workers take jobs from a bounded queue, so however many
// learners are connected, at most that many jobs run at once and one busy
// session cannot starve the rest.
package pool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// ErrClosed is returned by Do after Close.
var ErrClosed = errors.New("pool: closed")

// Pool runs jobs on a fixed set of worker goroutines.
type Pool struct {
	jobs   chan *job
	wg     sync.WaitGroup
	mu     sync.RWMutex // guards closed against a send on a closed channel
	closed bool
}

// A job is queued, then either running (a worker took it) or dropped (its
// caller gave up first). Whoever moves it out of queued decides.
const (
	queued int32 = iota
	running
	dropped
)

type job struct {
	fn    func()
	state atomic.Int32
	done  chan struct{} // closed when fn has returned
}

// New starts a pool of workers goroutines with room for queue waiting jobs.
// It panics unless workers >= 1 and queue >= 0.
func New(workers, queue int) *Pool {
	if workers < 1 || queue < 0 {
		panic("pool: New needs workers >= 1 and queue >= 0")
	}
	p := &Pool{jobs: make(chan *job, queue)}
	p.wg.Add(workers)
	for range workers {
		go p.work()
	}
	return p
}

func (p *Pool) work() {
	defer p.wg.Done()
	for j := range p.jobs {
		// A job whose caller gave up while it waited in the queue is skipped.
		if j.state.CompareAndSwap(queued, running) {
			j.fn()
			close(j.done)
		}
	}
}

// Do runs fn on a worker and waits for it to finish. If ctx ends while the
// job still waits for a worker (or for room in the queue), Do returns
// ctx.Err() and fn never runs. Once fn has started, Do waits for it, so the
// caller knows that nothing of its own still runs on the pool.
func (p *Pool) Do(ctx context.Context, fn func()) error {
	j := &job{fn: fn, done: make(chan struct{})}
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return ErrClosed
	}
	select {
	case p.jobs <- j:
		p.mu.RUnlock()
	case <-ctx.Done():
		p.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case <-j.done:
		return nil
	case <-ctx.Done():
		if j.state.CompareAndSwap(queued, dropped) {
			return ctx.Err()
		}
		<-j.done // too late: a worker has started fn
		return nil
	}
}

// Close stops the workers after the queued jobs and waits for them. Do
// returns ErrClosed afterwards.
func (p *Pool) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.jobs)
	}
	p.mu.Unlock()
	p.wg.Wait()
}
