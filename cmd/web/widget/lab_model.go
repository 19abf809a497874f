package widget

import (
	"fmt"
	"slices"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
)

// Sizes of the lab's other graphs.
const (
	labTrainBatch = 16 // sequences per training step
	labSamples    = 4  // held-out inputs decoded for the sample predictions
)

// labModel is everything the lab builds from its model-shaping options: a
// transformer and three graphs that share its parameter tensors, so that
// training one of them changes what the others compute.
type labModel struct {
	layout task.Layout
	model  *transformer.Model
	g      *engine.Graph // batch 1: the stepped example
	train  *engine.Graph // labTrainBatch rows: training steps
	eval   *engine.Graph // labSamples rows: greedy decoding of the held-out inputs
	input  []int         // the stepped task input x, n symbols
	batch  task.Batch    // x laid out for the model: what g holds
	// held are the sample inputs. When the task has enough distinct inputs
	// (heldOut), training batches never contain them.
	held    [][]int
	heldOut bool
}

// newLabModel builds the model of o, initialised from o.Seed, and fills
// the stepped graph with o.Tokens or, when nil, an input drawn from the
// seed. The options must have passed set and check.
func newLabModel(o labOptions) (*labModel, error) {
	layout, err := task.Seq{Kind: o.Task, N: o.N, K: o.K}.Layout(o.Arch)
	if err != nil {
		return nil, err
	}
	cfg := transformer.Config{
		Variant: o.Arch, V: layout.V, VSrc: layout.VSrc, D: o.D, Heads: o.Heads, DFF: o.DFF,
		Layers: o.Layers, LEnc: o.Layers, LDec: o.Layers, MaxLen: max(layout.T, layout.TSrc), Act: o.Act,
		NoCausalMask: !o.Causal,
	}
	model, err := transformer.New(cfg, o.Seed)
	if err != nil {
		return nil, err
	}
	lm := &labModel{layout: layout, model: model}
	for _, b := range []struct {
		g    **engine.Graph
		rows int
	}{{&lm.g, 1}, {&lm.train, labTrainBatch}, {&lm.eval, labSamples}} {
		if *b.g, err = model.Build(b.rows, layout.T, layout.TSrc); err != nil {
			return nil, err
		}
	}
	lm.held = layout.Inputs(labStream(o.Seed, streamHeld), labSamples)
	lm.heldOut = inputSpace(o.N, o.K) >= 16*labSamples
	x := o.Tokens
	if x == nil {
		x = layout.Inputs(labStream(o.Seed, streamExample), 1)[0]
	}
	if err := lm.setInput(x); err != nil {
		return nil, err
	}
	return lm, nil
}

// The lab's random streams. The weights come from the seed itself, as the
// spec says; the other streams from seed+1, seed+2 and seed+3, so that
// each is reproducible on its own.
const (
	streamExample = 1 + iota // the stepped input when the learner has not set one
	streamHeld               // the held-out sample inputs
	streamTrain              // the training batches
)

// labStream returns the random stream s of a lab with the given seed.
func labStream(seed uint32, s uint32) *engine.Mulberry32 { return engine.NewMulberry32(seed + s) }

// inputSpace returns k^n, the number of distinct task inputs (at most
// 16^8 within the lab's bounds).
func inputSpace(n, k int) int {
	s := 1
	for range n {
		s *= k
	}
	return s
}

// setInput lays x out and fills the stepped graph with it.
func (lm *labModel) setInput(x []int) error {
	b, err := lm.layout.Encode([][]int{x})
	if err != nil {
		return fmt.Errorf("stepped input: %w", err)
	}
	lm.input, lm.batch = slices.Clone(x), b
	task.Fill(lm.g, b)
	return nil
}

// trainBatch draws one training batch from rng. With heldOut, a row equal
// to a held-out input is drawn again; the held-out inputs are at most a
// sixteenth of all inputs, so this ends quickly.
func (lm *labModel) trainBatch(rng *engine.Mulberry32) task.Batch {
	xs := lm.layout.Inputs(rng, labTrainBatch)
	for i := range xs {
		for lm.heldOut && lm.isHeld(xs[i]) {
			xs[i] = lm.layout.Inputs(rng, 1)[0]
		}
	}
	b, err := lm.layout.Encode(xs)
	if err != nil {
		panic("widget: " + err.Error()) // Inputs draws valid symbols only
	}
	return b
}

func (lm *labModel) isHeld(x []int) bool {
	return slices.ContainsFunc(lm.held, func(h []int) bool { return slices.Equal(h, x) })
}

// tokens returns the stepped sequence as text, one string per position:
// the model's input (the decoder's, for the encoder-decoder) and the
// encoder's source (nil for the other variants).
func (lm *labModel) tokens() (input, src []string) {
	input = tokenText(lm.layout, lm.batch.Input)
	if lm.batch.TSrc > 0 {
		src = tokenText(lm.layout, lm.batch.Src)
	}
	return input, src
}

// heldOutLoss runs the teacher-forced held-out samples and returns their
// loss and token accuracy: the metrics of a model not trained yet.
func (lm *labModel) heldOutLoss() (loss, acc float64) {
	b, err := lm.layout.Encode(lm.held)
	if err != nil {
		panic("widget: " + err.Error()) // held inputs are drawn valid
	}
	task.Fill(lm.eval, b)
	loss = lm.eval.Forward()
	return loss, task.Accuracy(lm.eval, b)
}

// samples decodes the held-out inputs greedily and returns them as text.
func (lm *labModel) samples() ([]protocol.Sample, error) {
	preds, err := lm.layout.Decode(lm.eval, lm.held)
	if err != nil {
		return nil, err
	}
	seq := lm.layout.Task
	out := make([]protocol.Sample, len(preds))
	for i, p := range preds {
		y := seq.Output(lm.held[i])
		out[i] = protocol.Sample{Input: seq.Format(lm.held[i]), Target: seq.Format(y), Predicted: seq.Format(p), Correct: slices.Equal(p, y)}
	}
	return out, nil
}
