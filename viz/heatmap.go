package viz

import (
	"fmt"
	"math"
	"strconv"

	"stepgraph/engine"
)

// HeatmapOptions choose which 2-D slice of a tensor a heatmap shows, and
// how its rows and columns are labelled.
type HeatmapOptions struct {
	// Index gives the leading indices: one per axis before the last two.
	// Missing entries are 0, so the zero value shows example 0 of a batch
	// (and head 0 of a [B, h, Tq, Tk] attention tensor). Check it with
	// CheckIndex when it comes from outside.
	Index []int
	// RowLabels and ColLabels name the rows and columns (tokens, say).
	// When nil they are "0", "1", ...; otherwise their lengths must match.
	RowLabels, ColLabels []string
}

// HeatmapData is a 2-D view of a tensor for the UI, sent as JSON.
type HeatmapData struct {
	Rows int       `json:"rows"`
	Cols int       `json:"cols"`
	Data []float64 `json:"data"` // row-major, Rows*Cols values; 0 where Masked
	// Masked is true where the value is not finite: the -inf of a causal
	// mask (or, after training diverged, an inf or NaN). Data holds 0 there
	// so that the payload stays valid JSON.
	Masked []bool `json:"masked"`
	// Min, Max, Mean and Norm (the L2 norm) summarise the finite values
	// shown; all are 0 when there are none.
	Min       float64  `json:"min"`
	Max       float64  `json:"max"`
	Mean      float64  `json:"mean"`
	Norm      float64  `json:"norm"`
	RowLabels []string `json:"rowLabels"`
	ColLabels []string `json:"colLabels"`
	Shape     []int    `json:"shape"` // of the whole tensor
	Index     []int    `json:"index"` // the leading indices shown
}

// lead returns how many leading axes a heatmap of a tensor with this shape
// indexes: all but the last two.
func lead(shape []int) int { return max(len(shape)-2, 0) }

// CheckIndex reports whether index picks a valid 2-D slice of a tensor of
// the given shape: at most one entry per leading axis, each within range.
func CheckIndex(shape, index []int) error {
	if len(index) > lead(shape) {
		return fmt.Errorf("heatmap index %v: %d leading indices for shape %v, want at most %d", index, len(index), shape, lead(shape))
	}
	for i, x := range index {
		if x < 0 || x >= shape[i] {
			return fmt.Errorf("heatmap index %v: %d outside [0, %d) on axis %d", index, x, shape[i], i)
		}
	}
	return nil
}

// Heatmap returns a 2-D view of t: the last two axes at opt.Index for a
// tensor of rank 3 or more, the tensor itself for rank 2, one row for rank
// 1 and a 1x1 cell for a scalar. It panics if opt.Index fails CheckIndex
// or if labels do not match the view's size.
func Heatmap(t *engine.Tensor, opt HeatmapOptions) HeatmapData {
	if err := CheckIndex(t.Shape, opt.Index); err != nil {
		panic("viz: " + err.Error())
	}
	rows, cols := 1, 1
	switch r := len(t.Shape); {
	case r == 1:
		cols = t.Shape[0]
	case r >= 2:
		rows, cols = t.Shape[r-2], t.Shape[r-1]
	}
	index := make([]int, lead(t.Shape))
	copy(index, opt.Index)
	// Row-major offset of the slice: the leading indices times their strides.
	off := 0
	for i, x := range index {
		off = off*t.Shape[i] + x
	}
	off *= rows * cols

	h := HeatmapData{
		Rows: rows, Cols: cols,
		Data:      make([]float64, rows*cols),
		Masked:    make([]bool, rows*cols),
		RowLabels: labels("row", opt.RowLabels, rows),
		ColLabels: labels("column", opt.ColLabels, cols),
		Shape:     append([]int{}, t.Shape...),
		Index:     index,
	}
	h.Min, h.Max = math.Inf(1), math.Inf(-1)
	n, sum, sq := 0, 0.0, 0.0
	for i, v := range t.Data[off : off+rows*cols] {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			h.Masked[i] = true
			continue
		}
		h.Data[i] = v
		h.Min, h.Max = math.Min(h.Min, v), math.Max(h.Max, v)
		sum += v
		sq += v * v
		n++
	}
	if n == 0 {
		h.Min, h.Max = 0, 0
		return h
	}
	h.Mean = sum / float64(n)
	h.Norm = math.Sqrt(sq)
	return h
}

// labels returns the given labels, checked against n, or "0".."n-1".
func labels(what string, given []string, n int) []string {
	if given != nil {
		if len(given) != n {
			panic(fmt.Sprintf("viz: %d %s labels for %d %ss", len(given), what, n, what))
		}
		return append([]string{}, given...)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}
