package exhibit

import (
	"fmt"
	"slices"

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
// transformer and up to three graphs that share its parameter tensors, so
// that training one of them changes what the others compute. The stepped
// graph is built at once; the training and sampling graphs, many times
// its size, only when training or a changed model needs them, so that a
// lab that is only stepped stays small.
type labModel struct {
	layout task.Layout
	model  *transformer.Model
	g      *engine.Graph // batch 1: the stepped example
	train  *engine.Graph // labTrainBatch rows: training steps; nil until trained
	eval   *engine.Graph // labSamples rows: greedy decoding of the held-out inputs; nil until needed
	input  []int         // the stepped task input x, n symbols
	batch  task.Batch    // x laid out for the model: what g holds
	// text and srcText are batch's tokens as the task writes them, made
	// once per input (every step's labels read them; nobody may change them).
	text, srcText []string
	// held are the sample inputs. When the task has enough distinct inputs
	// (heldOut), training batches never contain them.
	held    [][]int
	heldOut bool
	// shared is the set of initial weights the parameters read, until
	// the first write (own); nil once they are the lab's own.
	shared *weightSet
}

// own gives the lab its own copy of its weights, if they are still the
// shared initial ones (lab_shared.go). Every write of the weights calls
// it first: training, a weights file, a gradient check.
func (lm *labModel) own() {
	if lm.shared == nil {
		return
	}
	for _, t := range lm.model.Params {
		t.Data = slices.Clone(t.Data)
	}
	lm.shared = nil
}

// LabModel returns the transformer of v, the lab's options, and the
// layout of its task, initialised from the seed as the spec says.
func LabModel(v Values) (*transformer.Model, task.Layout, error) {
	layout, err := task.Seq{Kind: v.Str("task"), N: v.Int("n"), K: v.Int("k")}.Layout(v.Str("arch"))
	if err != nil {
		return nil, task.Layout{}, err
	}
	layers := v.Int("layers")
	cfg := transformer.Config{
		Variant: v.Str("arch"), V: layout.V, VSrc: layout.VSrc, D: v.Int("d"), Heads: v.Int("heads"), DFF: v.Int("dff"),
		Layers: layers, LEnc: layers, LDec: layers, MaxLen: max(layout.T, layout.TSrc), Act: v.Str("act"),
		NoCausalMask: !v.Bool("causal"),
	}
	model, err := transformer.New(cfg, v.Seed("seed"))
	return model, layout, err
}

// newLabModel builds the model of v and fills the stepped graph with the
// tokens option or, when it is empty, an input drawn from the seed. The
// options must have passed LabOptions.
func newLabModel(v Values) (*labModel, error) {
	model, layout, err := LabModel(v)
	if err != nil {
		return nil, err
	}
	seed := v.Seed("seed")
	lm := &labModel{layout: layout, model: model, shared: share(sharedKey(model.Config, seed), model.Params)}
	if lm.g, err = model.Build(1, layout.T, layout.TSrc); err != nil {
		return nil, err
	}
	lm.held = layout.Inputs(LabStream(seed, StreamHeld), labSamples)
	lm.heldOut = inputSpace(v.Int("n"), v.Int("k")) >= 16*labSamples
	if err := lm.setTokens(v); err != nil {
		return nil, err
	}
	return lm, nil
}

// setTokens fills the stepped graph with the tokens option of v or, when
// it is empty, the input drawn from the seed.
func (lm *labModel) setTokens(v Values) error {
	x, e := parseTokens(v.Str("tokens"), v.Int("n"), v.Int("k"))
	if e != nil {
		return e
	}
	if x == nil {
		x = lm.layout.Inputs(LabStream(v.Seed("seed"), StreamExample), 1)[0]
	}
	return lm.setInput(x)
}

// The lab's random streams. The weights come from the seed itself, as the
// spec says; the other streams from seed+1, seed+2, ... in this order, so
// that each is reproducible on its own.
const (
	StreamExample = 1 + iota // the stepped input when the learner has not set one
	StreamHeld               // the held-out sample inputs
	StreamTrain              // the training batches
	StreamCalib              // the calibration sequences of static quantization (lab_quant.go)
	StreamQAT                // the batches of quantization-aware fine-tuning
)

// LabStream returns the random stream s of a lab with the given seed.
func LabStream(seed uint32, s uint32) *engine.Mulberry32 { return engine.NewMulberry32(seed + s) }

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
	lm.text, lm.srcText = tokenText(lm.layout, b.Input), nil
	if b.TSrc > 0 {
		lm.srcText = tokenText(lm.layout, b.Src)
	}
	task.Fill(lm.g, b)
	return nil
}

