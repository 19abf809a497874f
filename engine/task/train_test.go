package task_test

import (
	"math"
	"os"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/optim"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
)

// Seeds of the training tests. The held-out data comes from its own seed,
// so it is not the training stream.
const (
	initSeed  = 1 // model parameters
	trainSeed = 2 // training batches
	heldSeed  = 3 // held-out batches
)

// heldRows is the number of held-out sequences: four graphs of 64, 1536
// scored tokens, so 99% allows 15 wrong tokens.
const (
	heldRows  = 256
	evalBatch = 64
)

// train runs steps of Adam on batches from next, with the learning rate
// decaying linearly from lr to lr/steps, and returns the first and the last
// training loss.
func train(g *engine.Graph, steps int, lr float64, next func() task.Batch) (first, last float64) {
	opt := optim.NewAdam(lr)
	for step := range steps {
		opt.LR = lr * (1 - float64(step)/float64(steps))
		task.Fill(g, next())
		last = optim.TrainStep(g, opt)
		if step == 0 {
			first = last
		}
	}
	return first, last
}

// seqCase is one transformer trained on one sequence task.
type seqCase struct {
	name    string
	task    task.Seq
	variant string
	d, dff  int // model width and feed-forward width; 2 heads, 1 layer (per stack)
	act     string
	batch   int
	steps   int
	lr      float64
}

// seqCases are the sequence-task training runs.
var seqCases = []seqCase{
	{"decoder/reverse", task.Seq{Kind: task.Reverse, N: 6, K: 8}, task.Decoder, 16, 32, "relu", 16, 200, 5e-3},
	{"encdec/reverse", task.Seq{Kind: task.Reverse, N: 6, K: 8}, task.EncDec, 16, 32, "gelu_tanh", 16, 200, 5e-3},
	// An encoder sees the whole input at every position, so it can
	// sort in one pass: position t finds the t-th smallest symbol.
	{"encoder/sort", task.Seq{Kind: task.Sort, N: 6, K: 8}, task.Encoder, 24, 48, "relu", 16, 400, 5e-3},
}

// TestTrainSequenceTasks trains each variant on the task it suits and
// checks its token accuracy on held-out sequences, both teacher-forced
// (the training layout) and by greedy decoding, where the autoregressive
// models read their own predictions.
//
// The step counts leave a margin, measured over eight runs (init seed s and
// training stream s+100 for s = 1..8, with the schedule shortened to the
// step count named): the reverse models reach at least 99.87% in 150 steps
// and 100% in 200; the encoder reaches at least 99.0% in 250 steps, 99.4%
// in 300 and 99.8% in 400.
func TestTrainSequenceTasks(t *testing.T) {
	for _, c := range seqCases {
		t.Run(c.name, func(t *testing.T) {
			before, after, decoded := trainSeqCase(t, c, initSeed, trainSeed)
			// Untrained, the model is near chance (1/8); this shows that
			// the accuracy below is learned, not an artefact of scoring.
			if before > 0.5 {
				t.Errorf("%s: untrained held-out accuracy = %.4f, want near chance 1/%d", c.name, before, c.task.K)
			}
			if after < minAcc {
				t.Errorf("%s: held-out token accuracy after %d steps = %.4f, want >= %.2f", c.name, c.steps, after, minAcc)
			}
			if decoded < minAcc {
				t.Errorf("%s: greedy-decoding token accuracy after %d steps = %.4f, want >= %.2f", c.name, c.steps, decoded, minAcc)
			}
		})
	}
}

// minAcc is the token accuracy the sequence tasks must reach.
const minAcc = 0.99

// trainSeqCase trains a model for c from the given seeds and returns its
// held-out token accuracy before and after training, and the token accuracy
// of greedy decoding after training.
func trainSeqCase(t *testing.T, c seqCase, init, trainStream uint32) (before, after, decoded float64) {
	l, err := c.task.Layout(c.variant)
	if err != nil {
		t.Fatal(err)
	}
	cfg := transformer.Config{Variant: c.variant, V: l.V, VSrc: l.VSrc, D: c.d, Heads: 2, DFF: c.dff,
		Layers: 1, LEnc: 1, LDec: 1, MaxLen: l.T, Act: c.act}
	m, err := transformer.New(cfg, init)
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Build(c.batch, l.T, l.TSrc)
	if err != nil {
		t.Fatal(err)
	}
	eval, err := m.Build(evalBatch, l.T, l.TSrc) // shares m's parameters
	if err != nil {
		t.Fatal(err)
	}
	heldRng := engine.NewMulberry32(heldSeed)
	var held [][]int
	for range heldRows / evalBatch {
		held = append(held, l.Inputs(heldRng, evalBatch)...)
	}
	before = heldAccuracy(t, l, eval, held)

	rng := engine.NewMulberry32(trainStream)
	first, last := train(g, c.steps, c.lr, func() task.Batch { return l.Batch(rng, c.batch) })
	after = heldAccuracy(t, l, eval, held)
	decoded = decodedAccuracy(t, l, eval, held)
	t.Logf("%s: loss %.3f -> %.4f; held-out token accuracy %.4f -> %.4f, greedy decoding %.4f",
		c.name, first, last, before, after, decoded)

	return before, after, decoded
}

