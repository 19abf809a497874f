// Package pool is the bounded worker pool that every websocket session
// shares for heavy work: engine steps, graph builds, exports and training
// chunks. A fixed number of workers take jobs from three lanes, so however
// many learners are connected, at most that many jobs run at once, and one
// busy learner cannot starve the rest:
//
//   - Interactive jobs (a step, a select, a small rebuild) always go first,
//     in the order they came, from a bounded queue.
//   - Heavy one-off jobs (exports, the largest rebuilds) have a lane of
//     their own that holds at most a few workers at once.
//   - Training loops (Loop) go last, shared fairly: each owner (a
//     connection, within its client's address) gets the workers in turn
//     by the time its chunks have taken, first between addresses, then
//     between the connections of one address. A loop stays in the lane
//     between its chunks, so the pick weighs every active owner.
package pool

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Do after Close.
var ErrClosed = errors.New("pool: closed")

// Lane is the kind of a job, which decides when a worker takes it.
type Lane int

const (
	Interactive Lane = iota // first, in order
	Heavy                   // next, at most half the workers at once
)

// Owner names whose training a job is: a connection of a client address.
type Owner struct {
	IP   string
	Conn string
}

// Pool runs jobs on a fixed set of worker goroutines.
type Pool struct {
	jobs  chan *job     // the interactive lane, bounded
	wake  chan struct{} // a worker's token: a heavy or training job came
	heavy int           // HeavyWorkers

	// sendMu is held (read) by an interactive send and taken by Close, so
	// that the queue never closes under a send.
	sendMu sync.RWMutex

	mu       sync.Mutex
	closed   bool
	heavyQ   []*job
	heavyRun int
	loops    map[Owner][]*loop        // the training loops of each owner
	used     map[Owner]time.Duration  // training time given to each owner
	usedIP   map[string]time.Duration // and to each address
	wg       sync.WaitGroup
}

// loop is one training loop in the lane.
type loop struct {
	owner   Owner
	step    func() (again bool, next time.Time)
	next    time.Time // not before this
	running bool
	ended   bool          // finished or canceled: out of the lane once no step runs
	closed  bool          // ended by Close
	done    chan struct{} // closed when the loop is out of the lane
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
	lane  Lane
	state atomic.Int32
	done  chan struct{} // closed when fn has returned
}

// New starts a pool of workers goroutines with room for queue waiting
// interactive jobs; the heavy lane takes at most half the workers (at
// least one). It panics unless workers >= 1 and queue >= 0.
func New(workers, queue int) *Pool { return NewReserved(workers, 0, queue) }

// NewReserved is New with reserved more workers that take interactive
// jobs only. With one per core busy with training chunks and heavy jobs,
// a learner's step then still starts at once, and shares the cores with
// them, instead of waiting for a chunk to end (up to 20 ms, or one step
// of a large model, which takes longer). It panics unless workers >= 1,
// reserved >= 0 and queue >= 0.
func NewReserved(workers, reserved, queue int) *Pool {
	if workers < 1 || reserved < 0 || queue < 0 {
		panic("pool: New needs workers >= 1, reserved >= 0 and queue >= 0")
	}
	p := &Pool{
		jobs: make(chan *job, queue), wake: make(chan struct{}, workers), heavy: max(1, workers/2),
		loops: map[Owner][]*loop{}, used: map[Owner]time.Duration{}, usedIP: map[string]time.Duration{},
	}
	p.wg.Add(workers + reserved)
	for range workers {
		go p.work()
	}
	for range reserved {
		go p.workInteractive()
	}
	return p
}

// workInteractive runs interactive jobs until the pool closes.
func (p *Pool) workInteractive() {
	defer p.wg.Done()
	for j := range p.jobs {
		p.run(j)
	}
}

