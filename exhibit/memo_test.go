package exhibit

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// TestMemo checks, on a memo of models by seed, that a seed is trained
// once however many callers ask at the same time, that the oldest seed is
// forgotten past the bound, and that an error is kept like a model.
func TestMemo(t *testing.T) {
	var trained [8]atomic.Int32
	c := newMemo(2, func(seed uint32) (uint32, error) {
		trained[seed].Add(1)
		if seed == 7 {
			return 0, errors.New("no model for seed 7")
		}
		return 10 * seed, nil
	})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if v, err := c.get(1); v != 10 || err != nil {
				t.Errorf("get(1) = %v, %v; want 10, nil", v, err)
			}
		})
	}
	wg.Wait()
	if n := trained[1].Load(); n != 1 {
		t.Errorf("seed 1 trained %d times by 8 concurrent callers, want 1", n)
	}
	c.get(2)
	c.get(1) // still cached: two seeds fit
	c.get(3) // evicts seed 1, the oldest
	c.get(1)
	if n := trained[1].Load(); n != 2 {
		t.Errorf("seed 1 trained %d times after falling out of a cache of 2, want 2", n)
	}
	for range 2 {
		if _, err := c.get(7); err == nil {
			t.Errorf("get(7) error nil, want the training error")
		}
	}
	if n := trained[7].Load(); n != 1 {
		t.Errorf("seed 7 failed %d times, want its error kept after the first", n)
	}
}
