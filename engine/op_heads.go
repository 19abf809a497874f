package engine

import "fmt"

// SplitHead takes one head's columns out of a multi-head tensor: head j of
// size dh is columns j*dh .. (j+1)*dh-1 of the last axis.
//
//	[..., d] -> [..., dh],   y[..., c] = x[..., j*dh + c]
//
// The backward pass adds the gradient back into those columns; the other
// heads' columns get nothing from this op.
type SplitHead struct {
	Head, Size int // head index j and head size dh
}

// Info describes the op.
func (op *SplitHead) Info() OpInfo {
	return OpInfo{Name: "split-head", Formula: fmt.Sprintf(`Y = X_{:,\,%d d_h : %d d_h}`, op.Head, op.Head+1)}
}

// Shape returns [..., dh]. It panics if the head's columns do not fit.
func (op *SplitHead) Shape(in ...[]int) []int {
	x := in[0]
	if len(x) < 1 || op.Size < 1 || op.Head < 0 || (op.Head+1)*op.Size > x[len(x)-1] {
		panic(fmt.Sprintf("engine: split-head %d of size %d does not fit %v", op.Head, op.Size, x))
	}
	out := append([]int(nil), x...)
	out[len(out)-1] = op.Size
	return out
}

// Forward copies the head's columns of every row.
func (op *SplitHead) Forward(out *Tensor, in ...*Tensor) {
	d, dh := in[0].Dim(-1), op.Size
	off := op.Head * dh
	x := in[0].Data
	for r, o := 0, 0; r < len(x); r, o = r+d, o+dh {
		copy(out.Data[o:o+dh], x[r+off:r+off+dh])
	}
}

// Backward accumulates dx[..., j*dh + c] += dy[..., c].
func (op *SplitHead) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	d, dh := in[0].Dim(-1), op.Size
	off := op.Head * dh
	dx := din[0].Data
	for r, o := 0, 0; r < len(dx); r, o = r+d, o+dh {
		row := dx[r+off : r+off+dh]
		for c, v := range dout.Data[o : o+dh] {
			row[c] += v
		}
	}
}

// Concat joins its inputs along the last axis, in argument order. All
// inputs share their leading axes; their last axes may differ. Multi-head
// attention uses it to put the heads' outputs side by side:
//
//	Y = [X_0 | X_1 | ... | X_{n-1}]
//
// The backward pass hands each input its own columns of the gradient.
type Concat struct{}

// Info describes the op.
func (*Concat) Info() OpInfo {
	return OpInfo{Name: "concat", Formula: `Y = [X_0 \mid X_1 \mid \cdots \mid X_{n-1}]`}
}

// Shape returns [..., sum of last axes]. It panics if there are no inputs
// or the leading axes differ.
func (*Concat) Shape(in ...[]int) []int {
	if len(in) == 0 || len(in[0]) < 1 {
		panic(fmt.Sprintf("engine: concat needs inputs of rank >= 1, got %v", in))
	}
	lead := in[0][:len(in[0])-1]
	width := 0
	for _, s := range in {
		if len(s) != len(in[0]) || !SameShape(s[:len(s)-1], lead) {
			panic(fmt.Sprintf("engine: concat shape mismatch %v", in))
		}
		width += s[len(s)-1]
	}
	return append(append([]int(nil), lead...), width)
}

// Forward copies each input's rows into its column block of the output.
func (*Concat) Forward(out *Tensor, in ...*Tensor) {
	d := out.Dim(-1)
	off := 0
	for _, x := range in {
		w := x.Dim(-1)
		for r, o := 0, off; r < len(x.Data); r, o = r+w, o+d {
			copy(out.Data[o:o+w], x.Data[r:r+w])
		}
		off += w
	}
}

// Backward accumulates into each input the gradient of its columns.
func (*Concat) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	d := out.Dim(-1)
	off := 0
	for i, x := range in {
		w := x.Dim(-1)
		if dx := din[i]; dx != nil {
			for r, o := 0, off; r < len(dx.Data); r, o = r+w, o+d {
				row := dx.Data[r : r+w]
				for c, v := range dout.Data[o : o+w] {
					row[c] += v
				}
			}
		}
		off += w
	}
}
