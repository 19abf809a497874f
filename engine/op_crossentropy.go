package engine

import "fmt"

// IgnoreTarget is the target id that CrossEntropy skips: a position that is
// read by the model but not scored, such as the input half of a
// decoder-only sequence task.
const IgnoreTarget = -1

// CrossEntropy is the classification loss averaged over the scored
// positions:
//
//	L = (1/N) sum_{r : y_r != -1} [ logsumexp(z_r) - z_r[y_r] ]
//
// Inputs: logits z [..., C] and integer targets y [...] (stored as float64).
// Every axis but the last counts as a row. A row whose target is
// IgnoreTarget adds nothing to the loss and gets no gradient; N counts the
// other rows. With no target ignored this is the plain mean over all rows
// of the reference spec; with every row ignored the loss is 0.
type CrossEntropy struct {
	probs  []float64 // softmax(z) of the scored rows, kept for the backward pass
	scored int       // N, the number of scored rows in the last forward pass
}

// Info describes the op.
func (*CrossEntropy) Info() OpInfo {
	return OpInfo{Name: "cross-entropy", Formula: `L = \frac{1}{N}\sum_{r:\,y_r \ne -1} \left( \log \sum_{c} e^{z_{rc}} - z_{r y_r} \right)`}
}

// Shape returns [] (a scalar). It panics unless targets have the logits'
// shape without the last axis.
func (*CrossEntropy) Shape(in ...[]int) []int {
	z, y := in[0], in[1]
	if len(z) < 1 || !SameShape(z[:len(z)-1], y) {
		panic(fmt.Sprintf("engine: cross-entropy shape mismatch logits %v targets %v", z, y))
	}
	return []int{}
}

// Forward computes the mean loss over the scored rows. It panics if a
// target is neither IgnoreTarget nor in [0, C).
func (op *CrossEntropy) Forward(out *Tensor, in ...*Tensor) {
	z, y := in[0], in[1]
	c := z.Dim(-1)
	if len(op.probs) != len(z.Data) {
		op.probs = make([]float64, len(z.Data))
	}
	loss := 0.0
	op.scored = 0
	for r, yr := range y.Data {
		t := int(yr)
		if t == IgnoreTarget {
			continue
		}
		if t < 0 || t >= c {
			panic(fmt.Sprintf("engine: cross-entropy target %d outside [0, %d)", t, c))
		}
		zr := z.Data[r*c : (r+1)*c]
		lse := softmaxRow(op.probs[r*c:(r+1)*c], zr)
		loss += lse - zr[t]
		op.scored++
	}
	if op.scored == 0 {
		out.Data[0] = 0
		return
	}
	out.Data[0] = loss / float64(op.scored)
}

// Backward accumulates dz_r += dL (softmax(z_r) - onehot(y_r)) / N for every
// scored row r; ignored rows get nothing.
func (op *CrossEntropy) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil || op.scored == 0 {
		return
	}
	z, y := in[0], in[1]
	c := z.Dim(-1)
	s := dout.Data[0] / float64(op.scored)
	dz := din[0].Data
	for r, yr := range y.Data {
		t := int(yr)
		if t == IgnoreTarget {
			continue
		}
		for j := 0; j < c; j++ {
			g := op.probs[r*c+j]
			if j == t {
				g--
			}
			dz[r*c+j] += s * g
		}
	}
}
