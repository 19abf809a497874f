package task

import (
	"fmt"

	"stepgraph/engine"
)

// Names of the transformer variants, as in transformer.Config.Variant.
const (
	Encoder = "encoder" // per-token classification, no mask
	Decoder = "decoder" // causal language model
	EncDec  = "encdec"  // encoder over the source, causal decoder with cross-attention
)

// Layout says how the sequences of a task become the token ids of one model
// variant, and what vocabulary and lengths that model needs (see the package
// documentation for the three layouts).
type Layout struct {
	Task    Seq
	Variant string
	V, VSrc int // output (and decoder input) vocabulary; encdec source vocabulary, else 0
	T, TSrc int // positions the model reads; encdec source positions, else 0
	Scored  int // scored positions per row (N for every variant)
}

// Layout returns the layout of s for the variant ("encoder", "decoder" or
// "encdec"), or an error for an invalid task or an unknown variant.
func (s Seq) Layout(variant string) (Layout, error) {
	if err := s.Validate(); err != nil {
		return Layout{}, err
	}
	l := Layout{Task: s, Variant: variant, Scored: s.N}
	switch variant {
	case Encoder:
		l.V, l.T = s.K, s.N
	case Decoder:
		l.V, l.T = s.K+1, 2*s.N
	case EncDec:
		l.V, l.VSrc, l.T, l.TSrc = s.K+1, s.K, s.N, s.N
	default:
		return Layout{}, fmt.Errorf("unknown variant %q (want encoder, decoder or encdec)", variant)
	}
	return l, nil
}

// Inputs draws b task inputs of N symbols each, uniformly from K, row by row
// from rng.
func (l Layout) Inputs(rng *engine.Mulberry32, b int) [][]int {
	xs := make([][]int, b)
	for i := range xs {
		xs[i] = make([]int, l.Task.N)
		for t := range xs[i] {
			xs[i][t] = rng.Intn(l.Task.K)
		}
	}
	return xs
}

// Batch draws b random inputs from rng (as Inputs) and lays them out with
// their answers.
func (l Layout) Batch(rng *engine.Mulberry32, b int) Batch {
	batch, err := l.Encode(l.Inputs(rng, b))
	if err != nil {
		panic("task: " + err.Error()) // Inputs only draws valid symbols
	}
	return batch
}

// Encode lays out the inputs xs and their answers as one batch. It returns
// an error if an input is not N symbols in [0, K).
func (l Layout) Encode(xs [][]int) (Batch, error) {
	b := Batch{
		B: len(xs), T: l.T, TSrc: l.TSrc,
		Input:  make([]int, len(xs)*l.T),
		Target: make([]int, len(xs)*l.T),
	}
	if l.TSrc > 0 {
		b.Src = make([]int, len(xs)*l.TSrc)
	}
	for i, x := range xs {
		if err := l.Task.check(x); err != nil {
			return Batch{}, fmt.Errorf("encode example %d: %w", i, err)
		}
		in, tgt := b.Input[i*l.T:(i+1)*l.T], b.Target[i*l.T:(i+1)*l.T] // [T], [T]
		var src []int
		if l.TSrc > 0 {
			src = b.Src[i*l.TSrc : (i+1)*l.TSrc] // [TSrc]
		}
		l.encodeRow(in, tgt, src, x, l.Task.Output(x))
	}
	return b, nil
}

// encodeRow writes one example (x, y) into its rows of the batch.
func (l Layout) encodeRow(in, tgt, src, x, y []int) {
	n := l.Task.N
	switch l.Variant {
	case Encoder:
		copy(in, x)  // x_0 .. x_{n-1}
		copy(tgt, y) // y_0 .. y_{n-1}
	case Decoder:
		copy(in, x) // x_0 .. x_{n-1}, SEP, y_0 .. y_{n-2}
		in[n] = l.Task.SEP()
		copy(in[n+1:], y[:n-1])
		for t := 0; t < n; t++ { // reading x: nothing to score
			tgt[t] = engine.IgnoreTarget
		}
		copy(tgt[n:], y) // from SEP on, each position predicts the next y
	case EncDec:
		copy(src, x) // the encoder reads x
		in[0] = l.Task.BOS()
		copy(in[1:], y[:n-1]) // BOS, y_0 .. y_{n-2}
		copy(tgt, y)          // y_0 .. y_{n-1}
	}
}

// outputPos returns the position whose logits predict y_i.
func (l Layout) outputPos(i int) int {
	if l.Variant == Decoder {
		return l.Task.N + i
	}
	return i
}
