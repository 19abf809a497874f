package content_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/mlp"
	"stepgraph/exhibit"
)

// klAt runs the engine's distillation loss on one example at temperature
// T and returns the teacher's softened distribution, the row's KL
// divergence, the loss T^2 KL and the gradient on the student's logits.
func klAt(zs, zt []float64, T float64) (pt []float64, kl, loss float64, grad []float64) {
	op := engine.NewKLDiv(T)
	s, tt := engine.FromData(zs, 1, len(zs)), engine.FromData(zt, 1, len(zt))
	out := engine.New()
	op.Forward(out, s, tt)
	din := []*engine.Tensor{engine.New(1, len(zs)), nil}
	op.Backward(din, engine.Scalar(1), out, s, tt)
	pt, _ = op.Probs()
	return append([]float64(nil), pt...), op.RowKL()[0], out.Data[0], din[0].Data
}

func norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// TestDistillationWorkedNumbers recomputes with the engine's KL divergence
// op the distillation lesson's tables: the teacher's logits softened at
// four temperatures, and the loss and gradient size with and without the
// T^2 factor.
func TestDistillationWorkedNumbers(t *testing.T) {
	text := lessonText(t, "distillation.md")
	zt, zs := []float64{4, 2, -1}, []float64{1, 2, 0}
	if !strings.Contains(text, "z^t = (4,\\ 2,\\ -1)") || !strings.Contains(text, "$z^s = (1, 2, 0)$") {
		t.Fatalf("the lesson's logits are not (4, 2, -1) and (1, 2, 0)")
	}
	for _, T := range []float64{1, 2, 4, 10} {
		pt, kl, loss, grad := klAt(zs, zt, T)
		row := numbers(t, text, fmt.Sprintf(`\| \$%v\$ \| \$([0-9.]+)\$ \| \$([0-9.]+)\$ \| \$([0-9.]+)\$ \|`, T))
		checkNear(t, fmt.Sprintf("softmax at T = %v", T), row, pt...)
		row = numbers(t, text, fmt.Sprintf(`\| \$%v\$ \| \$([0-9.]+)\$ \| \$([0-9.]+)\$ \| \$([0-9.]+)\$ \| \$([0-9.]+)\$ \|`, T))
		// The op's loss and gradient include T^2; without it, divide.
		checkNear(t, fmt.Sprintf("KL table at T = %v", T), row, kl, loss, norm(grad), norm(grad)/(T*T))
	}
	checkNear(t, "softmax at T = 1, in the text", strings.Split(numbers(t, text, `its softmax gives the probabilities \$\(([^)]*)\)\$`)[0], ",\\ "), func() []float64 {
		pt, _, _, _ := klAt(zs, zt, 1)
		return pt
	}()...)

	// The lesson's limit: at a high temperature, T^2 times the gradient
	// tends to (1/C) times the difference of the centred logits. The next
	// term of the expansion falls as 1/T: measured 7.4e-3 at T = 100 and
	// 7.4e-4 at T = 1000, so 2/T bounds it at T = 1000, while a gradient
	// without the T^2 or the 1/C is off by O(1).
	const T = 1000
	_, _, _, grad := klAt(zs, zt, T)
	mean := func(v []float64) float64 { return (v[0] + v[1] + v[2]) / 3 }
	for c := range zs {
		want := ((zs[c] - mean(zs)) - (zt[c] - mean(zt))) / 3
		if math.Abs(grad[c]-want) > 2.0/T {
			t.Errorf("gradient at T = 1000, class %d: %v, want about %v (logit matching)", c, grad[c], want)
		}
	}
}

// TestDistillationModelSizes checks the parameter counts the lesson gives
// for the widget's teacher and student.
func TestDistillationModelSizes(t *testing.T) {
	text := lessonText(t, "distillation.md")
	d := lessonExhibit[*exhibit.Distill](t, "distillation")
	for _, c := range []struct {
		model  *mlp.Model
		phrase string // where the lesson gives the count
	}{
		{d.Teacher(), "with ReLU, %d parameters"},
		{d.Student(), "$2 \\to 16 \\to 16 \\to 3$, %d parameters"},
	} {
		n := c.model.Config.NumParams()
		if want := fmt.Sprintf(c.phrase, n); !strings.Contains(text, want) {
			t.Errorf("the lesson does not say %q", want)
		}
	}
}
