package transformer

import (
	"fmt"

	"stepgraph/engine"
)

// Batch holds the token ids of one graph run, one row per example: Input
// and Target are [B][T]; Src is [B][Tsrc] for the encoder-decoder and nil
// otherwise.
type Batch struct {
	Src, Input, Target [][]int
}

// Feed writes the batch's ids into the graph's input nodes. Ids come from
// outside (a task generator, a learner's text), so a shape that does not
// fit the graph or an id outside the vocabulary returns an error and
// leaves the graph unchanged.
func (m *Model) Feed(g *engine.Graph, b Batch) error {
	type feed struct {
		node  string
		rows  [][]int
		vocab int
	}
	feeds := []feed{{"input_ids", b.Input, m.V}, {"target_ids", b.Target, m.V}}
	if m.Variant == EncDec {
		feeds = append(feeds, feed{"src_ids", b.Src, m.VSrc})
	} else if b.Src != nil {
		return fmt.Errorf("feed: source ids given to a %s model", m.Variant)
	}
	for _, f := range feeds {
		n := g.Node(f.node)
		if n == nil {
			return fmt.Errorf("feed: graph has no %s node", f.node)
		}
		if err := checkIDs(f.node, f.rows, n.Shape, f.vocab); err != nil {
			return err
		}
	}
	for _, f := range feeds {
		v := g.Node(f.node).Value
		for i, row := range f.rows {
			for t, id := range row {
				v.Data[i*len(row)+t] = float64(id)
			}
		}
	}
	return nil
}

// checkIDs reports whether rows has the shape [B, T] and every id is in
// [0, vocab).
func checkIDs(name string, rows [][]int, shape []int, vocab int) error {
	if len(rows) != shape[0] {
		return fmt.Errorf("feed: %s has %d rows, want %d", name, len(rows), shape[0])
	}
	for i, row := range rows {
		if len(row) != shape[1] {
			return fmt.Errorf("feed: %s row %d has length %d, want %d", name, i, len(row), shape[1])
		}
		for t, id := range row {
			if id < 0 || id >= vocab {
				return fmt.Errorf("feed: %s[%d][%d] = %d outside [0, %d)", name, i, t, id, vocab)
			}
		}
	}
	return nil
}

// DrawBatch draws the spec's random data (SPEC.md section 2) from rng,
// which New would leave right after the parameters:
//
//   - Decoder: B rows of T+1 tokens s in [0, V); Input = s[0:T] and
//     Target = s[1:T+1] (next-token prediction).
//   - Encoder: Input, B*T tokens in [0, V); then Target, B*T in [0, V).
//   - EncDec: Src, B*tSrc tokens in [0, VSrc); then B rows of T+1 tokens
//     s in [0, V), with Input = s[0:T] and Target = s[1:T+1].
//
// Each token is floor(u*n) for the next draw u.
func DrawBatch(c Config, rng *engine.Mulberry32, batch, T, tSrc int) Batch {
	draw := func(rows, cols, n int) [][]int {
		out := make([][]int, rows)
		for i := range out {
			out[i] = make([]int, cols)
			for j := range out[i] {
				out[i][j] = rng.Intn(n)
			}
		}
		return out
	}
	// shifted splits rows of T+1 tokens into inputs s[0:T] and targets s[1:].
	shifted := func(s [][]int) (in, tg [][]int) {
		for _, row := range s {
			in, tg = append(in, row[:T:T]), append(tg, row[1:])
		}
		return in, tg
	}
	var b Batch
	switch c.Variant {
	case Encoder:
		b.Input = draw(batch, T, c.V)
		b.Target = draw(batch, T, c.V)
	case EncDec:
		b.Src = draw(batch, tSrc, c.VSrc)
		b.Input, b.Target = shifted(draw(batch, T+1, c.V))
	default:
		b.Input, b.Target = shifted(draw(batch, T+1, c.V))
	}
	return b
}
