package main

import (
	"context"
	"log/slog"
	"runtime"
	"runtime/debug"
	"time"
)

// Returning memory. After a class leaves, the sessions' memory is garbage,
// but the Go runtime collects it only when the program allocates again,
// and an idle server does not: its resident memory stays at the class's
// peak, which a container limit or a shared machine sees. So the server
// looks every reclaimPeriod, and when more than reclaimBytes of the heap
// are free but still held, it collects and gives them back to the system
// (debug.FreeOSMemory). A busy server reuses its free pages and seldom
// reaches the threshold; the collection costs a few milliseconds of one
// core per hundred MiB of live heap. docs/perf.md has the measurements.
const (
	reclaimPeriod = 30 * time.Second
	reclaimBytes  = 64 << 20
)

// heldFree returns the bytes of heap the runtime holds but does not use:
// idle spans not yet released to the system.
func heldFree() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapIdle - m.HeapReleased
}

// reclaim gives the free heap back to the system when more than threshold
// of it is held, and reports how much it held before and after.
func reclaim(threshold uint64) (before, after uint64, freed bool) {
	before = heldFree()
	if before <= threshold {
		return before, before, false
	}
	debug.FreeOSMemory()
	return before, heldFree(), true
}

// returnMemory runs reclaim every period until ctx ends.
func returnMemory(ctx context.Context, period time.Duration, threshold uint64, log *slog.Logger) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if before, after, freed := reclaim(threshold); freed {
				log.Info("returned free memory to the system", "heldMiB", before>>20, "nowMiB", after>>20)
			}
		}
	}
}

// gcPercent is the collector's pace (GOGC) when the environment does not
// set one. A session's memory is mostly float64 tensors that live as long
// as it does, and a step makes only a few KB of garbage; at Go's default,
// 100, the heap may grow to twice what is live before a collection, and
// the server's resident memory with it. At 50 it grows by half: a third
// less memory a learner, for collections that mark mostly pointer-free
// tensors, which costs little (docs/perf.md, "A class on two cores").
const gcPercent = 50

// paceGC sets the collector's pace to gcPercent unless GOGC is set.
func paceGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
