package session

import "sync"

// outbox is the bounded, coalescing send queue of one connection. Items
// with the same non-empty key replace each other (latest wins, and the
// newer one takes the place at the end, so the order of different keys is
// kept). Items with an empty key (hello, errors) are never dropped; if the
// queue is full, the client is too slow and the outbox reports an overflow.
type outbox struct {
	mu    sync.Mutex
	items []outItem
	max   int
	over  bool
	ready chan struct{} // holds a token while items wait
}

type outItem struct {
	key  string
	data []byte
}

func newOutbox(max int) *outbox {
	return &outbox{max: max, ready: make(chan struct{}, 1)}
}

// push queues data under key. It returns false if the queue overflowed;
// the item is then dropped and take reports the overflow.
func (o *outbox) push(key string, data []byte) bool {
	o.mu.Lock()
	if key != "" {
		for i, it := range o.items {
			if it.key == key {
				o.items = append(o.items[:i], o.items[i+1:]...)
				break
			}
		}
	}
	ok := len(o.items) < o.max
	if ok {
		o.items = append(o.items, outItem{key, data})
	} else {
		o.over = true
	}
	o.mu.Unlock()
	select {
	case o.ready <- struct{}{}:
	default: // the writer already has a token
	}
	return ok
}

// take removes and returns everything queued, in order, and whether the
// queue overflowed.
func (o *outbox) take() ([][]byte, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([][]byte, len(o.items))
	for i, it := range o.items {
		out[i] = it.data
	}
	o.items = o.items[:0]
	return out, o.over
}
