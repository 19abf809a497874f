package task

import (
	"fmt"
	"slices"
	"strings"
)

// Names of the sequence tasks.
const (
	Copy    = "copy"    // y = x
	Reverse = "reverse" // y_t = x_{n-1-t}
	Sort    = "sort"    // y = x in ascending order
)

// Bounds of a Seq, kept small so that a model trains in seconds. Symbols are
// shown as letters, hence at most 26.
const (
	MaxLen     = 32
	MinSymbols = 2
	MaxSymbols = 26
)

// Seq is a sequence-to-sequence task: Kind (Copy, Reverse or Sort) over
// inputs of N symbols drawn from K.
type Seq struct {
	Kind string
	N, K int
}

// Validate reports whether s is a known task within the bounds.
func (s Seq) Validate() error {
	switch s.Kind {
	case Copy, Reverse, Sort:
	default:
		return fmt.Errorf("unknown task %q (want copy, reverse or sort)", s.Kind)
	}
	if s.N < 1 || s.N > MaxLen {
		return fmt.Errorf("sequence length %d outside [1, %d]", s.N, MaxLen)
	}
	if s.K < MinSymbols || s.K > MaxSymbols {
		return fmt.Errorf("symbol count %d outside [%d, %d]", s.K, MinSymbols, MaxSymbols)
	}
	return nil
}

// SEP returns the separator id of the decoder-only layout, k.
func (s Seq) SEP() int { return s.K }

// BOS returns the first decoder input of the encoder-decoder layout, k (the
// same reserved id as SEP).
func (s Seq) BOS() int { return s.K }

// Output returns the answer y for input x. It panics if len(x) != N.
func (s Seq) Output(x []int) []int {
	if len(x) != s.N {
		panic(fmt.Sprintf("task: %s input of length %d, want %d", s.Kind, len(x), s.N))
	}
	y := slices.Clone(x)
	switch s.Kind {
	case Reverse:
		slices.Reverse(y)
	case Sort:
		slices.Sort(y)
	}
	return y
}

// check returns an error unless x is N symbols in [0, K).
func (s Seq) check(x []int) error {
	if len(x) != s.N {
		return fmt.Errorf("input of length %d, want %d", len(x), s.N)
	}
	for t, v := range x {
		if v < 0 || v >= s.K {
			return fmt.Errorf("symbol %d at position %d outside [0, %d)", v, t, s.K)
		}
	}
	return nil
}

// Format shows ids as text: symbols as letters a, b, c, ..., the reserved
// id as "|", and anything else (IgnoreTarget) as "_".
func (s Seq) Format(ids []int) string {
	var b strings.Builder
	for _, v := range ids {
		switch {
		case v >= 0 && v < s.K:
			b.WriteByte(byte('a' + v))
		case v == s.K:
			b.WriteByte('|')
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Parse reads letters written by Format back into symbol ids. It returns an
// error for anything but N letters among the first K.
func (s Seq) Parse(text string) ([]int, error) {
	x := make([]int, 0, len(text))
	for _, c := range text {
		if c < 'a' || c > 'z' {
			return nil, fmt.Errorf("parse %q: %q is not a letter a-z", text, c)
		}
		x = append(x, int(c-'a'))
	}
	if err := s.check(x); err != nil {
		return nil, fmt.Errorf("parse %q: %w", text, err)
	}
	return x, nil
}
