package task

import (
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"stepgraph/engine"
)

// Corpus is a text prepared for a character-level language model: a
// vocabulary of its characters, and the text as ids split into a training
// part and a held-out tail.
type Corpus struct {
	Chars []rune // the vocabulary: distinct characters in ascending order; a character's id is its index
	Train []int  // the first part of the text, as ids
	Held  []int  // the held-out tail, as ids
	index map[rune]int
}

// NewCorpus builds the vocabulary from the whole text and keeps the last
// heldOut fraction of it, in (0, 0.5], as the held-out part. It returns an
// error for text that is not valid UTF-8 or too short to leave at least two
// characters on each side of the split.
func NewCorpus(text string, heldOut float64) (*Corpus, error) {
	if !utf8.ValidString(text) {
		return nil, errors.New("corpus text is not valid utf-8")
	}
	if !(heldOut > 0 && heldOut <= 0.5) {
		return nil, fmt.Errorf("held-out fraction %g outside (0, 0.5]", heldOut)
	}
	runes := []rune(text)
	split := int(float64(len(runes)) * (1 - heldOut))
	if split < 2 || len(runes)-split < 2 {
		return nil, fmt.Errorf("corpus of %d characters is too short to split", len(runes))
	}
	c := &Corpus{index: map[rune]int{}}
	for _, r := range runes {
		c.index[r] = 0
	}
	for r := range c.index {
		c.Chars = append(c.Chars, r)
	}
	slices.Sort(c.Chars)
	for id, r := range c.Chars {
		c.index[r] = id
	}
	ids := make([]int, len(runes))
	for i, r := range runes {
		ids[i] = c.index[r]
	}
	c.Train, c.Held = ids[:split], ids[split:]
	return c, nil
}

// V returns the vocabulary size, the V of the model.
func (c *Corpus) V() int { return len(c.Chars) }

// Encode returns the ids of the characters of s. It returns an error for a
// character outside the vocabulary.
func (c *Corpus) Encode(s string) ([]int, error) {
	ids := make([]int, 0, len(s))
	for _, r := range s {
		id, ok := c.index[r]
		if !ok {
			return nil, fmt.Errorf("character %q is not in the corpus", r)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Decode returns the text of ids. An id outside the vocabulary becomes
// U+FFFD, the replacement character.
func (c *Corpus) Decode(ids []int) string {
	rs := make([]rune, len(ids))
	for i, id := range ids {
		rs[i] = utf8.RuneError
		if id >= 0 && id < len(c.Chars) {
			rs[i] = c.Chars[id]
		}
	}
	return string(rs)
}

// TrainBatch draws b windows of t+1 characters from the training part, as
// a decoder batch: each row's input is a window's first t characters and its
// targets are the t characters that follow each one. Window starts are
// uniform, drawn row by row from rng. It returns an error if b or t is not
// positive or the part is shorter than t+1.
func (c *Corpus) TrainBatch(rng *engine.Mulberry32, b, t int) (Batch, error) {
	return windows(rng, c.Train, b, t)
}

// HeldBatch is TrainBatch on the held-out part.
func (c *Corpus) HeldBatch(rng *engine.Mulberry32, b, t int) (Batch, error) {
	return windows(rng, c.Held, b, t)
}

func windows(rng *engine.Mulberry32, ids []int, b, t int) (Batch, error) {
	if b < 1 || t < 1 {
		return Batch{}, fmt.Errorf("batch of %d windows of length %d", b, t)
	}
	if t+1 > len(ids) {
		return Batch{}, fmt.Errorf("window of %d characters from a part of %d", t+1, len(ids))
	}
	batch := Batch{B: b, T: t, Input: make([]int, b*t), Target: make([]int, b*t)}
	for r := 0; r < b; r++ {
		s := rng.Intn(len(ids) - t)                     // windows start in [0, len-t-1]
		copy(batch.Input[r*t:(r+1)*t], ids[s:s+t])      // [T]
		copy(batch.Target[r*t:(r+1)*t], ids[s+1:s+t+1]) // [T], shifted by one
	}
	return batch, nil
}
