package session

import "sync"

// outbox is the bounded, coalescing send queue of one connection. Items
// with the same non-empty key replace each other (latest wins, and the
// newer one takes the place at the end, so the order of different keys is
// kept). Items with an empty key (hello) are never dropped. The queue is
// bounded twice: in items, and in bytes, counting the items the writer has
// taken and not yet written; past either bound the client is too slow and
// the outbox reports an overflow.
type outbox struct {
	mu       sync.Mutex
	items    []outItem
	max      int // items
	maxBytes int
	bytes    int // queued, and taken but not yet sent
	over     bool
	ready    chan struct{} // holds a token while items wait
}

type outItem struct {
	key  string
	data []byte
}

func newOutbox(max, maxBytes int) *outbox {
	return &outbox{max: max, maxBytes: maxBytes, ready: make(chan struct{}, 1)}
}

// push queues data under key. It returns false if the queue overflowed;
// the item is then dropped and take reports the overflow.
func (o *outbox) push(key string, data []byte) bool {
	o.mu.Lock()
	if key != "" {
		for i, it := range o.items {
			if it.key == key {
				o.bytes -= len(it.data)
				o.items = append(o.items[:i], o.items[i+1:]...)
				break
			}
		}
	}
	ok := len(o.items) < o.max && o.bytes+len(data) <= o.maxBytes
	if ok {
		o.items = append(o.items, outItem{key, data})
		o.bytes += len(data)
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
// queue overflowed. The items' bytes stay counted until sent says so.
func (o *outbox) take() ([][]byte, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([][]byte, len(o.items))
	for i, it := range o.items {
		out[i] = it.data
	}
	clear(o.items) // the written messages are garbage once written: the queue's array must not hold them
	o.items = o.items[:0]
	return out, o.over
}

// sent tells the outbox that n bytes it handed out are written.
func (o *outbox) sent(n int) {
	o.mu.Lock()
	o.bytes -= n
	o.mu.Unlock()
}

// queued returns the bytes queued or being written.
func (o *outbox) queued() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.bytes
}
