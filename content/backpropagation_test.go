package content_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"stepgraph/engine/gradcheck"
	"stepgraph/exhibit"
)

// TestBackpropLessonGradientCheck checks what the backpropagation lesson
// says of the gradient check against its own widget: at the end of the
// run every parameter matches, layers.0.w, which it names, by a tiny
// fraction of a millionth; and the numbers it states (the nudge, the
// tolerance, the sample's size) are the engine's.
func TestBackpropLessonGradientCheck(t *testing.T) {
	text := lessonText(t, "backpropagation.md")
	ex := lessonExhibit[exhibit.Exhibit](t, "backpropagation")
	s := ex.Stepping()
	s.RunToEnd()
	for _, p := range s.Graph().Params() {
		c, e := s.CheckGradient(p.Name, exhibit.MaxCheckEntries)
		if e != nil || !c.Match() {
			t.Errorf("the lesson's widget: check of %s = match %v (worst %.3g), %v", p.Name, c.Match(), c.Worst, e)
		}
		// "a tiny fraction of a millionth": under a hundredth of one.
		if p.Name == "layers.0.w" && c.Worst > 1e-8 {
			t.Errorf("layers.0.w's check disagrees by %.3g, more than the lesson says", c.Worst)
		}
	}
	if s.Graph().Node("layers.0.w") == nil {
		t.Errorf("the lesson names layers.0.w, which its widget's graph does not have")
	}
	for _, want := range []string{
		fmt.Sprintf(`$\epsilon = 10^{%d}$`, exponent(gradcheck.Step)),
		fmt.Sprintf(`tolerance of $10^{%d}$`, exponent(gradcheck.Tolerance)),
		fmt.Sprintf("more than %d entries", exhibit.MaxCheckEntries),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the lesson does not say %q", want)
		}
	}
}

// exponent returns the power of ten x is: -5 for 1e-5.
func exponent(x float64) int { return int(math.Round(math.Log10(x))) }
