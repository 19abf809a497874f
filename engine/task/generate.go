package task

import (
	"fmt"
	"math"

	"stepgraph/engine"
)

// MaxGenerate bounds the characters one Generate call may produce.
const MaxGenerate = 4096

// Generate continues prompt by n characters with g, a decoder graph built
// for this corpus (V = c.V()), and returns the continuation. Each step runs
// one forward pass on the last T characters so far (fewer at the start; the
// causal mask makes the empty positions irrelevant) and picks the next
// character from the logits at the last one: the argmax when temperature is
// 0, otherwise a draw from softmax(z / temperature) using rng. Every row of
// the batch gets the same context. It returns an error for an empty prompt,
// a character outside the vocabulary, n outside [0, MaxGenerate] or a
// negative temperature, and panics if temperature > 0 and rng is nil.
func (c *Corpus) Generate(g *engine.Graph, prompt string, n int, temperature float64, rng *engine.Mulberry32) (string, error) {
	ids, err := c.Encode(prompt)
	if err != nil {
		return "", fmt.Errorf("generate: %w", err)
	}
	if len(ids) == 0 {
		return "", fmt.Errorf("generate: empty prompt")
	}
	if n < 0 || n > MaxGenerate {
		return "", fmt.Errorf("generate: %d characters outside [0, %d]", n, MaxGenerate)
	}
	if !(temperature >= 0) {
		return "", fmt.Errorf("generate: temperature %g is negative", temperature)
	}
	if temperature > 0 && rng == nil {
		panic("task: Generate with a temperature needs an rng")
	}
	in := g.MustNode("input_ids")
	rows, t := in.Shape[0], in.Shape[1]
	b := Batch{B: rows, T: t, Input: make([]int, rows*t), Target: make([]int, rows*t)}
	logits := g.MustNode("logits").Value // [B, T, V]
	if logits.Dim(-1) != c.V() {
		panic(fmt.Sprintf("task: logits of shape %v for a corpus of %d characters", logits.Shape, c.V()))
	}
	out := make([]int, 0, n)
	for range n {
		ctx := ids[max(0, len(ids)-t):] // the last T characters
		for r := 0; r < rows; r++ {
			copy(b.Input[r*t:], ctx)
		}
		Fill(g, b)
		g.Forward()
		row := logits.Data[(len(ctx)-1)*c.V() : len(ctx)*c.V()] // [V], row 0 at the last position
		next := pick(row, temperature, rng)
		ids = append(ids, next)
		out = append(out, next)
	}
	return c.Decode(out), nil
}

// pick returns the argmax of z when temperature is 0, otherwise a draw from
// softmax(z / temperature).
func pick(z []float64, temperature float64, rng *engine.Mulberry32) int {
	best := engine.Argmax(z)
	if temperature == 0 {
		return best
	}
	p := make([]float64, len(z))
	sum := 0.0
	for i, v := range z {
		p[i] = math.Exp((v - z[best]) / temperature) // shifted by the max: no overflow
		sum += p[i]
	}
	u := rng.Next() * sum
	for i, w := range p {
		if u < w {
			return i
		}
		u -= w
	}
	return best // only reached through rounding at the very top of the range
}
