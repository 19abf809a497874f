package engine

import "fmt"

// CrossEntropy is the classification loss averaged over positions:
//
//	L = (1/N) sum_r [ logsumexp(z_r) - z_r[y_r] ]
//
// Inputs: logits z [..., C] and integer targets y [...] (stored as float64).
// N is the number of rows, every axis but the last.
type CrossEntropy struct {
	probs []float64 // softmax(z), kept for the backward pass
}

// Info describes the op.
func (*CrossEntropy) Info() OpInfo {
	return OpInfo{Name: "cross-entropy", Formula: `L = \frac{1}{N}\sum_{r} \left( \log \sum_{c} e^{z_{rc}} - z_{r y_r} \right)`}
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

// Forward computes the mean loss. It panics if a target is outside [0, C).
func (op *CrossEntropy) Forward(out *Tensor, in ...*Tensor) {
	z, y := in[0], in[1]
	c := z.Dim(-1)
	rows := len(y.Data)
	if len(op.probs) != len(z.Data) {
		op.probs = make([]float64, len(z.Data))
	}
	loss := 0.0
	for r := 0; r < rows; r++ {
		zr := z.Data[r*c : (r+1)*c]
		pr := op.probs[r*c : (r+1)*c]
		lse := softmaxRow(pr, zr)
		t := int(y.Data[r])
		if t < 0 || t >= c {
			panic(fmt.Sprintf("engine: cross-entropy target %d outside [0, %d)", t, c))
		}
		loss += lse - zr[t]
	}
	out.Data[0] = loss / float64(rows)
}

// Backward accumulates dz_r += dL (softmax(z_r) - onehot(y_r)) / N.
func (op *CrossEntropy) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	z, y := in[0], in[1]
	c := z.Dim(-1)
	rows := len(y.Data)
	s := dout.Data[0] / float64(rows)
	dz := din[0].Data
	for r := 0; r < rows; r++ {
		t := int(y.Data[r])
		for j := 0; j < c; j++ {
			g := op.probs[r*c+j]
			if j == t {
				g--
			}
			dz[r*c+j] += s * g
		}
	}
}
