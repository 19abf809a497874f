package main

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// recorder collects what one group of connections saw: the latency of
// every measured answer, the errors by code and the dropped connections
// by reason. It is shared by the group's connections.
type recorder struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    map[string]int
	drops     map[string]int
	setup     map[string]int // connections that could not be opened or configured, by reason
	expected  map[string]int // refusals the scenario expects (the largest model over the budget)
}

func newRecorder() *recorder {
	return &recorder{errors: map[string]int{}, drops: map[string]int{}, setup: map[string]int{}, expected: map[string]int{}}
}

func (r *recorder) latency(d time.Duration) {
	r.mu.Lock()
	r.latencies = append(r.latencies, d)
	r.mu.Unlock()
}

func (r *recorder) error(code string) { r.count(r.errors, code) }
func (r *recorder) drop(why string)   { r.count(r.drops, why) }
func (r *recorder) setupFailed(why string) {
	r.count(r.setup, why)
}

// refused records an error the scenario expects, and takes it back from
// the errors.
func (r *recorder) refused(code string) {
	r.mu.Lock()
	r.expected[code]++
	if r.errors[code]--; r.errors[code] <= 0 {
		delete(r.errors, code)
	}
	r.mu.Unlock()
}

func (r *recorder) count(m map[string]int, key string) {
	r.mu.Lock()
	m[key]++
	r.mu.Unlock()
}

// summary is a recorder's latencies in order, with its counts.
type summary struct {
	n                  int
	p50, p90, p99, max time.Duration
	errors, drops      int
	setup              int
	text               []string // the errors, drops and setup failures by reason
}

func (r *recorder) summary() summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := slices.Clone(r.latencies)
	slices.Sort(l)
	s := summary{n: len(l)}
	if len(l) > 0 {
		s.p50, s.p90, s.p99, s.max = quantile(l, 0.50), quantile(l, 0.90), quantile(l, 0.99), l[len(l)-1]
	}
	s.errors, s.drops, s.setup = total(r.errors), total(r.drops), total(r.setup)
	s.text = append(s.text, counts("error", r.errors)...)
	s.text = append(s.text, counts("dropped", r.drops)...)
	s.text = append(s.text, counts("not set up", r.setup)...)
	s.text = append(s.text, counts("refused as expected", r.expected)...)
	return s
}

// quantile returns the q-quantile of sorted, by the nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func counts(what string, m map[string]int) []string {
	keys := slices.Collect(maps.Keys(m))
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s: %s ×%d", what, k, m[k]))
	}
	return out
}

// ms formats d in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func (s summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d answers, p50 %s, p90 %s, p99 %s, max %s; %d errors, %d dropped", s.n, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max), s.errors, s.drops)
	if s.setup > 0 {
		fmt.Fprintf(&b, ", %d not set up", s.setup)
	}
	for _, t := range s.text {
		fmt.Fprintf(&b, "\n    %s", t)
	}
	return b.String()
}
