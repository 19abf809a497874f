package task

import (
	"slices"
	"testing"

	"stepgraph/engine"
)

func TestSeqValidate(t *testing.T) {
	cases := []struct {
		s  Seq
		ok bool
	}{
		{Seq{Reverse, 6, 8}, true},
		{Seq{Copy, 1, 2}, true},
		{Seq{Sort, MaxLen, MaxSymbols}, true},
		{Seq{"rotate", 6, 8}, false},
		{Seq{Copy, 0, 8}, false},
		{Seq{Copy, MaxLen + 1, 8}, false},
		{Seq{Sort, 6, 1}, false},
		{Seq{Sort, 6, MaxSymbols + 1}, false},
	}
	for _, c := range cases {
		if err := c.s.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v.Validate() = %v, want ok=%v", c.s, err, c.ok)
		}
	}
}

func TestSeqOutputExamples(t *testing.T) {
	cases := []struct {
		kind    string
		x, want []int
	}{
		{Copy, []int{3, 0, 2, 2}, []int{3, 0, 2, 2}},
		{Reverse, []int{3, 0, 2, 1}, []int{1, 2, 0, 3}},
		{Reverse, []int{5}, []int{5}},
		{Sort, []int{3, 0, 2, 0}, []int{0, 0, 2, 3}},
		{Sort, []int{7, 6, 5, 4}, []int{4, 5, 6, 7}},
	}
	for _, c := range cases {
		s := Seq{c.kind, len(c.x), 8}
		x := slices.Clone(c.x)
		if got := s.Output(x); !slices.Equal(got, c.want) {
			t.Errorf("%s.Output(%v) = %v, want %v", c.kind, c.x, got, c.want)
		}
		if !slices.Equal(x, c.x) {
			t.Errorf("%s.Output modified its input: %v, was %v", c.kind, x, c.x)
		}
	}
}

// TestSeqOutputProperties checks the defining property of each task on many
// random inputs.
func TestSeqOutputProperties(t *testing.T) {
	const n, k = 7, 5
	rng := engine.NewMulberry32(1)
	for range 200 {
		x := make([]int, n)
		for i := range x {
			x[i] = rng.Intn(k)
		}
		if y := (Seq{Copy, n, k}).Output(x); !slices.Equal(y, x) {
			t.Fatalf("copy.Output(%v) = %v", x, y)
		}
		y := (Seq{Reverse, n, k}).Output(x)
		for i := range x {
			if y[i] != x[n-1-i] {
				t.Fatalf("reverse.Output(%v)[%d] = %d, want x[%d] = %d", x, i, y[i], n-1-i, x[n-1-i])
			}
		}
		y = (Seq{Sort, n, k}).Output(x)
		var cx, cy [k]int
		for i := range x {
			cx[x[i]]++
			cy[y[i]]++
			if i > 0 && y[i-1] > y[i] {
				t.Fatalf("sort.Output(%v) = %v, not ascending", x, y)
			}
		}
		if cx != cy {
			t.Fatalf("sort.Output(%v) = %v, not a permutation", x, y)
		}
	}
}

func TestFormatAndParse(t *testing.T) {
	s := Seq{Reverse, 4, 5}
	if got, want := s.Format([]int{2, 0, 4, 5, engine.IgnoreTarget}), "cae|_"; got != want {
		t.Errorf("Format = %q, want %q", got, want)
	}
	x, err := s.Parse("dace")
	if want := []int{3, 0, 2, 4}; err != nil || !slices.Equal(x, want) {
		t.Errorf("Parse(%q) = %v, %v, want %v", "dace", x, err, want)
	}
	for _, bad := range []string{"abc", "abcde", "abcf", "ab|c", "ABCD", ""} {
		if x, err := s.Parse(bad); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", bad, x)
		}
	}
}

func TestLayoutSizes(t *testing.T) {
	s := Seq{Reverse, 6, 8}
	cases := []struct {
		variant           string
		v, vSrc, tt, tSrc int
	}{
		{Encoder, 8, 0, 6, 0},
		{Decoder, 9, 0, 12, 0},
		{EncDec, 9, 8, 6, 6},
	}
	for _, c := range cases {
		l, err := s.Layout(c.variant)
		if err != nil {
			t.Fatalf("Layout(%q): %v", c.variant, err)
		}
		if l.V != c.v || l.VSrc != c.vSrc || l.T != c.tt || l.TSrc != c.tSrc || l.Scored != s.N {
			t.Errorf("Layout(%q) = V %d VSrc %d T %d TSrc %d Scored %d, want %d %d %d %d %d",
				c.variant, l.V, l.VSrc, l.T, l.TSrc, l.Scored, c.v, c.vSrc, c.tt, c.tSrc, s.N)
		}
	}
	if _, err := s.Layout("rnn"); err == nil {
		t.Errorf("Layout(%q) = nil error, want an error", "rnn")
	}
	if _, err := (Seq{Reverse, 0, 8}).Layout(Decoder); err == nil {
		t.Errorf("Layout of an invalid task = nil error, want an error")
	}
}

