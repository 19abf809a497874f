package exhibit

import (
	"sync"
)

// seedCache keeps the models that the quant and distill widgets train when
// they are configured, by seed, so that a page configured again (a reload,
// a second learner on the same lesson) does not train again. A cached
// model is never changed after training: widgets read it, quantize copies
// of it or use it as a frozen teacher. The cache holds at most max seeds
// and forgets the oldest first. It is safe for concurrent use; a seed is
// trained once even when several sessions ask for it at the same time.
type seedCache[T any] struct {
	train func(seed uint32) (T, error)
	max   int

	mu      sync.Mutex
	entries map[uint32]*seedEntry[T]
	order   []uint32 // seeds, oldest first
}

// seedEntry is one seed's model, trained once.
type seedEntry[T any] struct {
	once sync.Once
	v    T
	err  error
}

// newSeedCache returns a cache that trains with train and keeps max seeds.
func newSeedCache[T any](max int, train func(seed uint32) (T, error)) *seedCache[T] {
	return &seedCache[T]{train: train, max: max, entries: map[uint32]*seedEntry[T]{}}
}

// get returns the model of seed, training it on first use.
func (c *seedCache[T]) get(seed uint32) (T, error) {
	c.mu.Lock()
	e := c.entries[seed]
	if e == nil {
		e = &seedEntry[T]{}
		c.entries[seed] = e
		c.order = append(c.order, seed)
		if len(c.order) > c.max {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	e.once.Do(func() { e.v, e.err = c.train(seed) })
	return e.v, e.err
}

// cachedModel returns cur, the model a widget has, unless retrain is set or
// it has none; then the model of seed from cache, trained on first use.
// what names the model in the error.
func cachedModel[M any](cache *seedCache[*M], cur *M, retrain bool, seed uint32, what string) (*M, *Error) {
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
	quantFloats     = newSeedCache(16, trainQuantFloat)
	distillTeachers = newSeedCache(16, trainDistillTeacher)
)
