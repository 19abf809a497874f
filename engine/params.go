package engine

import (
	"fmt"
	"maps"
	"slices"
)

// UniformTensor returns a new tensor of the given shape whose elements,
// drawn in row-major order, are rng.UniformF32(a, center): uniform in
// center ± a and rounded to float32, the reference spec's initialisation.
func UniformTensor(rng *Mulberry32, a, center float64, shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.Data {
		t.Data[i] = rng.UniformF32(a, center)
	}
	return t
}

// CopyParams copies src into a model's parameters dst (listed by order),
// so that graphs built earlier see the new values. src must hold exactly
// the names of dst, each with dst's shape; otherwise nothing is copied and
// the error names the first offending parameter.
func CopyParams(dst map[string]*Tensor, order []string, src map[string]*Tensor) error {
	for _, name := range slices.Sorted(maps.Keys(src)) {
		if _, ok := dst[name]; !ok {
			return fmt.Errorf("set params: unknown parameter %q", name)
		}
	}
	for _, name := range order {
		s, d := src[name], dst[name]
		if s == nil {
			return fmt.Errorf("set params: missing parameter %q", name)
		}
		if !SameShape(s.Shape, d.Shape) || len(s.Data) != len(d.Data) {
			return fmt.Errorf("set params: %q has shape %v, want %v", name, s.Shape, d.Shape)
		}
	}
	for _, name := range order {
		dst[name].CopyFrom(src[name])
	}
	return nil
}
