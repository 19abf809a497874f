package content_test

import (
	"fmt"
	"strings"
	"testing"

	"stepgraph/exhibit"
)

// TestQuantizationCalibrationClaims checks the lesson's numbers on the
// calibration set against its static widget, built with 300 and with 5
// calibration points.
func TestQuantizationCalibrationClaims(t *testing.T) {
	text := strings.Join(strings.Fields(lessonText(t, "quantization.md")), " ")
	w := lessonWidgets(t, "quantization")[1]
	if w.Options["pass"] != "static" {
		t.Fatalf("the lesson's second widget is %v, want the static pass", w.Options)
	}
	claims := map[string]string{
		"300": "Calibrate on all 300 points and the int8 model keeps %.1f%% held-out accuracy, the logits at %.1f dB.",
		"5":   "the ranges are too narrow: real activations past them are clamped, the logits fall to %.1[2]f dB and accuracy to %.1[1]f%%.",
	}
	for points, claim := range claims {
		opts := map[string]string{}
		for k, v := range w.Options {
			opts[k] = v
		}
		opts["calibration"] = points
		w.Options = opts
		v := buildWidget[*exhibit.Quant](t, w).Metrics(false).Values
		if want := fmt.Sprintf(claim, 100*v["quantAccuracy"], v["sqnr:logits"]); !strings.Contains(text, want) {
			t.Errorf("calibration %s: the lesson does not say %q", points, want)
		}
	}
}
