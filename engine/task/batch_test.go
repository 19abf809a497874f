package task

import (
	"slices"
	"testing"

	"stepgraph/engine"
)

// successor is a stand-in for a trained causal model: at each position it
// predicts the id after the one it reads, logits[b, t] = onehot((in[b, t] +
// 1) mod V). Decoding with it shows whether predictions are fed back in.
type successor struct{ v int }

func (successor) Info() engine.OpInfo { return engine.OpInfo{Name: "successor"} }
func (s successor) Shape(in ...[]int) []int {
	return append(slices.Clone(in[0]), s.v)
}
func (s successor) Forward(out *engine.Tensor, in ...*engine.Tensor) {
	out.Zero()
	for r, id := range in[0].Data {
		out.Data[r*s.v+(int(id)+1)%s.v] = 1
	}
}
func (successor) Backward(din []*engine.Tensor, dout, out *engine.Tensor, in ...*engine.Tensor) {}

// successorGraph builds input nodes for the layout l with batch b, and
// logits = successor(input_ids).
func successorGraph(l Layout, b int) *engine.Graph {
	g := engine.NewGraph()
	in := g.Input("input_ids", b, l.T)
	g.Input("target_ids", b, l.T)
	if l.TSrc > 0 {
		g.Input("src_ids", b, l.TSrc)
	}
	g.Apply("logits", successor{l.V}, in)
	return g
}

func TestFill(t *testing.T) {
	l, err := Seq{Reverse, 3, 4}.Layout(EncDec)
	if err != nil {
		t.Fatal(err)
	}
	g := successorGraph(l, 2)
	b, err := l.Encode([][]int{{0, 1, 2}, {3, 3, 1}})
	if err != nil {
		t.Fatal(err)
	}
	Fill(g, b)
	for _, c := range []struct {
		node string
		want []int
	}{
		{"src_ids", []int{0, 1, 2, 3, 3, 1}},
		{"input_ids", []int{4, 2, 1, 4, 1, 3}},
		{"target_ids", []int{2, 1, 0, 1, 3, 3}},
	} {
		got := g.MustNode(c.node).Value.Data
		for i, w := range c.want {
			if got[i] != float64(w) {
				t.Errorf("Fill: %s = %v, want %v", c.node, got, c.want)
				break
			}
		}
	}
}

func TestFillPanicsOnMisuse(t *testing.T) {
	dec, _ := Seq{Copy, 3, 4}.Layout(Decoder)
	encdec, _ := Seq{Copy, 3, 4}.Layout(EncDec)
	cases := []struct {
		name string
		g    *engine.Graph
		b    Batch
	}{
		{"wrong batch size", successorGraph(dec, 2), dec.Batch(engine.NewMulberry32(1), 3)},
		{"wrong length", successorGraph(encdec, 2), dec.Batch(engine.NewMulberry32(1), 2)},
		{"no src_ids node", successorGraph(dec, 2), Batch{B: 2, T: 6, TSrc: 3, Input: make([]int, 12), Target: make([]int, 12), Src: make([]int, 6)}},
		{"no source in batch", successorGraph(encdec, 2), Batch{B: 2, T: 3, Input: make([]int, 6), Target: make([]int, 6)}},
		{"short targets", successorGraph(dec, 2), Batch{B: 2, T: 6, Input: make([]int, 12), Target: make([]int, 11)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Fill(%s) did not panic", c.name)
				}
			}()
			Fill(c.g, c.b)
		})
	}
}

// TestAccuracy sets the logits by hand so that the argmax is right at a
// chosen set of positions, and checks that only scored ones are counted.
func TestAccuracy(t *testing.T) {
	const ign = engine.IgnoreTarget
	const v = 3
	b := Batch{B: 2, T: 3, Input: make([]int, 6), Target: []int{ign, 2, 0, 1, ign, 1}}
	right := []bool{false, true, true, false, true, true} // argmax == target here
	g := engine.NewGraph()
	logits := engine.New(2, 3, v) // [B, T, V]
	for r, tgt := range b.Target {
		c := (tgt + 1 + v) % v // a wrong class (also for an ignored row)
		if right[r] {
			c = tgt
		}
		logits.Data[r*v+c] = 2
		logits.Data[r*v+(c+1)%v] = 1 // a runner-up, so the max is unique
	}
	g.Param("logits", logits)
	// Scored rows 1, 2, 3, 5; right among them: 1, 2, 5.
	if got, want := Accuracy(g, b), 3.0/4; got != want {
		t.Errorf("Accuracy = %v, want %v", got, want)
	}
	none := Batch{B: 2, T: 3, Target: []int{ign, ign, ign, ign, ign, ign}}
	if got := Accuracy(g, none); got != 0 {
		t.Errorf("Accuracy(nothing scored) = %v, want 0", got)
	}
}

// TestDecodeFeedsPredictionsBack decodes with the successor stand-in. The
// autoregressive variants start from the reserved id k and must feed each
// prediction back: successor gives (k+1) mod (k+1) = 0, then 1, 2, ... An
// encoder predicts each x_t + 1 (mod k) in one pass.
func TestDecodeFeedsPredictionsBack(t *testing.T) {
	xs := [][]int{{4, 1, 3, 0}, {2, 2, 2, 2}}
	cases := []struct {
		variant string
		want    [][]int
	}{
		{Encoder, [][]int{{0, 2, 4, 1}, {3, 3, 3, 3}}},
		{Decoder, [][]int{{0, 1, 2, 3}, {0, 1, 2, 3}}},
		{EncDec, [][]int{{0, 1, 2, 3}, {0, 1, 2, 3}}},
	}
	for _, c := range cases {
		l, err := Seq{Sort, 4, 5}.Layout(c.variant)
		if err != nil {
			t.Fatal(err)
		}
		g := successorGraph(l, 3) // one row more than xs: it is padded
		got, err := l.Decode(g, xs)
		if err != nil {
			t.Fatalf("%s: Decode: %v", c.variant, err)
		}
		if len(got) != len(xs) {
			t.Fatalf("%s: Decode returned %d rows, want %d", c.variant, len(got), len(xs))
		}
		for r := range xs {
			if !slices.Equal(got[r], c.want[r]) {
				t.Errorf("%s: Decode(%v) = %v, want %v", c.variant, xs[r], got[r], c.want[r])
			}
		}
	}
}

func TestDecodeRejectsBadInput(t *testing.T) {
	l, _ := Seq{Sort, 4, 5}.Layout(Decoder)
	g := successorGraph(l, 2)
	for _, xs := range [][][]int{
		{{0, 1, 2, 3}, {0, 1, 2, 3}, {0, 1, 2, 3}}, // more rows than the graph
		{{0, 1, 2}},    // too short
		{{0, 1, 2, 5}}, // 5 is not a symbol
	} {
		if got, err := l.Decode(g, xs); err == nil {
			t.Errorf("Decode(%v) = %v, want an error", xs, got)
		}
	}
}
