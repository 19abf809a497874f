package exhibit

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"weak"

	"stepgraph/engine"
)

// Shared initial weights. A class opens the same Lab: every learner's
// model has the same options and seed, so the same initial weights, bit
// for bit. Until a lab writes its weights (training, a weights file, a
// gradient check's nudges), its parameter tensors read one shared copy of
// those numbers; the first write gives the lab its own (labModel.own).
// That is a fifth of a stepped default lab's memory.
//
// The shared copies are held weakly: a set lives while a lab reads it,
// and goes with the last one, so however many seeds and sizes learners
// try, the server holds only the sets in use. A set's checksum is taken
// when it is made, and checked whenever another lab would share it; a set
// that changed (a write that forgot to own first: a bug) is never shared
// again, and is counted in sharedCorrupted, which the tests check.

// weightSet is one model's initial parameters, read-only.
type weightSet struct {
	data map[string][]float64
	sum  uint64
}

var shared struct {
	mu   sync.Mutex
	sets map[string]weak.Pointer[weightSet]
}

// sharedCorrupted counts shared sets found changed. It stays 0.
var sharedCorrupted atomic.Int64

// SharedWeightsCorrupted returns how many shared weight sets have been
// found written to, and checks every live one now: it is 0 unless some
// code wrote weights it did not own. Tests call it after they ran.
func SharedWeightsCorrupted() int64 {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	for key, wp := range shared.sets {
		if s := wp.Value(); s != nil && checksum(s.data) != s.sum {
			sharedCorrupted.Add(1)
			delete(shared.sets, key)
		}
	}
	return sharedCorrupted.Load()
}

// share makes params, a model's freshly initialised parameters, read the
// shared set of key (its config and seed), making the set from them when
// there is none. It returns the set, which the caller holds while it
// reads it.
func share(key string, params map[string]*engine.Tensor) *weightSet {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.sets == nil {
		shared.sets = map[string]weak.Pointer[weightSet]{}
	}
	if s := shared.sets[key].Value(); s != nil && fits(s, params) {
		if checksum(s.data) == s.sum {
			for name, t := range params {
				t.Data = s.data[name] // the fresh numbers are garbage now
			}
			return s
		}
		sharedCorrupted.Add(1) // and replace it with these fresh numbers
	}
	s := &weightSet{data: make(map[string][]float64, len(params))}
	for name, t := range params {
		s.data[name] = t.Data
	}
	s.sum = checksum(s.data)
	wp := weak.Make(s)
	shared.sets[key] = wp
	runtime.AddCleanup(s, func(key string) {
		shared.mu.Lock()
		if shared.sets[key] == wp {
			delete(shared.sets, key)
		}
		shared.mu.Unlock()
	}, key)
	return s
}

// fits reports whether set s has a tensor of the same size for each of
// params (always, for the same key; checked all the same).
func fits(s *weightSet, params map[string]*engine.Tensor) bool {
	if len(s.data) != len(params) {
		return false
	}
	for name, t := range params {
		if d, ok := s.data[name]; !ok || len(d) != len(t.Data) {
			return false
		}
	}
	return true
}

// checksum hashes the bits of every number of data, in name order
// (FNV-1a over 64-bit words: a few microseconds for the default lab).
func checksum(data map[string][]float64) uint64 {
	names := make([]string, 0, len(data))
	for name := range data {
		names = append(names, name)
	}
	slices.Sort(names)
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for _, name := range names {
		for _, c := range []byte(name) {
			h = (h ^ uint64(c)) * prime
		}
		for _, x := range data[name] {
			h = (h ^ math.Float64bits(x)) * prime
		}
	}
	return h
}

// sharedKey names a model's initial weights: its config and seed.
func sharedKey(cfg any, seed uint32) string { return fmt.Sprintf("%+v/%d", cfg, seed) }