// heldAccuracy returns the teacher-forced token accuracy of eval on the
// inputs xs, scored in graphs of evalBatch rows.
func heldAccuracy(t *testing.T, l task.Layout, eval *engine.Graph, xs [][]int) float64 {
	t.Helper()
	sum := 0.0
	for i := 0; i < len(xs); i += evalBatch {
		b, err := l.Encode(xs[i : i+evalBatch])
		if err != nil {
			t.Fatal(err)
		}
		task.Fill(eval, b)
		eval.Forward()
		sum += task.Accuracy(eval, b) // every chunk has the same number of scored tokens
	}
	return sum / float64(len(xs)/evalBatch)
}

// decodedAccuracy returns the fraction of output tokens that greedy
// decoding gets right on the inputs xs.
func decodedAccuracy(t *testing.T, l task.Layout, eval *engine.Graph, xs [][]int) float64 {
	t.Helper()
	right, total := 0, 0
	for i := 0; i < len(xs); i += evalBatch {
		preds, err := l.Decode(eval, xs[i:i+evalBatch])
		if err != nil {
			t.Fatal(err)
		}
		for r, p := range preds {
			y := l.Task.Output(xs[i+r])
			for j := range y {
				total++
				if p[j] == y[j] {
					right++
				}
			}
		}
	}
	return float64(right) / float64(total)
}

// lmCase is the character-level language model run.
var lmCase = struct {
	t, d, batch, steps int
	lr                 float64
}{t: 16, d: 32, batch: 16, steps: 150, lr: 1e-2}

// TestTrainCharLM trains a decoder briefly on the nursery rhymes and checks
// that its loss on the held-out tail (the text it never trains on) falls
// below two bounds: maxHeldLoss, and the cross-entropy of the best
// context-free guess, the training part's character frequencies (3.24
// nats; a uniform guess over the 56 characters is ln 56 = 4.03). Beating
// the second shows that the model uses the preceding characters.
func TestTrainCharLM(t *testing.T) {
	// maxHeldLoss and maxTrainLoss are the stated targets. Over init seeds
	// s = 1..8 (training stream s+1) the held-out loss ends between 2.34
	// and 2.45 nats and the mean training loss of the last 20 steps at
	// most 2.15, so the bounds leave over 0.1 nats of margin. (Counts of
	// the training part's character pairs predict the tail at 2.53 nats at
	// best: a model this brief is about as good as a bigram table.)
	const maxHeldLoss, maxTrainLoss = 2.6, 2.3
	before, held, train, unigram := trainCharLM(t, initSeed, trainSeed)
	t.Logf("char LM: held-out loss %.3f -> %.3f, training loss (last 20 steps) %.3f; unigram baseline %.3f",
		before, held, train, unigram)
	if before < unigram {
		t.Errorf("untrained held-out loss = %.3f, want above the unigram baseline %.3f", before, unigram)
	}
	if held > maxHeldLoss || held > unigram {
		t.Errorf("held-out loss after %d steps = %.3f, want below %.2f and the unigram baseline %.3f", lmCase.steps, held, maxHeldLoss, unigram)
	}
	if train > maxTrainLoss {
		t.Errorf("training loss after %d steps = %.3f, want below %.2f", lmCase.steps, train, maxTrainLoss)
	}
}

// trainCharLM trains the lmCase model from the given seeds and returns the
// held-out loss before and after training, the mean training loss of the
// last 20 steps, and the unigram baseline: the held-out cross-entropy of
// the training part's character frequencies (add-one smoothed, as the tail
// has characters the training part may lack).
func trainCharLM(t *testing.T, init, trainStream uint32) (before, held, train, unigram float64) {
	t.Helper()
	text, err := os.ReadFile("../../content/text/rhymes.txt")
	if err != nil {
		t.Fatal(err)
	}
	corp, err := task.NewCorpus(string(text), 0.1)
	if err != nil {
		t.Fatal(err)
	}
	count := make([]float64, corp.V())
	for _, id := range corp.Train {
		count[id]++
	}
	for _, id := range corp.Held {
		unigram -= math.Log((count[id] + 1) / float64(len(corp.Train)+corp.V()))
	}
	unigram /= float64(len(corp.Held))

	c := lmCase
	cfg := transformer.Config{Variant: task.Decoder, V: corp.V(), D: c.d, Heads: 2, DFF: 2 * c.d,
		Layers: 1, MaxLen: c.t, Act: "relu"}
	m, err := transformer.New(cfg, init)
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Build(c.batch, c.t, 0)
	if err != nil {
		t.Fatal(err)
	}
	eval, err := m.Build(evalBatch, c.t, 0)
	if err != nil {
		t.Fatal(err)
	}
	hb, err := corp.HeldBatch(engine.NewMulberry32(heldSeed), evalBatch, c.t)
	if err != nil {
		t.Fatal(err)
	}
	task.Fill(eval, hb)
	before = eval.Forward()

	rng := engine.NewMulberry32(trainStream)
	opt := optim.NewAdam(c.lr)
	const tail = 20
	for step := range c.steps {
		opt.LR = c.lr * (1 - float64(step)/float64(c.steps))
		b, err := corp.TrainBatch(rng, c.batch, c.t)
		if err != nil {
			t.Fatal(err)
		}
		task.Fill(g, b)
		loss := optim.TrainStep(g, opt)
		if step >= c.steps-tail {
			train += loss / tail
		}
	}
	task.Fill(eval, hb)
	held = eval.Forward()
	sample, err := corp.Generate(eval, "Jack and ", 40, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("greedy sample: %q", "Jack and "+sample)
	return before, held, train, unigram
}
