package engine

import (
	"fmt"
	"math"
)

// KLDiv is the distillation loss of SPEC.md section 6: the KL divergence
// from the teacher's softened distribution to the student's, averaged over
// rows ("batchmean") and scaled by T^2:
//
//	p_t = softmax(z_t / T) ;  p_s = softmax(z_s / T)        (row-wise)
//	KL_r = sum_c p_t[r,c] (log p_t[r,c] - log p_s[r,c])
//	L    = T^2 (1/N) sum_r KL_r
//	dL/dz_s = (T/N) (p_s - p_t)
//
// Inputs: student logits z_s [..., C] and teacher logits z_t [..., C]; N is
// the number of rows (every axis but the last). The teacher is a fixed
// target: Backward never writes a gradient for it, even when asked. The T^2
// factor keeps the gradient's size about the same as T changes, so the loss
// mixes with a hard-label loss without retuning.
type KLDiv struct {
	T float64

	pt, ps []float64 // softmax(z_t/T), softmax(z_s/T) of the last forward pass
	kl     []float64 // KL_r per row
	buf    []float64 // one row of z/T
}

// NewKLDiv returns the loss at temperature t. It panics unless t > 0.
func NewKLDiv(t float64) *KLDiv {
	if !(t > 0) || math.IsInf(t, 1) {
		panic(fmt.Sprintf("engine: KL divergence temperature %v, want a finite T > 0", t))
	}
	return &KLDiv{T: t}
}

// Info describes the op.
func (op *KLDiv) Info() OpInfo {
	return OpInfo{Name: "kl-divergence", Formula: fmt.Sprintf(
		`L = T^2 \frac{1}{N} \sum_r \sum_c p^t_{rc} \left(\log p^t_{rc} - \log p^s_{rc}\right),\ p = \operatorname{softmax}(z / T),\ T = %g`, op.T)}
}

// Shape returns [] (a scalar). It panics unless both logits have the same
// shape of rank >= 1.
func (*KLDiv) Shape(in ...[]int) []int {
	if len(in) != 2 || len(in[0]) < 1 || !SameShape(in[0], in[1]) {
		panic(fmt.Sprintf("engine: kl-divergence needs student and teacher logits of one shape, got %v", in))
	}
	return []int{}
}

// Forward computes the loss and keeps both distributions and the per-row
// divergences.
func (op *KLDiv) Forward(out *Tensor, in ...*Tensor) {
	zs, zt := in[0], in[1]
	c := zs.Dim(-1)
	rows := len(zs.Data) / c
	if len(op.pt) != len(zs.Data) {
		op.pt, op.ps = make([]float64, len(zs.Data)), make([]float64, len(zs.Data))
		op.kl, op.buf = make([]float64, rows), make([]float64, c)
	}
	total := 0.0
	for r := 0; r < rows; r++ {
		pt, ps := op.pt[r*c:(r+1)*c], op.ps[r*c:(r+1)*c]
		lseT := op.softmaxT(pt, zt.Data[r*c:(r+1)*c]) // logsumexp(z_t/T)
		lseS := op.softmaxT(ps, zs.Data[r*c:(r+1)*c]) // logsumexp(z_s/T)
		kl := 0.0
		for j := 0; j < c; j++ {
			if pt[j] == 0 {
				continue // 0 log 0 = 0
			}
			logPt := zt.Data[r*c+j]/op.T - lseT
			logPs := zs.Data[r*c+j]/op.T - lseS
			kl += pt[j] * (logPt - logPs)
		}
		op.kl[r] = kl
		total += kl
	}
	out.Data[0] = op.T * op.T * total / float64(rows)
}

// Backward accumulates dz_s += dL (T/N) (p_s - p_t). The teacher gets none.
func (op *KLDiv) Backward(din []*Tensor, dout, out *Tensor, in ...*Tensor) {
	if din[0] == nil {
		return
	}
	rows := len(op.kl)
	s := dout.Data[0] * op.T / float64(rows)
	for i := range din[0].Data {
		din[0].Data[i] += s * (op.ps[i] - op.pt[i])
	}
}

// softmaxT writes softmax(z/T) into p and returns logsumexp(z/T).
func (op *KLDiv) softmaxT(p, z []float64) float64 {
	for j, v := range z {
		op.buf[j] = v / op.T
	}
	return softmaxRow(p, op.buf)
}

// Probs returns the teacher's and the student's softened distributions from
// the last forward pass, row-major [N, C]. The slices belong to the op.
func (op *KLDiv) Probs() (teacher, student []float64) { return op.pt, op.ps }

// RowKL returns KL_r for each row from the last forward pass (before the T^2
// scaling and the mean). The slice belongs to the op.
func (op *KLDiv) RowKL() []float64 { return op.kl }