func (p *Pool) work() {
	defer p.wg.Done()
	jobs := p.jobs // nil once closed and drained: the other lanes may still hold work
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		// An interactive job first, when one waits.
		select {
		case j, ok := <-jobs:
			if ok {
				p.run(j)
				continue
			}
			jobs = nil
		default:
		}
		j, l, wait := p.next()
		switch {
		case j != nil:
			p.run(j)
			continue
		case l != nil:
			p.runLoop(l)
			continue
		}
		if jobs == nil && p.drained() {
			return
		}
		// Sleep until an interactive job, a wake-up, or the next step of a
		// paced training loop.
		var tick <-chan time.Time
		if wait > 0 {
			timer.Reset(wait)
			tick = timer.C
		}
		select {
		case j, ok := <-jobs:
			if ok {
				p.run(j)
			} else {
				jobs = nil
			}
		case <-p.wake:
		case <-tick:
		}
		if tick != nil && !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// run runs j unless its caller gave up while it waited.
func (p *Pool) run(j *job) {
	if j.state.CompareAndSwap(queued, running) {
		j.fn()
		close(j.done)
	}
	if j.lane == Heavy {
		p.mu.Lock()
		p.heavyRun--
		p.signal()
		p.mu.Unlock()
	}
}

// runLoop runs one step of l and counts its time.
func (p *Pool) runLoop(l *loop) {
	start := time.Now()
	again, next := l.step()
	d := time.Since(start)
	p.mu.Lock()
	defer p.mu.Unlock()
	l.running = false
	p.used[l.owner] += d
	p.usedIP[l.owner.IP] += d
	if !again || l.ended || p.closed {
		p.remove(l)
	} else {
		l.next = next
	}
	p.prune()
	p.signal()
}

// next returns the work a worker should take: a heavy job when the heavy
// lane has room, else the step of the training loop whose owner has had
// the least time (and whose address has), or neither and how long until a
// paced loop's next step is due (0 for none).
func (p *Pool) next() (*job, *loop, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.heavyQ) > 0 && p.heavyRun < p.heavy {
		j := p.heavyQ[0]
		p.heavyQ = p.heavyQ[1:]
		p.heavyRun++
		return j, nil, 0
	}
	now := time.Now()
	var best *loop
	var wait time.Duration
	for o, ls := range p.loops {
		for _, l := range ls {
			if l.running || l.ended {
				continue
			}
			if d := l.next.Sub(now); d > 0 {
				if wait == 0 || d < wait {
					wait = d
				}
				continue
			}
			b := best
			if b == nil || p.usedIP[o.IP] < p.usedIP[b.owner.IP] || p.usedIP[o.IP] == p.usedIP[b.owner.IP] && p.used[o] < p.used[b.owner] {
				best = l
			}
			break // one ready loop per owner is enough to weigh it
		}
	}
	if best == nil {
		return nil, nil, wait
	}
	best.running = true
	// The owner's next pick starts at its next loop: its loops take turns.
	ls := p.loops[best.owner]
	for i, l := range ls {
		if l == best {
			p.loops[best.owner] = append(append(ls[:i:i], ls[i+1:]...), best)
			break
		}
	}
	return nil, best, 0
}

// remove takes l out of the lane and says so. The caller holds mu.
func (p *Pool) remove(l *loop) {
	ls := p.loops[l.owner]
	for i, x := range ls {
		if x == l {
			ls = append(ls[:i], ls[i+1:]...)
			break
		}
	}
	if len(ls) == 0 {
		delete(p.loops, l.owner)
	} else {
		p.loops[l.owner] = ls
	}
	l.ended = true
	close(l.done)
}

// prune forgets the owners and addresses served no more than the least
// served of the active ones: one that comes back starts level with those
// anyway. It keeps the maps as small as the active owners. The caller
// holds mu.
func (p *Pool) prune() {
	if len(p.used) <= 2*len(p.loops)+64 {
		return
	}
	least, leastIP := p.leastUsed(), p.leastUsedIP()
	active := map[string]bool{}
	for o := range p.loops {
		active[o.IP] = true
	}
	for o, d := range p.used {
		if _, ok := p.loops[o]; !ok && d <= least {
			delete(p.used, o)
		}
	}
	for ip, d := range p.usedIP {
		if !active[ip] && d <= leastIP {
			delete(p.usedIP, ip)
		}
	}
}

// drained reports whether the pool is closed and its heavy and training
// lanes are empty.
func (p *Pool) drained() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed && len(p.heavyQ) == 0 && len(p.loops) == 0
}

