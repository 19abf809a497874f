package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the server's run to path, until
// the returned stop is called (at shutdown). With an empty path it does
// nothing. It is how docs/perf.md profiles the server under the load
// test: go tool pprof -top web cpu.out.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeHeapProfile writes the live heap to path (nothing for an empty
// path). The server calls it when it is asked to stop, before it closes
// the sessions: the heap as the load left it.
func writeHeapProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	defer f.Close()
	runtime.GC() // the profile's live heap is as of the last collection
	return pprof.Lookup("heap").WriteTo(f, 0)
}
