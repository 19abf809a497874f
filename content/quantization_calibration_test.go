package content_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"stepgraph/exhibit"
	"stepgraph/lesson"
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

// TestQuantizationLiveQATClaim checks the lesson's claim on the live QAT
// run of its QAT widget: the QAT training loss is above the float copy's
// at every step.
func TestQuantizationLiveQATClaim(t *testing.T) {
	text := strings.Join(strings.Fields(lessonText(t, "quantization.md")), " ")
	if !strings.Contains(text, "The QAT model's loss stays above the float copy's at every step") {
		t.Fatal("the lesson no longer makes the claim this test checks")
	}
	var w lesson.Widget
	for _, x := range lessonWidgets(t, "quantization") {
		if x.Options["pass"] == "qat" {
			w = x
			break
		}
	}
	q := buildWidget[*exhibit.Quant](t, w)
	if _, e := q.StartTraining(0); e != nil {
		t.Fatal(e)
	}
	for {
		p := q.TrainChunk(1, time.Hour) // one step
		m := q.Metrics(true)
		if m.Values["qatTrainLoss"] <= m.Values["floatTrainLoss"] {
			t.Errorf("step %d: QAT training loss %v, float %v: want QAT above", m.Step, m.Values["qatTrainLoss"], m.Values["floatTrainLoss"])
		}
		if p.Finished {
			if m.Step != 200 {
				t.Errorf("the run ended after %d steps, want 200", m.Step)
			}
			break
		}
	}
}