// signal wakes a worker, if one sleeps. The caller holds mu.
func (p *Pool) signal() {
	select {
	case p.wake <- struct{}{}:
	default: // every worker has a token already
	}
}

// Loop runs step on the training lane again and again, as owner, until it
// returns again false, ctx ends or the pool closes, and then returns
// (ctx.Err() when ctx ended, ErrClosed when the pool was closed first). A
// step never runs beside another of the same loop; between two, the loop
// waits until the time the step returned (the zero time: none). While a
// loop waits for a worker or for its time, it stays in the lane, so that
// its owner is weighed at every pick.
func (p *Pool) Loop(ctx context.Context, owner Owner, step func() (again bool, next time.Time)) error {
	l := &loop{owner: owner, step: step, done: make(chan struct{})}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	if _, active := p.loops[owner]; !active {
		// An owner that comes back starts level with the least served of
		// the others, so that an idle spell is not a credit.
		p.used[owner] = max(p.used[owner], p.leastUsed())
		p.usedIP[owner.IP] = max(p.usedIP[owner.IP], p.leastUsedIP())
	}
	p.loops[owner] = append(p.loops[owner], l)
	p.signal()
	p.mu.Unlock()
	select {
	case <-l.done:
		if l.closed {
			return ErrClosed
		}
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		if !l.ended {
			l.ended = true
			if !l.running {
				p.remove(l)
			}
		}
		p.mu.Unlock()
		<-l.done // a step that runs finishes first
		return ctx.Err()
	}
}

// Do runs fn as an interactive job and waits for it to finish. If ctx
// ends while the job still waits for a worker (or for room in the queue),
// Do returns ctx.Err() and fn never runs. Once fn has started, Do waits
// for it, so the caller knows that nothing of its own still runs on the
// pool.
func (p *Pool) Do(ctx context.Context, fn func()) error {
	return p.DoIn(ctx, Interactive, fn)
}

// DoIn is Do in a lane.
func (p *Pool) DoIn(ctx context.Context, lane Lane, fn func()) error {
	j := &job{fn: fn, lane: lane, done: make(chan struct{})}
	if err := p.enqueue(ctx, j); err != nil {
		return err
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

// enqueue puts j in its lane. An interactive job waits for room in the
// bounded queue, or for ctx.
func (p *Pool) enqueue(ctx context.Context, j *job) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	switch j.lane {
	case Heavy:
		p.heavyQ = append(p.heavyQ, j)
		p.signal()
		p.mu.Unlock()
		return nil
	}
	p.mu.Unlock()
	p.sendMu.RLock()
	defer p.sendMu.RUnlock()
	if p.isClosed() {
		return ErrClosed
	}
	select {
	case p.jobs <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isClosed reports whether Close has begun.
func (p *Pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// leastUsed returns the least training time of the owners with loops in
// the lane, 0 with none. The caller holds mu.
func (p *Pool) leastUsed() time.Duration {
	first, least := true, time.Duration(0)
	for o := range p.loops {
		if first || p.used[o] < least {
			first, least = false, p.used[o]
		}
	}
	return least
}

// leastUsedIP is leastUsed for addresses.
func (p *Pool) leastUsedIP() time.Duration {
	first, least := true, time.Duration(0)
	for o := range p.loops {
		if first || p.usedIP[o.IP] < least {
			first, least = false, p.usedIP[o.IP]
		}
	}
	return least
}

// Close stops the workers after the queued jobs and waits for them. Do
// returns ErrClosed afterwards.
func (p *Pool) Close() {
	p.mu.Lock()
	first := !p.closed
	p.closed = true
	p.mu.Unlock()
	if first {
		p.sendMu.Lock() // no send is in flight, and none starts
		close(p.jobs)
		p.sendMu.Unlock()
		p.mu.Lock()
		for _, ls := range p.loops {
			for _, l := range slices.Clone(ls) {
				l.closed = true
				if !l.running && !l.ended {
					p.remove(l)
				}
				l.ended = true
			}
		}
		for range cap(p.wake) {
			p.signal()
		}
		p.mu.Unlock()
	}
	p.wg.Wait()
}
