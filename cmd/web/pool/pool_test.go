package pool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// TestBound runs more jobs than workers, releasing them one at a time, and
// checks that no more than Workers ever run at once.
func TestBound(t *testing.T) {
	const workers, jobs = 2, 6
	p := New(workers, jobs)
	defer p.Close()
	var running, peak atomic.Int64
	started := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			err := p.Do(context.Background(), func() {
				n := running.Add(1)
				for {
					m := peak.Load()
					if n <= m || peak.CompareAndSwap(m, n) {
						break
					}
				}
				started <- struct{}{}
				<-release
				running.Add(-1)
			})
			if err != nil {
				t.Errorf("Do = %v, want nil", err)
			}
		})
	}
	for range workers {
		<-started
	}
	for range jobs - workers {
		release <- struct{}{}
		<-started
	}
	for range workers {
		release <- struct{}{}
	}
	wg.Wait()
	if got := peak.Load(); got != workers {
		t.Errorf("peak concurrent jobs = %d, want %d", got, workers)
	}
}

// TestCanceledWhileQueued checks that a job whose context ends before a
// worker takes it never runs, and that Do reports the context's error.
func TestCanceledWhileQueued(t *testing.T) {
	p := New(1, 1)
	defer p.Close()
	block, blocking := make(chan struct{}), make(chan struct{})
	go p.Do(context.Background(), func() { close(blocking); <-block })
	<-blocking

	ctx, cancel := context.WithCancel(context.Background())
	var ran atomic.Bool
	res := make(chan error)
	go func() { res <- p.Do(ctx, func() { ran.Store(true) }) }()
	cancel()
	// Do returns while the worker is still busy: the caller need not wait
	// for a queue it gave up on.
	if err := <-res; !errors.Is(err, context.Canceled) {
		t.Errorf("Do(canceled) = %v, want context.Canceled", err)
	}
	close(block)
	// A later job runs after the skipped one: the queue is drained in order.
	if err := p.Do(context.Background(), func() {}); err != nil {
		t.Fatalf("Do = %v", err)
	}
	if ran.Load() {
		t.Errorf("a job whose context was canceled while queued ran")
	}
}

// TestCanceledWhileWaitingForRoom checks that Do gives up when the queue is
// full and the context ends.
func TestCanceledWhileWaitingForRoom(t *testing.T) {
	p := New(1, 0)
	defer p.Close()
	block, blocking := make(chan struct{}), make(chan struct{})
	go p.Do(context.Background(), func() { close(blocking); <-block })
	<-blocking
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Do(ctx, func() { t.Error("job ran") }); !errors.Is(err, context.Canceled) {
		t.Errorf("Do(full queue, canceled) = %v, want context.Canceled", err)
	}
	close(block)
}

func TestClose(t *testing.T) {
	p := New(3, 2)
	var n atomic.Int64
	for range 5 {
		if err := p.Do(context.Background(), func() { n.Add(1) }); err != nil {
			t.Fatal(err)
		}
	}
	p.Close()
	p.Close() // a second Close is harmless
	if err := p.Do(context.Background(), func() { n.Add(1) }); !errors.Is(err, ErrClosed) {
		t.Errorf("Do after Close = %v, want ErrClosed", err)
	}
	if n.Load() != 5 {
		t.Errorf("jobs run = %d, want 5", n.Load())
	}
}
