package engine

import (
	"fmt"
	"math"
	"slices"
)

// MaskPattern says which keys each query of an attention may read: a
// [Tq, Tk] matrix of booleans, row-major, true where query i may attend
// to key k. Every row keeps at least one allowed key, since a softmax
// over no keys at all is undefined (0/0): Set and Check refuse a pattern
// that would break this, so a masked softmax is never NaN.
type MaskPattern struct {
	Tq, Tk  int
	Allowed []bool // Tq*Tk entries; Allowed[i*Tk+k] for query i, key k
}

// NewMaskPattern returns the pattern that allows every key to every query
// (no mask). It panics unless tq and tk are positive.
func NewMaskPattern(tq, tk int) *MaskPattern {
	if tq < 1 || tk < 1 {
		panic(fmt.Sprintf("engine: mask pattern %d×%d, want positive sides", tq, tk))
	}
	p := &MaskPattern{Tq: tq, Tk: tk, Allowed: make([]bool, tq*tk)}
	for j := range p.Allowed {
		p.Allowed[j] = true
	}
	return p
}

// CausalPattern returns the causal pattern: query i reads keys k <= i,
// exactly what CausalMask keeps.
func CausalPattern(tq, tk int) *MaskPattern {
	p := NewMaskPattern(tq, tk)
	for i := range tq {
		for k := i + 1; k < tk; k++ {
			p.Allowed[i*tk+k] = false
		}
	}
	return p
}

// PaddingPattern returns the padding pattern of a sequence whose first
// length keys are real and the rest padding: every query reads keys
// k < length. It returns an error unless 1 <= length <= tk.
func PaddingPattern(tq, tk, length int) (*MaskPattern, error) {
	if length < 1 || length > tk {
		return nil, fmt.Errorf("padded length %d outside [1, %d] (at least one key must stay)", length, tk)
	}
	p := NewMaskPattern(tq, tk)
	for i := range tq {
		for k := length; k < tk; k++ {
			p.Allowed[i*tk+k] = false
		}
	}
	return p, nil
}

// At reports whether query i may read key k.
func (p *MaskPattern) At(i, k int) bool { return p.Allowed[i*p.Tk+k] }

// Clone returns a copy of p.
func (p *MaskPattern) Clone() *MaskPattern {
	return &MaskPattern{Tq: p.Tq, Tk: p.Tk, Allowed: append([]bool(nil), p.Allowed...)}
}

// Equal reports whether p and q have the same sides and entries.
func (p *MaskPattern) Equal(q *MaskPattern) bool {
	return p.Tq == q.Tq && p.Tk == q.Tk && slices.Equal(p.Allowed, q.Allowed)
}

// Set allows or blocks key k for query i. It returns an error, and
// changes nothing, when (i, k) is outside the matrix or when blocking it
// would leave row i with no allowed key (a *BlockedRowError).
func (p *MaskPattern) Set(i, k int, allowed bool) error {
	if i < 0 || i >= p.Tq || k < 0 || k >= p.Tk {
		return fmt.Errorf("mask cell (%d, %d) outside the %d×%d matrix", i, k, p.Tq, p.Tk)
	}
	was := p.Allowed[i*p.Tk+k]
	p.Allowed[i*p.Tk+k] = allowed
	if err := p.checkRow(i); err != nil {
		p.Allowed[i*p.Tk+k] = was
		return err
	}
	return nil
}

// Check returns a *BlockedRowError for the first row with no allowed key,
// or nil.
func (p *MaskPattern) Check() error {
	for i := range p.Tq {
		if err := p.checkRow(i); err != nil {
			return err
		}
	}
	return nil
}

func (p *MaskPattern) checkRow(i int) error {
	for _, a := range p.Allowed[i*p.Tk : (i+1)*p.Tk] {
		if a {
			return nil
		}
	}
	return &BlockedRowError{Row: i}
}

// BlockedRowError is a mask pattern whose row Row blocks every key.
type BlockedRowError struct{ Row int }

func (e *BlockedRowError) Error() string {
	return fmt.Sprintf("row %d would block every key: a softmax over no keys is undefined, so each query must keep at least one key", e.Row)
}

// Mask applies a pattern the learner chose to a stack of attention score
// matrices [..., Tq, Tk]: the blocked scores become -inf, so that the
// softmax after it gives their keys exactly 0 and renormalises over the
// allowed keys alone.
//
//	y_{ik} = x_{ik} if M_{ik} (allowed), and -inf if not
//
// The gradient passes through the allowed entries and is 0 for blocked
// ones. The op reads P when it runs, so changing P's entries in place
// changes what the next forward computes. P must pass Check; Forward
// panics on a row with no allowed key rather than let a NaN through.
type Mask struct{ P *MaskPattern }

// Info describes the op: "edited-mask", since in this project a Mask is
// always a mask the learner set (the model's own causal mask is
// CausalMask).
func (*Mask) Info() OpInfo {
	return OpInfo{Name: "edited-mask", Formula: `y_{ik} = \begin{cases} x_{ik} & M_{ik} = 1 \\ -\infty & M_{ik} = 0 \end{cases}`}
}

// Shape returns the input shape. It panics unless the input's last two
// axes are the pattern's [Tq, Tk].
func (m *Mask) Shape(in ...[]int) []int {
	s := in[0]
	if len(s) < 2 || s[len(s)-2] != m.P.Tq || s[len(s)-1] != m.P.Tk {
		panic(fmt.Sprintf("engine: mask of %d×%d on scores %v", m.P.Tq, m.P.Tk, s))
	}
	return append([]int(nil), s...)
}

// Forward copies the allowed scores and writes -inf where blocked, in
// every [Tq, Tk] matrix of the stack.
func (m *Mask) Forward(out *Tensor, in ...*Tensor) {
	if err := m.P.Check(); err != nil {
		panic("engine: " + err.Error())
	}
	x, y := in[0].Data, out.Data // [..., Tq, Tk]
	inf := math.Inf(-1)
	per := m.P.Tq * m.P.Tk
	for base := 0; base < len(x); base += per {
		for j, ok := range m.P.Allowed {
			if ok {
				y[base+j] = x[base+j]
			} else {
				y[base+j] = inf
			}
		}
	}
}

// Backward accumulates dx_{ik} += dy_{ik} where allowed; blocked entries
// get nothing, since their output (-inf) does not depend on the input.
func (m *Mask) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	dy, dx := dout.Data, din[0].Data // [..., Tq, Tk]
	per := m.P.Tq * m.P.Tk
	for base := 0; base < len(dy); base += per {
		for j, ok := range m.P.Allowed {
			if ok {
				dx[base+j] += dy[base+j]
			}
		}
	}
}
