package content_test

import (
	"strings"
	"testing"

	"stepgraph/exhibit"
)

// TestCNNLessonSizes checks what the cnn lesson says of the output-size
// formula in its widget: stride 2 makes convs.0.conv 6 pixels a side and
// the pool 3; then channels 4,4 and kernel 5 are accepted, and taking the
// padding away is refused at pad, with the formula that hit zero.
func TestCNNLessonSizes(t *testing.T) {
	w := lessonWidgets(t, "cnn")[0]
	v, e := exhibit.CNNOptions.Configure(w.Options)
	if e != nil {
		t.Fatal(e)
	}
	v2, _, e := exhibit.CNNOptions.Set(v, "stride", "2")
	if e != nil {
		t.Fatalf("stride 2: %v", e)
	}
	if s := exhibit.CNNSizes(v2)[0]; s.In != 12 || s.Pad != 1 || s.Kernel != 3 || s.Conv != 6 || s.Out != 3 {
		t.Errorf("stride 2: convs.0 %+v, want ⌊(12 + 2·1 − 3)/2⌋ + 1 = 6, pooled to 3", s)
	}
	for _, step := range [][2]string{{"channels", "4,4"}, {"kernel", "5"}} {
		if v, _, e = exhibit.CNNOptions.Set(v, step[0], step[1]); e != nil {
			t.Fatalf("%s %s: %v", step[0], step[1], e)
		}
	}
	_, _, e = exhibit.CNNOptions.Set(v, "pad", "0")
	if e == nil || e.Field != "pad" || !strings.Contains(e.Message, "conv 1") || !strings.Contains(e.Message, "= 0") {
		t.Errorf("pad 0 after channels 4,4 and kernel 5: %v, want a refusal at pad naming conv 1 and its 0", e)
	}
	if e != nil {
		t.Log(e.Message)
	}
}
