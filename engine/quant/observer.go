package quant

import (
	"fmt"
	"math"
	"slices"

	"stepgraph/engine"
)

// Observer watches the values that flow through an activation and reports
// the range a static grid should cover. Observers are per-tensor.
type Observer interface {
	// Observe records one batch of values.
	Observe(x *engine.Tensor)
	// Range returns the range to cover; ok is false before any value was
	// observed.
	Range() (lo, hi float64, ok bool)
	// Name returns "minmax", "ema" or "percentile" for the UI.
	Name() string
}

// MinMax is the simplest observer: the smallest and largest value ever seen.
// One outlier stretches the grid for every other value.
type MinMax struct {
	lo, hi float64
	seen   bool
}

// NewMinMax returns an empty min/max observer.
func NewMinMax() Observer { return &MinMax{} }

// Observe widens the range to include x.
func (o *MinMax) Observe(x *engine.Tensor) {
	lo, hi, ok := finiteRange(x.Data)
	if !ok {
		return
	}
	if !o.seen {
		o.lo, o.hi, o.seen = lo, hi, true
		return
	}
	o.lo, o.hi = min(o.lo, lo), max(o.hi, hi)
}

// Range returns the widest range seen.
func (o *MinMax) Range() (float64, float64, bool) { return o.lo, o.hi, o.seen }

// Name returns "minmax".
func (*MinMax) Name() string { return "minmax" }

// MovingAverage follows each batch's min and max with an exponential moving
// average, lo = m lo + (1 - m) min(x), as quantization-aware training does
// while the activations drift. The first batch sets the range.
type MovingAverage struct {
	Momentum float64 // weight of the past, in [0, 1)
	lo, hi   float64
	seen     bool
}

// NewMovingAverage returns a moving-average observer. It panics unless
// momentum is in [0, 1).
func NewMovingAverage(momentum float64) Observer {
	if !(momentum >= 0 && momentum < 1) {
		panic(fmt.Sprintf("quant: moving-average momentum %v outside [0, 1)", momentum))
	}
	return &MovingAverage{Momentum: momentum}
}

// Observe moves the range towards x's min and max.
func (o *MovingAverage) Observe(x *engine.Tensor) {
	lo, hi, ok := finiteRange(x.Data)
	if !ok {
		return
	}
	if !o.seen {
		o.lo, o.hi, o.seen = lo, hi, true
		return
	}
	m := o.Momentum
	o.lo = m*o.lo + (1-m)*lo
	o.hi = m*o.hi + (1-m)*hi
}

// Range returns the averaged range.
func (o *MovingAverage) Range() (float64, float64, bool) { return o.lo, o.hi, o.seen }

// Name returns "ema".
func (*MovingAverage) Name() string { return "ema" }

// Percentile ignores the most extreme values: the range runs from the
// (100 - P)-th to the P-th percentile of every value seen, so that rare
// outliers are clamped instead of stretching the grid. It keeps at most
// MaxSamples values; later ones are not recorded (calibration sets are
// small).
type Percentile struct {
	P       float64 // in (50, 100]
	samples []float64
}

// MaxSamples is the most values a Percentile observer keeps.
const MaxSamples = 1 << 20

// NewPercentile returns a percentile observer. It panics unless p is in
// (50, 100].
func NewPercentile(p float64) Observer {
	if !(p > 50 && p <= 100) {
		panic(fmt.Sprintf("quant: percentile %v outside (50, 100]", p))
	}
	return &Percentile{P: p}
}

// Observe records x's finite values.
func (o *Percentile) Observe(x *engine.Tensor) {
	for _, v := range x.Data {
		if len(o.samples) == MaxSamples {
			return
		}
		if !math.IsInf(v, 0) && !math.IsNaN(v) {
			o.samples = append(o.samples, v)
		}
	}
}

// Range returns the two percentiles (nearest rank).
func (o *Percentile) Range() (float64, float64, bool) {
	if len(o.samples) == 0 {
		return 0, 0, false
	}
	s := slices.Clone(o.samples)
	slices.Sort(s)
	n := len(s)
	k := int(math.Ceil(o.P / 100 * float64(n))) // nearest rank, 1-based
	k = min(max(k, 1), n)
	return s[n-k], s[k-1], true
}

// Name returns "percentile".
func (*Percentile) Name() string { return "percentile" }

// finiteRange returns the min and max of the finite values of x.
func finiteRange(x []float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range x {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			continue
		}
		lo, hi, ok = min(lo, v), max(hi, v), true
	}
	return lo, hi, ok
}
