package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// defaultLab is the Lab a learner opens: every option at its default.
var defaultLab = map[string]string{}

// largestLab is the largest model the Lab's bounds allow: an
// encoder-decoder of 4+4 layers, d 64, 8 heads, dff 256, 8 symbols of 16.
var largestLab = map[string]string{"arch": "encdec", "layers": "4", "d": "64", "heads": "8", "dff": "256", "n": "8", "k": "16"}

// configure is the request that opens widget as a lab with options.
func configure(widget string, options map[string]string) func(int64) string {
	keys := make([]string, 0, len(options))
	for k := range options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var o []string
	for _, k := range keys {
		o = append(o, fmt.Sprintf("%q:%q", k, options[k]))
	}
	return func(id int64) string {
		return fmt.Sprintf(`{"type":"configure","widget":%q,"id":%d,"kind":"lab","options":{%s}}`, widget, id, strings.Join(o, ","))
	}
}

func stepMsg(id int64) string {
	return fmt.Sprintf(`{"type":"step","widget":"w1","id":%d,"dir":"forward"}`, id)
}
func resetMsg(id int64) string { return fmt.Sprintf(`{"type":"reset","widget":"w1","id":%d}`, id) }

// window is the measurement window: answers to requests sent in it
// count. It opens once every connection is set up and warm.
type window struct{ start, end atomic.Int64 }

func (w *window) open(start time.Time, d time.Duration) {
	w.end.Store(start.Add(d).UnixNano())
	w.start.Store(start.UnixNano())
}

func (w *window) contains(t time.Time) bool {
	s := w.start.Load()
	return s != 0 && t.UnixNano() >= s && t.UnixNano() < w.end.Load()
}

// stepper is a learner who steps the default Lab, one step every period
// (the page's "Next step" held down), and resets at the end of the
// timeline to step it again. A step is sent on its tick whether or not
// the last one was answered, and its latency runs from the tick to its
// node message: a slow server cannot hide behind a patient client.
func stepper(ctx context.Context, addr string, compress bool, period time.Duration, w *window, rec *recorder) *conn {
	var atEnd atomic.Bool
	c, err := dial(ctx, addr, compress, rec, func(h head, _ []byte) {
		if h.typ == "node" && h.total > 0 {
			atEnd.Store(h.index >= h.total)
		}
	})
	if err != nil {
		rec.setupFailed(err.Error())
		return nil
	}
	if h, err := c.call(ctx, configure("w1", defaultLab)); err != nil || h.typ == "error" {
		rec.setupFailed("configure: " + failure(err, h))
		return c
	}
	go func() {
		select { // a random phase, so that the learners do not step in the same millisecond
		case <-time.After(rand.N(period)):
		case <-ctx.Done():
			return
		}
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-c.closed:
				return
			case now := <-t.C:
				msg := stepMsg
				if atEnd.Swap(false) {
					msg = resetMsg
				}
				if c.send(msg, now, w.contains(now), nil) != nil {
					return // the reader records the drop
				}
			}
		}
	}()
	return c
}

// trainer is a learner training labs at full speed for as long as the
// test lasts, reading everything the server sends meanwhile: one default
// lab, or, for the heavy connection, as many of the largest labs as one
// connection may train (hello's maxTrainersPerConn). A largest lab the
// server refuses as over the connection's budget (an expected refusal)
// is replaced by a default one, so that the heavy connection still trains
// as many labs as it may, as large as it may.
type trainer struct {
	heavyConn bool
	widgets   int // widgets training
	big       int // of them, the largest labs

	mu    sync.Mutex
	steps map[string]int // steps done by widget, from its last metrics
}

func startTrainer(ctx context.Context, addr string, compress, heavy bool, rec *recorder) (*conn, *trainer) {
	tr := &trainer{heavyConn: heavy, steps: map[string]int{}}
	c, err := dial(ctx, addr, compress, rec, func(h head, data []byte) {
		if h.typ != "metrics" {
			return
		}
		var m struct {
			Widget string `json:"widget"`
			Step   int    `json:"step"`
		}
		if json.Unmarshal(data, &m) == nil {
			tr.mu.Lock()
			tr.steps[m.Widget] = m.Step
			tr.mu.Unlock()
		}
	})
	if err != nil {
		rec.setupFailed(err.Error())
		return nil, tr
	}
	labs := []map[string]string{defaultLab}
	if heavy {
		n := c.hello.Limits["maxTrainersPerConn"]
		if n <= 0 || n > c.hello.Limits["maxWidgets"] { // 0: no limit but the widgets
			n = c.hello.Limits["maxWidgets"]
		}
		labs = nil
		for range n {
			labs = append(labs, largestLab)
		}
	}
	steps := c.hello.Limits["maxRunSteps"]
	for i, opts := range labs {
		widget := fmt.Sprintf("t%d", i+1)
		h, err := c.call(ctx, configure(widget, opts))
		if err == nil && h.code == "over_budget" && heavy {
			rec.refused(h.code)
			h, err = c.call(ctx, configure(widget, defaultLab))
		} else if err == nil && h.typ != "error" && heavy {
			tr.big++
		}
		if err != nil || h.typ == "error" {
			rec.setupFailed("configure: " + failure(err, h))
			continue
		}
		start := func(id int64) string {
			return fmt.Sprintf(`{"type":"train","widget":%q,"id":%d,"action":"start","rate":0,"steps":%d}`, widget, id, steps)
		}
		// The answer to a start is metrics, not node: it is not waited for.
		if err := c.send(start, time.Now(), false, nil); err != nil {
			rec.setupFailed("train: " + err.Error())
			continue
		}
		tr.widgets++
	}
	return c, tr
}

// done returns the training steps the trainer's widgets have done.
func (tr *trainer) done() int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	n := 0
	for _, s := range tr.steps {
		n += s
	}
	return n
}

// failure says why a call failed: its error, or the code of the error
// the server answered.
func failure(err error, h head) string {
	if err != nil {
		return err.Error()
	}
	return h.code
}