// trainBatch draws one training batch from rng. With heldOut, a row equal
// to a held-out input is drawn again; the held-out inputs are at most a
// sixteenth of all inputs, so this ends quickly.
func (lm *labModel) trainBatch(rng *engine.Mulberry32) task.Batch {
	return lm.batchOf(rng, labTrainBatch)
}

// batchOf draws a batch of rows training sequences from rng, as trainBatch.
func (lm *labModel) batchOf(rng *engine.Mulberry32, rows int) task.Batch {
	xs := lm.layout.Inputs(rng, rows)
	for i := range xs {
		for lm.heldOut && lm.isHeld(xs[i]) {
			xs[i] = lm.layout.Inputs(rng, 1)[0]
		}
	}
	b, err := lm.layout.Encode(xs)
	if err != nil {
		panic("exhibit: " + err.Error()) // Inputs draws valid symbols only
	}
	return b
}

func (lm *labModel) isHeld(x []int) bool {
	return slices.ContainsFunc(lm.held, func(h []int) bool { return slices.Equal(h, x) })
}

// tokens returns the stepped sequence as text, one string per position:
// the model's input (the decoder's, for the encoder-decoder) and the
// encoder's source (nil for the other variants).
func (lm *labModel) tokens() (input, src []string) { return lm.text, lm.srcText }

// heldOutLoss runs the teacher-forced held-out samples and returns their
// loss and token accuracy: the metrics of a model not trained yet.
func (lm *labModel) heldOutLoss() (loss, acc float64) {
	b, err := lm.layout.Encode(lm.held)
	if err != nil {
		panic("exhibit: " + err.Error()) // held inputs are drawn valid
	}
	eval := lm.evalGraph()
	task.Fill(eval, b)
	loss = eval.Forward()
	return loss, task.Accuracy(eval, b)
}

// samples decodes the held-out inputs greedily and returns them as text.
func (lm *labModel) samples() ([]Sample, error) {
	preds, err := lm.layout.Decode(lm.evalGraph(), lm.held)
	if err != nil {
		return nil, err
	}
	seq := lm.layout.Task
	out := make([]Sample, len(preds))
	for i, p := range preds {
		y := seq.Output(lm.held[i])
		out[i] = Sample{Input: seq.Format(lm.held[i]), Target: seq.Format(y), Predicted: seq.Format(p), Correct: slices.Equal(p, y)}
	}
	return out, nil
}

// trainGraph returns the training graph, built on first use.
func (lm *labModel) trainGraph() *engine.Graph {
	if lm.train == nil {
		lm.train = lm.mustBuild(labTrainBatch)
	}
	return lm.train
}

// evalGraph returns the sampling graph, built on first use.
func (lm *labModel) evalGraph() *engine.Graph {
	if lm.eval == nil {
		lm.eval = lm.mustBuild(labSamples)
	}
	return lm.eval
}

// mustBuild builds a graph of the model for rows sequences. The stepped
// graph of the same model was built, so this cannot fail.
func (lm *labModel) mustBuild(rows int) *engine.Graph {
	g, err := lm.model.Build(rows, lm.layout.T, lm.layout.TSrc)
	if err != nil {
		panic("exhibit: " + err.Error())
	}
	return g
}
