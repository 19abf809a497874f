package engine

import (
	"fmt"
	"math"
)

// Tensor is a dense, row-major array of float64 with a shape.
type Tensor struct {
	Shape []int
	Data  []float64
}

// New returns a zero tensor of the given shape. It panics if a dimension is
// negative.
func New(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float64, numel(shape))}
}

// FromData returns a tensor that wraps data with the given shape. It panics
// if len(data) does not match the shape.
func FromData(data []float64, shape ...int) *Tensor {
	if len(data) != numel(shape) {
		panic(fmt.Sprintf("engine: FromData: %d values for shape %v", len(data), shape))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}
}

// Scalar returns a tensor of shape [] holding v.
func Scalar(v float64) *Tensor { return &Tensor{Shape: []int{}, Data: []float64{v}} }

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		if s < 0 {
			panic(fmt.Sprintf("engine: negative dimension in shape %v", shape))
		}
		n *= s
	}
	return n
}

// Size returns the number of elements.
func (t *Tensor) Size() int { return len(t.Data) }

// Rank returns the number of dimensions.
func (t *Tensor) Rank() int { return len(t.Shape) }

// Dim returns dimension i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.Shape)
	}
	return t.Shape[i]
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float64(nil), t.Data...)}
}

// Zero sets every element to 0.
func (t *Tensor) Zero() { clear(t.Data) }

// CopyFrom copies src's data into t. It panics if the sizes differ.
func (t *Tensor) CopyFrom(src *Tensor) {
	if len(t.Data) != len(src.Data) {
		panic(fmt.Sprintf("engine: CopyFrom size mismatch %v <- %v", t.Shape, src.Shape))
	}
	copy(t.Data, src.Data)
}

// At returns the element at the given index.
func (t *Tensor) At(idx ...int) float64 { return t.Data[t.offset(idx)] }

// Set sets the element at the given index.
func (t *Tensor) Set(v float64, idx ...int) { t.Data[t.offset(idx)] = v }

func (t *Tensor) offset(idx []int) int {
	if len(idx) != len(t.Shape) {
		panic(fmt.Sprintf("engine: index %v for shape %v", idx, t.Shape))
	}
	off := 0
	for i, x := range idx {
		if x < 0 || x >= t.Shape[i] {
			panic(fmt.Sprintf("engine: index %v out of range for shape %v", idx, t.Shape))
		}
		off = off*t.Shape[i] + x
	}
	return off
}

// Stats holds summary numbers of a tensor for the UI.
type Stats struct {
	Min, Max, Mean, Norm float64
}

// Stats returns min, max, mean and the L2 norm of t. Infinite values (a
// causal mask's -inf) are skipped by the mean and the norm.
func (t *Tensor) Stats() Stats {
	if len(t.Data) == 0 {
		return Stats{}
	}
	s := Stats{Min: math.Inf(1), Max: math.Inf(-1)}
	var sum, sq float64
	n := 0
	for _, v := range t.Data {
		s.Min = math.Min(s.Min, v)
		s.Max = math.Max(s.Max, v)
		if math.IsInf(v, 0) {
			continue
		}
		sum += v
		sq += v * v
		n++
	}
	if n > 0 {
		s.Mean = sum / float64(n)
	}
	s.Norm = math.Sqrt(sq)
	return s
}

// SameShape reports whether a and b have equal shapes.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Argmax returns the index of the largest value of x, the first one on a
// tie: the predicted class of a row of logits. It panics if x is empty.
func Argmax(x []float64) int {
	if len(x) == 0 {
		panic("engine: Argmax of an empty row")
	}
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
