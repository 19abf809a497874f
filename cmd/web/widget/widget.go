package widget

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"

	"stepgraph/cmd/web/pool"
	"stepgraph/cmd/web/protocol"
	"stepgraph/exhibit"
)

// Widget is one live widget of a page.
type Widget interface {
	// Start sends the widget's first messages (at least its graph and the
	// cursor) in answer to the configure request id.
	Start(id int64)
	// Handle answers one request of a type other than configure. Bad input
	// returns an *protocol.Error, which the session sends back.
	Handle(req *protocol.Request) *protocol.Error
	// Close stops the widget's background work. The session calls it once,
	// when the widget is replaced or the connection ends, and then waits for
	// the goroutines the widget started with Env.Go.
	Close()
}

// Env is what a widget gets from its session.
type Env struct {
	// Ctx ends when the widget is closed or the connection ends.
	Ctx context.Context
	// Emit queues a message for the client. It fills the header's widget
	// id and sets the request id to id (0 for unsolicited messages). Newer
	// messages of the same type replace older unsent ones.
	Emit func(id int64, m protocol.Message)
	// Go runs f on a new goroutine that the session waits for before the
	// connection's cleanup ends. It returns false, and does not run f, once
	// the session is closing.
	Go func(f func()) bool
	// Pool is the worker pool every session shares; background work (a
	// training loop) runs its heavy parts through it.
	Pool *pool.Pool
	// Owner names the session on the pool's training lane (its client's
	// address and its connection), so that trainers share it fairly.
	Owner pool.Owner
	// Log is the session's logger.
	Log *slog.Logger
	// Reserve sets the memory the widget's model may take, estimated
	// before it is built, to n bytes, or refuses (over_budget,
	// server_full) and leaves the old reservation. Nil: no budget.
	Reserve func(n int64) *protocol.Error
	// Train takes a trainer's slot, or refuses (too_many_trainers); the
	// loop calls release when it ends. Nil: no limit.
	Train func() (release func(), perr *protocol.Error)
}

// reserve calls Reserve, if there is one.
func (env Env) reserve(n int64) *protocol.Error {
	if env.Reserve == nil {
		return nil
	}
	return env.Reserve(n)
}

// trainSlot calls Train, if there is one.
func (env Env) trainSlot() (release func(), perr *protocol.Error) {
	if env.Train == nil {
		return func() {}, nil
	}
	return env.Train()
}

// Factory builds a widget from the options of a configure request. Bad
// options return a *protocol.Error (unknown option, value out of range).
type Factory func(env Env, opts map[string]string) (Widget, *protocol.Error)

// Registry maps widget kinds to their factories. It is safe for concurrent
// use.
type Registry struct {
	mu    sync.RWMutex
	kinds map[string]Factory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{kinds: map[string]Factory{}} }

// Register adds a kind. It panics if the kind is empty or already there.
func (r *Registry) Register(kind string, f Factory) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if kind == "" || r.kinds[kind] != nil {
		panic(fmt.Sprintf("widget: kind %q registered twice or empty", kind))
	}
	r.kinds[kind] = f
}

// Factory returns the factory of kind, or nil.
func (r *Registry) Factory(kind string) Factory {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.kinds[kind]
}

// Kinds returns the registered kinds, sorted.
func (r *Registry) Kinds() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ks := make([]string, 0, len(r.kinds))
	for k := range r.kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Has reports whether kind is registered.
func (r *Registry) Has(kind string) bool { return slices.Contains(r.Kinds(), kind) }

// Cost returns the estimated memory of a widget of kind with options
// opts (exhibit's Kind.Cost), or 0 for an unknown kind or bad options,
// which the configure refuses anyway.
func Cost(kind string, opts map[string]string) int64 {
	k, ok := exhibit.KindOf(kind)
	if !ok {
		return 0
	}
	v, e := k.Options.Configure(opts)
	if e != nil {
		return 0
	}
	return k.Cost(v)
}

// Default returns a registry with a widget for every kind of exhibit.
func Default() *Registry {
	r := NewRegistry()
	for _, k := range exhibit.Kinds {
		r.Register(k.Name(), Adapt(k))
	}
	return r
}
