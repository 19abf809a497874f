package exhibit

import (
	"testing"
	"time"
)

// TestQuantLiveQAT checks the qat pass's live run: it trains quantQATSteps
// steps, both curves have a loss per step, it ends with the very weights
// of the fine-tuning the report measured (fineTune, the same seed and
// batches), and the float copy trained on the same batches differs from
// it. The other passes refuse to train.
func TestQuantLiveQAT(t *testing.T) {
	q := build[*Quant](t, "quant", map[string]string{"pass": "qat", "bits": "4"})
	if _, e := q.StartTraining(0); e != nil {
		t.Fatal(e)
	}
	steps := 0
	for {
		p := q.TrainChunk(25, time.Hour)
		steps += p.Steps
		if p.Finished {
			break
		}
		if p.Steps == 0 {
			t.Fatal("a chunk ran no step before the run finished")
		}
	}
	if steps != quantQATSteps || len(q.run.qatLoss.Y) != quantQATSteps || len(q.run.float.Y) != quantQATSteps {
		t.Fatalf("ran %d steps with %d and %d losses, want %d each", steps, len(q.run.qatLoss.Y), len(q.run.float.Y), quantQATSteps)
	}
	m := q.Metrics(false)
	if m.Step != quantQATSteps || m.Values["qatTrainLoss"] != q.run.qatLoss.Y[quantQATSteps-1] {
		t.Errorf("metrics step %d, qatTrainLoss %v; want %d and the last QAT loss", m.Step, m.Values["qatTrainLoss"], quantQATSteps)
	}
	want, _, err := q.float.fineTune(quantScheme(q.values))
	if err != nil {
		t.Fatal(err)
	}
	differs := false
	for name, w := range want.Params {
		got := q.run.qatModel.Params[name]
		for i, v := range w.Data {
			// The same float64 operations in the same order: equal to
			// the bit.
			if got.Data[i] != v {
				t.Fatalf("%s[%d] = %v after the live run, want %v as the report's fine-tuning", name, i, got.Data[i], v)
			}
		}
		if p := q.run.plain.Node(name); p != nil {
			for i, v := range p.Value.Data {
				differs = differs || v != w.Data[i]
			}
		}
	}
	if !differs {
		t.Error("the float copy ended with the QAT weights: it should train without the rounding")
	}
	charts, err := q.Charts()
	if err != nil || len(charts) != 2 || charts[1].Name != "loss" {
		t.Errorf("charts %v, %v; want the error histogram and the loss chart", charts, err)
	}
	// A finished run starts afresh.
	if _, e := q.StartTraining(0); e != nil || q.run.done != 0 {
		t.Errorf("start after the end: %v, %d steps done; want a fresh run", e, q.run.done)
	}
	for _, pass := range []string{"dynamic", "static"} {
		if _, e := build[*Quant](t, "quant", map[string]string{"pass": pass}).StartTraining(0); e == nil || e.Code != Unsupported {
			t.Errorf("%s: StartTraining = %v, want unsupported", pass, e)
		}
	}
}