// TestEncodeLayouts writes out by hand the three layouts of one example:
// reverse with k = 4 (so SEP = BOS = 4) of x = [0 1 3], whose answer is
// y = [3 1 0].
func TestEncodeLayouts(t *testing.T) {
	const ign = engine.IgnoreTarget
	x := [][]int{{0, 1, 3}}
	cases := []struct {
		variant         string
		input, tgt, src []int
	}{
		{Encoder, []int{0, 1, 3}, []int{3, 1, 0}, nil},
		{Decoder, []int{0, 1, 3, 4, 3, 1}, []int{ign, ign, ign, 3, 1, 0}, nil},
		{EncDec, []int{4, 3, 1}, []int{3, 1, 0}, []int{0, 1, 3}},
	}
	for _, c := range cases {
		l, err := Seq{Reverse, 3, 4}.Layout(c.variant)
		if err != nil {
			t.Fatal(err)
		}
		b, err := l.Encode(x)
		if err != nil {
			t.Fatalf("Encode(%v): %v", x, err)
		}
		if b.B != 1 || b.T != l.T || b.TSrc != l.TSrc {
			t.Errorf("%s: batch dims B %d T %d TSrc %d, want 1 %d %d", c.variant, b.B, b.T, b.TSrc, l.T, l.TSrc)
		}
		if !slices.Equal(b.Input, c.input) || !slices.Equal(b.Target, c.tgt) || !slices.Equal(b.Src, c.src) {
			t.Errorf("%s: Encode(%v) = input %v target %v src %v, want %v %v %v",
				c.variant, x, b.Input, b.Target, b.Src, c.input, c.tgt, c.src)
		}
	}
}

func TestEncodeRejectsBadInput(t *testing.T) {
	l, err := Seq{Sort, 3, 4}.Layout(Decoder)
	if err != nil {
		t.Fatal(err)
	}
	for _, xs := range [][][]int{
		{{0, 1}},
		{{0, 1, 2, 3}},
		{{0, 1, 4}},
		{{0, -1, 2}},
		{{0, 1, 2}, {3, 3, 9}},
	} {
		if b, err := l.Encode(xs); err == nil {
			t.Errorf("Encode(%v) = %v, want an error", xs, b)
		}
	}
}

// TestBatchLayoutInvariants draws batches for every task and variant and
// checks what the layouts promise: ids in range, N scored positions per row
// whose targets are the task's answer, and teacher forcing (each target that
// is also read is the next input).
func TestBatchLayoutInvariants(t *testing.T) {
	for _, kind := range []string{Copy, Reverse, Sort} {
		for _, variant := range []string{Encoder, Decoder, EncDec} {
			s := Seq{kind, 5, 6}
			l, err := s.Layout(variant)
			if err != nil {
				t.Fatal(err)
			}
			rng := engine.NewMulberry32(7)
			xs := l.Inputs(engine.NewMulberry32(7), 16)
			b := l.Batch(rng, 16)
			for r := 0; r < b.B; r++ {
				in, tgt := b.Input[r*b.T:(r+1)*b.T], b.Target[r*b.T:(r+1)*b.T]
				var scored []int
				for p := 0; p < b.T; p++ {
					if in[p] < 0 || in[p] >= l.V {
						t.Fatalf("%s/%s: input %d outside [0, %d)", kind, variant, in[p], l.V)
					}
					if tgt[p] == engine.IgnoreTarget {
						continue
					}
					if tgt[p] < 0 || tgt[p] >= s.K {
						t.Fatalf("%s/%s: target %d is not a symbol", kind, variant, tgt[p])
					}
					scored = append(scored, tgt[p])
					if variant != Encoder && p+1 < b.T && in[p+1] != tgt[p] {
						t.Errorf("%s/%s row %d: target[%d] = %d but input[%d] = %d", kind, variant, r, p, tgt[p], p+1, in[p+1])
					}
				}
				if want := s.Output(xs[r]); !slices.Equal(scored, want) {
					t.Errorf("%s/%s row %d: scored targets %v, want %v for x = %v", kind, variant, r, scored, want, xs[r])
				}
				x := in[:s.N] // where the model reads x
				if variant == EncDec {
					x = b.Src[r*b.TSrc : (r+1)*b.TSrc]
				}
				if !slices.Equal(x, xs[r]) {
					t.Errorf("%s/%s row %d: model reads %v, want x = %v", kind, variant, r, x, xs[r])
				}
			}
		}
	}
}

func TestBatchIsDeterministic(t *testing.T) {
	l, err := Seq{Reverse, 6, 8}.Layout(EncDec)
	if err != nil {
		t.Fatal(err)
	}
	a := l.Batch(engine.NewMulberry32(42), 8)
	b := l.Batch(engine.NewMulberry32(42), 8)
	c := l.Batch(engine.NewMulberry32(43), 8)
	if !slices.Equal(a.Input, b.Input) || !slices.Equal(a.Target, b.Target) || !slices.Equal(a.Src, b.Src) {
		t.Errorf("Batch(seed 42) differs between two calls")
	}
	if slices.Equal(a.Src, c.Src) {
		t.Errorf("Batch(seed 42) and Batch(seed 43) have the same sources %v", a.Src)
	}
}

// TestInputsAreUniform checks that every symbol is drawn about equally often.
func TestInputsAreUniform(t *testing.T) {
	const k, rows, n = 8, 800, 8
	l, err := Seq{Copy, n, k}.Layout(Encoder)
	if err != nil {
		t.Fatal(err)
	}
	var count [k]int
	for _, x := range l.Inputs(engine.NewMulberry32(3), rows) {
		for _, v := range x {
			count[v]++
		}
	}
	// Each count is Binomial(6400, 1/8): mean 800, standard deviation 26.5.
	// Five standard deviations (132) would be exceeded by chance with
	// probability below 1e-5, while a draw that skips a symbol or favours
	// one is off by hundreds.
	for v, c := range count {
		if c < 800-132 || c > 800+132 {
			t.Errorf("symbol %d drawn %d times of %d, want about %d", v, c, rows*n, rows*n/k)
		}
	}
}
