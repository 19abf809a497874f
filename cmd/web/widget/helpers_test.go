package widget

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"testing"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/exhibit"
	"stepgraph/mathml"
)

// recorder is a test Env that keeps every message a widget emits.
type recorder struct {
	mu   sync.Mutex
	msgs []protocol.Message
	wg   sync.WaitGroup
}

// newEnv returns an Env whose messages r records. Its pool closes, and
// the goroutines the widget started end, when the test ends.
func newEnv(t testing.TB) (Env, *recorder) {
	t.Helper()
	p := pool.New(1, 1)
	t.Cleanup(p.Close)
	r := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); r.wg.Wait() })
	env := Env{
		Ctx:  ctx,
		Pool: p,
		Log:  slog.New(slog.DiscardHandler),
		Go: func(f func()) bool {
			r.wg.Go(f)
			return true
		},
		Emit: func(id int64, m protocol.Message) {
			r.mu.Lock()
			defer r.mu.Unlock()
			m.Head().ID = id
			r.msgs = append(r.msgs, m)
		},
	}
	return env, r
}

// take returns and forgets the messages so far.
func (r *recorder) take() []protocol.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.msgs
	r.msgs = nil
	return m
}

// last returns the last message of type T.
func last[T protocol.Message](msgs []protocol.Message) T {
	var zero T
	for i := len(msgs) - 1; i >= 0; i-- {
		if m, ok := msgs[i].(T); ok {
			return m
		}
	}
	return zero
}

// newWidget configures a widget of kind (a kind of Default) with opts and
// fails the test on an error. The widget is closed when the test ends.
func newWidget(t testing.TB, kind string, opts map[string]string) (*adapter, *recorder) {
	t.Helper()
	env, rec := newEnv(t)
	w, e := factory(t, kind)(env, opts)
	if e != nil {
		t.Fatalf("%s widget with %v: %v", kind, opts, e)
	}
	t.Cleanup(w.Close)
	return w.(*adapter), rec
}

// factory returns the factory of kind in Default.
func factory(t testing.TB, kind string) Factory {
	t.Helper()
	f := Default().Factory(kind)
	if f == nil {
		t.Fatalf("no widget kind %q", kind)
	}
	return f
}

// optionCase is the options of a configure request and the error they
// must get.
type optionCase struct {
	opts  map[string]string
	code  protocol.Code // "" for valid
	field string        // the option the error names
}

// checkOptions configures a widget of kind with each case's options and
// checks the error's code and field.
func checkOptions(t *testing.T, kind string, cases []optionCase) {
	t.Helper()
	f := factory(t, kind)
	for _, c := range cases {
		env, _ := newEnv(t)
		w, e := f(env, c.opts)
		switch {
		case c.code == "" && e != nil:
			t.Errorf("%s widget with %v: error %v, want none", kind, c.opts, e)
		case c.code != "" && (e == nil || e.Code != c.code || e.Field != c.field):
			t.Errorf("%s widget with %v: error %+v, want code %s for field %q", kind, c.opts, e, c.code, c.field)
		}
		if w != nil {
			w.Close()
		}
	}
}

// checkFormulas checks that every op of g has a formula the server's
// MathML renderer accepts, so the inspector never falls back to raw TeX.
// seen holds the formulas checked already, over several graphs; what
// names g in failures.
func checkFormulas(t *testing.T, what string, seen map[string]bool, g *engine.Graph) {
	t.Helper()
	for _, n := range g.Nodes {
		f := n.Info().Formula
		if n.Op == nil || seen[f] {
			continue
		}
		seen[f] = true
		if f == "" {
			t.Errorf("%s: op %s of node %s has no formula", what, n.Info().Name, n.Name)
			continue
		}
		if _, err := mathml.Render(f, true); err != nil {
			t.Errorf("%s: formula of %s (%s) does not render: %v", what, n.Name, f, err)
		}
	}
}

// chunk runs one chunk of w's training at full speed, as the training loop
// does, first starting a run of the kind's length when none is left. It
// reports whether the run is finished.
func chunk(w *adapter) bool {
	w.ex.(exhibit.Trainer).StartTraining(0)
	return w.trainChunk(math.MaxInt, 0)
}
