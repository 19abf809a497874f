package quant

import "testing"

func TestSchemeRange(t *testing.T) {
	// The ranges of SPEC.md section 7 (int8 symmetric) and of doc.go.
	for _, c := range []struct {
		s          Scheme
		qmin, qmax int
	}{
		{Int8Sym, -127, 127},
		{Int8SymChannel, -127, 127},
		{Int8Asym, -128, 127},
		{Int4Sym, -7, 7},
		{Int4Asym, -8, 7},
	} {
		if lo, hi := c.s.Range(); lo != c.qmin || hi != c.qmax {
			t.Errorf("%v.Range() = %d, %d, want %d, %d", c.s, lo, hi, c.qmin, c.qmax)
		}
	}
}

func TestSchemeStringRoundTrip(t *testing.T) {
	for _, bits := range []int{4, 8} {
		for _, sym := range []bool{false, true} {
			for _, ch := range []bool{false, true} {
				s := Scheme{Bits: bits, Symmetric: sym, PerChannel: ch}
				got, err := ParseScheme(s.String())
				if err != nil || got != s {
					t.Errorf("ParseScheme(%q) = %v, %v, want %v", s.String(), got, err, s)
				}
			}
		}
	}
	if got, err := ParseScheme("int4-asym"); err != nil || got != Int4Asym {
		t.Errorf("ParseScheme(int4-asym) = %v, %v, want %v", got, err, Int4Asym)
	}
}

func TestSchemeRejectsBadInput(t *testing.T) {
	for _, name := range []string{"", "int8", "int16-sym-tensor", "int8-half-tensor", "int8-sym-row", "int8-sym-tensor-x"} {
		if s, err := ParseScheme(name); err == nil {
			t.Errorf("ParseScheme(%q) = %v, nil, want an error", name, s)
		}
	}
	for _, bits := range []int{0, 2, 7, 16} {
		if err := (Scheme{Bits: bits}).Validate(); err == nil {
			t.Errorf("Scheme{Bits: %d}.Validate() = nil, want an error", bits)
		}
	}
}
