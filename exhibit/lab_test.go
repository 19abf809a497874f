package exhibit

import (
	"slices"
	"testing"
)

// TestLabTrainingSharesWeights trains a chunk and checks that the stepped
// graph computes with the trained weights, and the samples come.
func TestLabTrainingSharesWeights(t *testing.T) {
	l := build[*Lab](t, "lab", nil)
	wq := l.lm.model.Params["layers.0.attn.wq"]
	before := slices.Clone(wq.Data)
	l.StartTraining(0)
	p := l.TrainChunk(LabRecordEvery, ChunkTime)
	if slices.Equal(before, wq.Data) {
		t.Fatalf("a training chunk left layers.0.attn.wq unchanged")
	}
	if got := l.lm.g.MustNode("layers.0.attn.wq").Value; got != wq {
		t.Errorf("the stepped graph's wq is not the model's tensor")
	}
	m := l.Metrics(!p.Finished) // as the training loop reports the chunk
	// A chunk of at most LabRecordEvery steps, fewer if they are slow.
	if m.Step < 1 || m.Step > LabRecordEvery || m.Step != p.Steps || len(m.Samples) != labSamples || !m.Running || m.RunEnd != labRunSteps {
		t.Errorf("metrics after a chunk = %+v (it ran %d steps), want step 1 to %d, %d samples, training to %d", m, p.Steps, LabRecordEvery, labSamples, labRunSteps)
	}
}

// TestLabLoadWeightsStartsAfresh trains a lab, then loads the untrained
// weights of its options back: training starts afresh, as after a
// rebuild, with no steps done, no chart points and a new optimizer
// (Adam's moments belong to the old weights). The widget package's
// TestLabLoadWeights checks the weights and the views the load sends.
func TestLabLoadWeightsStartsAfresh(t *testing.T) {
	l := build[*Lab](t, "lab", nil)
	l.StartTraining(3 * LabRecordEvery)
	for range 3 {
		l.TrainChunk(LabRecordEvery, ChunkTime)
	}
	oldOpt := l.opt
	untrained, _, err := LabModel(l.values)
	if err != nil {
		t.Fatal(err)
	}
	if e := l.LoadWeights(untrained.Params); e != nil {
		t.Fatalf("LoadWeights(the untrained weights) = %v", e)
	}
	if l.run.done != 0 || len(l.run.history[0].X) != 0 || l.opt == oldOpt {
		t.Errorf("after the load: %d training steps, %d chart points, optimizer kept = %v; want a fresh start", l.run.done, len(l.run.history[0].X), l.opt == oldOpt)
	}
}
