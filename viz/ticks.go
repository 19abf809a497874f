package viz

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// niceTicks marks an axis at round values, 1, 2 or 5 times a power of
// ten, about five of them, each labelled with as many decimals as the step
// needs ("0.05", "250", never "250.00").
type niceTicks struct{}

// Ticks returns the marks between lo and hi.
func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: tickLabel(lo, 0)}}
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	decimals := max(0, -int(math.Floor(math.Log10(step))))
	var ticks []plot.Tick
	// Index ticks by integers, so that no rounding error piles up.
	for k := math.Ceil(lo / step); k*step <= hi+step*1e-9; k++ {
		v := k * step
		ticks = append(ticks, plot.Tick{Value: v, Label: tickLabel(v, decimals)})
	}
	return ticks
}

// tickLabel formats v with the given decimals, writing -0 as 0.
func tickLabel(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if neg0 := "-" + strconv.FormatFloat(0, 'f', decimals, 64); s == neg0 {
		return s[1:]
	}
	return s
}
