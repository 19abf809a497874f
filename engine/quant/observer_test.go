package quant

import (
	"testing"

	"stepgraph/engine"
)

func TestObservers(t *testing.T) {
	batches := []*engine.Tensor{
		engine.FromData([]float64{-1, 0.5, 2}, 3),
		engine.FromData([]float64{-3, 4, 1}, 3),
	}
	// 1..1000: the 99th percentile by nearest rank is the 990th value, and
	// the matching low end is the 11th (ten values, 1%, lie below it).
	ramp := engine.New(1000)
	for i := range ramp.Data {
		ramp.Data[i] = float64(1000 - i)
	}
	for _, c := range []struct {
		obs     Observer
		in      []*engine.Tensor
		lo, hi  float64
		explain string
	}{
		{NewMinMax(), batches, -3, 4, "widest range"},
		{NewMovingAverage(0.5), batches, -2, 3, "0.5*(-1) + 0.5*(-3), 0.5*2 + 0.5*4"},
		{NewMovingAverage(0), batches, -3, 4, "momentum 0 keeps the last batch"},
		{NewPercentile(99), []*engine.Tensor{ramp}, 11, 990, "nearest rank"},
		{NewPercentile(100), batches, -3, 4, "the 100th percentile is the max"},
	} {
		if _, _, ok := c.obs.Range(); ok {
			t.Errorf("%s: Range before any value reports ok", c.obs.Name())
		}
		for _, x := range c.in {
			c.obs.Observe(x)
		}
		lo, hi, ok := c.obs.Range()
		if !ok || lo != c.lo || hi != c.hi {
			t.Errorf("%s (%s): Range() = %v, %v, %v, want %v, %v", c.obs.Name(), c.explain, lo, hi, ok, c.lo, c.hi)
		}
	}
}

func TestObserversRejectBadSettings(t *testing.T) {
	for name, mk := range map[string]func(){
		"ema 1":          func() { NewMovingAverage(1) },
		"ema -0.1":       func() { NewMovingAverage(-0.1) },
		"percentile 50":  func() { NewPercentile(50) },
		"percentile 101": func() { NewPercentile(101) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			mk()
		}()
	}
}
