package quant

import (
	"fmt"
	"strings"
)

// Scheme says how real numbers map to integers: the bit width, whether the
// grid is symmetric around 0, and whether each output channel gets its own
// scale.
type Scheme struct {
	Bits       int  // 8 or 4
	Symmetric  bool // no zero point, range [-qmax, qmax]
	PerChannel bool // one scale per index of the last axis (axis 1 of W[in, out])
}

// Common schemes.
var (
	Int8Sym        = Scheme{Bits: 8, Symmetric: true}
	Int8SymChannel = Scheme{Bits: 8, Symmetric: true, PerChannel: true}
	Int8Asym       = Scheme{Bits: 8}
	Int4Sym        = Scheme{Bits: 4, Symmetric: true}
	Int4SymChannel = Scheme{Bits: 4, Symmetric: true, PerChannel: true}
	Int4Asym       = Scheme{Bits: 4}
)

// Validate returns an error unless Bits is 8 or 4.
func (s Scheme) Validate() error {
	if s.Bits != 8 && s.Bits != 4 {
		return fmt.Errorf("quantization bits %d, want 8 or 4", s.Bits)
	}
	return nil
}

// Range returns the smallest and largest integer of the grid:
// [-127, 127] or [-7, 7] when symmetric, [-128, 127] or [-8, 7] otherwise.
// It panics if the scheme is invalid.
func (s Scheme) Range() (qmin, qmax int) {
	if err := s.Validate(); err != nil {
		panic("quant: " + err.Error())
	}
	qmax = 1<<(s.Bits-1) - 1
	if s.Symmetric {
		return -qmax, qmax
	}
	return -qmax - 1, qmax
}

// String returns a name such as "int8-sym-channel" or "int4-asym-tensor",
// which ParseScheme reads back.
func (s Scheme) String() string {
	sym, gran := "asym", "tensor"
	if s.Symmetric {
		sym = "sym"
	}
	if s.PerChannel {
		gran = "channel"
	}
	return fmt.Sprintf("int%d-%s-%s", s.Bits, sym, gran)
}

// ParseScheme reads a name written by Scheme.String, for example
// "int8-sym-tensor". The granularity may be left out ("int4-asym"), which
// means per-tensor.
func ParseScheme(name string) (Scheme, error) {
	parts := strings.Split(name, "-")
	if len(parts) == 2 {
		parts = append(parts, "tensor")
	}
	var s Scheme
	if len(parts) != 3 {
		return s, fmt.Errorf("quantization scheme %q, want e.g. int8-sym-tensor", name)
	}
	switch parts[0] {
	case "int8":
		s.Bits = 8
	case "int4":
		s.Bits = 4
	default:
		return s, fmt.Errorf("quantization scheme %q: bits %q, want int8 or int4", name, parts[0])
	}
	switch parts[1] {
	case "sym":
		s.Symmetric = true
	case "asym":
	default:
		return s, fmt.Errorf("quantization scheme %q: %q, want sym or asym", name, parts[1])
	}
	switch parts[2] {
	case "channel":
		s.PerChannel = true
	case "tensor":
	default:
		return s, fmt.Errorf("quantization scheme %q: %q, want tensor or channel", name, parts[2])
	}
	return s, nil
}
