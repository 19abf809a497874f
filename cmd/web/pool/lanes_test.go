package pool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestInteractiveGoesFirst fills the only worker's future with training
// and heavy jobs, then sends an interactive job: it runs before every
// job that was waiting.
func TestInteractiveGoesFirst(t *testing.T) {
	p := New(1, 4)
	defer p.Close()
	block, blocking := make(chan struct{}), make(chan struct{})
	go p.Do(context.Background(), func() { close(blocking); <-block })
	<-blocking
	var mu sync.Mutex
	var order []string
	ran := func(name string) func() {
		return func() { mu.Lock(); order = append(order, name); mu.Unlock() }
	}
	var wg sync.WaitGroup
	queued := func(n int) { // wait until n jobs wait in the slow lanes
		for {
			p.mu.Lock()
			k := len(p.heavyQ) + len(p.loops)
			p.mu.Unlock()
			if k >= n {
				return
			}
			time.Sleep(time.Millisecond) // a hang guard bounds this: the test's timeout
		}
	}
	wg.Go(func() {
		p.Loop(context.Background(), Owner{"a", "1"}, func() (bool, time.Time) { ran("train")(); return false, time.Time{} })
	})
	wg.Go(func() { p.DoIn(context.Background(), Heavy, ran("heavy")) })
	queued(2)
	wg.Go(func() { p.Do(context.Background(), ran("interactive")) })
	for len(p.jobs) == 0 {
		time.Sleep(time.Millisecond)
	}
	close(block)
	wg.Wait()
	if len(order) != 3 || order[0] != "interactive" || order[1] != "heavy" || order[2] != "train" {
		t.Errorf("order = %v, want interactive, then heavy, then train", order)
	}
}

// TestTrainingIsFair runs training loops of three owners on one worker:
// two of address a, one with chunks ten times longer than the others',
// and one of address b. The worker's time is split about evenly between
// the two addresses, not by chunk count.
func TestTrainingIsFair(t *testing.T) {
	p := New(1, 4)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var used [3]atomic.Int64 // nanoseconds of each owner's chunks
	owners := []Owner{{"a", "long"}, {"b", "short"}, {"a", "second"}}
	chunk := []time.Duration{5 * time.Millisecond, 500 * time.Microsecond, 500 * time.Microsecond}
	var wg sync.WaitGroup
	for i, o := range owners {
		wg.Go(func() {
			p.Loop(ctx, o, func() (bool, time.Time) {
				start := time.Now()
				for time.Since(start) < chunk[i] { // busy, as training is
				}
				used[i].Add(int64(time.Since(start)))
				return true, time.Time{}
			})
		})
	}
	for used[0].Load()+used[1].Load()+used[2].Load() < int64(400*time.Millisecond) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	a := used[0].Load() + used[2].Load()
	b := used[1].Load()
	// Fair by address: a and b each get about half. The bound allows a
	// few chunks of slack on a loaded machine, not a split by chunk count
	// (which would give b a tenth of a's share).
	if r := float64(a) / float64(a+b); r < 0.35 || r > 0.65 {
		t.Errorf("address a got %.0f%% of the training time, b %.0f%%; want about half each", 100*r, 100*(1-r))
	}
}

// TestHeavyLaneBounded starts more heavy jobs than the lane holds on a
// pool of 4 workers: at most 2 run at once, and an interactive job still
// gets a worker meanwhile.
func TestHeavyLaneBounded(t *testing.T) {
	p := New(4, 4)
	defer p.Close()
	var running, peak atomic.Int64
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			p.DoIn(context.Background(), Heavy, func() {
				n := running.Add(1)
				for m := peak.Load(); n > m && !peak.CompareAndSwap(m, n); m = peak.Load() {
				}
				<-release
				running.Add(-1)
			})
		})
	}
	for running.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	if err := p.Do(context.Background(), func() {}); err != nil {
		t.Fatal(err)
	}
	close(release)
	wg.Wait()
	if got := peak.Load(); got != 2 {
		t.Errorf("heavy jobs at once = %d, want the lane's 2 of 4 workers", got)
	}
}

// TestLoopPaced runs a loop that asks for its next step 20 ms after each:
// the worker serves an interactive job meanwhile, the loop's steps come
// no sooner than asked, and cancelling the context ends the loop.
func TestLoopPaced(t *testing.T) {
	p := New(1, 4)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var steps atomic.Int64
	var last time.Time
	early := 0
	done := make(chan error, 1)
	go func() {
		done <- p.Loop(ctx, Owner{"a", "1"}, func() (bool, time.Time) {
			now := time.Now()
			if !last.IsZero() && now.Before(last.Add(20*time.Millisecond)) {
				early++
			}
			last = now
			steps.Add(1)
			return true, now.Add(20 * time.Millisecond)
		})
	}()
	for steps.Load() < 3 {
		if err := p.Do(context.Background(), func() {}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Loop after cancel = %v, want context.Canceled", err)
	}
	if early > 0 {
		t.Errorf("%d steps came before the time the last one asked for", early)
	}
}

// TestReservedWorkerServesInteractive blocks the only general worker with
// a training step and another with a heavy job waiting: the reserved
// worker still runs an interactive job, and never takes the heavy one.
func TestReservedWorkerServesInteractive(t *testing.T) {
	p := NewReserved(1, 1, 4)
	defer p.Close()
	block, blocking := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		p.Loop(context.Background(), Owner{"a", "1"}, func() (bool, time.Time) { close(blocking); <-block; return false, time.Time{} })
	})
	<-blocking
	var heavyRan atomic.Bool
	wg.Go(func() { p.DoIn(context.Background(), Heavy, func() { heavyRan.Store(true) }) })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a hang guard
	defer cancel()
	if err := p.Do(ctx, func() {}); err != nil {
		t.Fatalf("an interactive job beside a running training step: %v, want it run by the reserved worker", err)
	}
	if heavyRan.Load() {
		t.Errorf("the heavy job ran while the only general worker trained: the reserved worker took it")
	}
	close(block)
	wg.Wait()
	if !heavyRan.Load() {
		t.Errorf("the heavy job never ran")
	}
}
