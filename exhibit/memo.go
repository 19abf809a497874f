package exhibit

import "sync"

// memo keeps values that are costly to make and never change once made,
// by key, so that every session that needs one shares it: the models the
// quant and distill exhibits train when they are configured (by seed),
// the drawings of graphs (by structure), the metrics of untrained models.
// A value is never changed after it is made. The memo holds at most max
// keys and forgets the oldest first. It is safe for concurrent use; a
// value is made once even when several sessions ask for it at the same
// time, and an error is kept like a value.
type memo[K comparable, V any] struct {
	build func(K) (V, error)
	max   int

	mu      sync.Mutex
	entries map[K]*memoEntry[V]
	order   []K // keys, oldest first
}

// memoEntry is one key's value, made once.
type memoEntry[V any] struct {
	once sync.Once
	v    V
	err  error
}

// newMemo returns a memo that makes values with build and keeps max keys.
func newMemo[K comparable, V any](max int, build func(K) (V, error)) *memo[K, V] {
	return &memo[K, V]{build: build, max: max, entries: map[K]*memoEntry[V]{}}
}

// get returns the value of key, making it on first use.
func (c *memo[K, V]) get(key K) (V, error) {
	return c.getOr(key, func() (V, error) { return c.build(key) })
}

// getOr returns the value of key, making it with build on first use.
func (c *memo[K, V]) getOr(key K, build func() (V, error)) (V, error) {
	c.mu.Lock()
	e := c.entries[key]
	if e == nil {
		e = &memoEntry[V]{}
		c.entries[key] = e
		c.order = append(c.order, key)
		if len(c.order) > c.max {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	e.once.Do(func() { e.v, e.err = build() })
	return e.v, e.err
}

// cachedModel returns cur, the model a widget has, unless retrain is set or
// it has none; then the model of seed from cache, trained on first use.
// what names the model in the error.
func cachedModel[M any](cache *memo[uint32, *M], cur *M, retrain bool, seed uint32, what string) (*M, *Error) {
	if cur != nil && !retrain {
		return cur, nil
	}
	m, err := cache.get(seed)
	if err != nil {
		return nil, Errorf(Internal, "train the %s: %v", what, err)
	}
	return m, nil
}

// The trained models of the two kinds. Each is a few kilobytes.
var (
	quantFloats     = newMemo(16, trainQuantFloat)
	distillTeachers = newMemo(16, trainDistillTeacher)
)
