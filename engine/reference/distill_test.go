package reference

import (
	"encoding/json"
	"math"
	"testing"

	"stepgraph/engine"
)

func init() { checkers["oracle-distill-v1"] = checkDistill }

// distillTensor is a tensor of a distillation fixture.
type distillTensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

// distillFixture is the format "oracle-distill-v1" of SPEC.md section 6.
type distillFixture struct {
	PRNG struct {
		Algorithm string `json:"algorithm"`
		Seed      uint32 `json:"seed"`
	} `json:"prng"`
	N             int           `json:"N"`
	C             int           `json:"C"`
	TeacherLogits distillTensor `json:"teacher_logits"`
	StudentLogits distillTensor `json:"student_logits"`
	Cases         []struct {
		T         float64       `json:"T"`
		PTeacher  distillTensor `json:"p_teacher"`
		PStudent  distillTensor `json:"p_student"`
		KLPerRow  distillTensor `json:"kl_per_row"`
		Loss      float64       `json:"loss"`
		Grad      distillTensor `json:"grad_student_logits"`
		Reference struct {
			Loss     float64       `json:"loss"`
			KLPerRow []float64     `json:"kl_per_row"`
			Grad     distillTensor `json:"grad_student_logits"`
		} `json:"reference_f64"`
	} `json:"cases"`
}

// Tolerances of the distillation checks.
const (
	// Against tfjs (float32): SPEC section 5's tolerances, 1e-5 absolute
	// for probabilities (like attention), 1e-5 relative for the loss and
	// the per-row KL, 1e-5 + 1e-3|g| for gradients. Measured against our
	// float64: probabilities 2.2e-8, loss 2.7e-7 relative, gradient 3.0e-8
	// absolute (7.6e-6 relative), as SPEC section 8 reports for tfjs.
	distillProbAbs = 1e-5
	distillLossRel = 1e-5
	distillGradAbs = 1e-5
	distillGradRel = 1e-3
	// Against reference_f64 (the closed form in float64 on the same float32
	// logits): we compute the same quantities in float64, so only summation
	// order differs; measured differences are at most 4.4e-16.
	distillF64Tol = 1e-12
)

// checkDistill checks engine.KLDiv against a distillation fixture: the
// softened distributions, the per-row KL, the T^2-scaled batchmean loss and
// the student's gradient, for every temperature the fixture holds.
func checkDistill(t *testing.T, raw []byte) {
	var f distillFixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("parse distillation fixture: %v", err)
	}
	n, c := f.N, f.C
	if n < 1 || c < 1 || len(f.Cases) == 0 {
		t.Fatalf("distillation fixture with N %d, C %d, %d cases: nothing to check", n, c, len(f.Cases))
	}
	for _, lt := range []distillTensor{f.TeacherLogits, f.StudentLogits} {
		if !engine.SameShape(lt.Shape, []int{n, c}) || len(lt.Data) != n*c {
			t.Fatalf("logits of shape %v with %d values, want [%d %d]", lt.Shape, len(lt.Data), n, c)
		}
	}
	checkDistillPRNG(t, &f)
	for _, tc := range f.Cases {
		zs := engine.FromData(append([]float64(nil), f.StudentLogits.Data...), n, c) // [N, C]
		zt := engine.FromData(append([]float64(nil), f.TeacherLogits.Data...), n, c) // [N, C]
		g := engine.NewGraph()
		s := g.Param("student_logits", zs)
		tch := g.Input("teacher_logits", n, c)
		tch.Value.CopyFrom(zt)
		op := engine.NewKLDiv(tc.T)
		g.Loss("distill.kl", op, s, tch)
		loss := g.Forward()
		g.Backward()
		pt, ps := op.Probs()
		what := func(name string) string { return "T=" + fmtFloat(tc.T) + " " + name }

		distillCompare(t, what("p_teacher"), pt, tc.PTeacher.Data, distillProbAbs, 0)
		distillCompare(t, what("p_student"), ps, tc.PStudent.Data, distillProbAbs, 0)
		distillCompare(t, what("kl_per_row"), op.RowKL(), tc.KLPerRow.Data, 0, distillLossRel)
		distillCompare(t, what("loss"), []float64{loss}, []float64{tc.Loss}, 0, distillLossRel)
		distillCompare(t, what("grad"), s.Grad.Data, tc.Grad.Data, distillGradAbs, distillGradRel)

		distillCompare(t, what("f64 kl_per_row"), op.RowKL(), tc.Reference.KLPerRow, distillF64Tol, distillF64Tol)
		distillCompare(t, what("f64 loss"), []float64{loss}, []float64{tc.Reference.Loss}, distillF64Tol, distillF64Tol)
		distillCompare(t, what("f64 grad"), s.Grad.Data, tc.Reference.Grad.Data, distillF64Tol, distillF64Tol)
		if tch.Grad != nil {
			t.Errorf("T=%v: the teacher logits got a gradient", tc.T)
		}
	}
}

// checkDistillPRNG regenerates the logits from the fixture's seed: SPEC
// section 6 draws the teacher's N*C values and then the student's, each
// uniformF32(a = 3) from one mulberry32 stream.
func checkDistillPRNG(t *testing.T, f *distillFixture) {
	if f.PRNG.Algorithm != "mulberry32" {
		t.Fatalf("distillation fixture PRNG %q, want mulberry32", f.PRNG.Algorithm)
	}
	rng := engine.NewMulberry32(f.PRNG.Seed)
	for _, lt := range []struct {
		name string
		data []float64
	}{{"teacher", f.TeacherLogits.Data}, {"student", f.StudentLogits.Data}} {
		for i, want := range lt.data {
			if got := rng.UniformF32(3, 0); got != want {
				t.Fatalf("%s logit %d from mulberry32(%d) = %v, want %v", lt.name, i, f.PRNG.Seed, got, want)
			}
		}
	}
}

// distillCompare fails when |got - want| > abs + rel |want| anywhere, and
// when the lengths differ.
func distillCompare(t *testing.T, what string, got, want []float64, abs, rel float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, fixture has %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if d := math.Abs(got[i] - want[i]); !(d <= abs+rel*math.Abs(want[i])) {
			t.Errorf("%s[%d] = %.10g, want %.10g (diff %.3g, tolerance %.3g)", what, i, got[i], want[i], d, abs+rel*math.Abs(want[i]))
			return
		}
	}
}

// fmtFloat formats a temperature for messages.
func fmtFloat(v float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}
