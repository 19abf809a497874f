package task

import (
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"stepgraph/engine"
)

// rhymes reads the text Stepgraph ships for the char-LM task.
func rhymes(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../content/text/rhymes.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestNewCorpus(t *testing.T) {
	cases := []struct {
		name, text string
		held       float64
	}{
		{"tiny", "abcab\nba", 0.25},
		{"unicode", "héllo wörld, ça va?", 0.5},
		{"rhymes", rhymes(t), 0.1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			corp, err := NewCorpus(c.text, c.held)
			if err != nil {
				t.Fatal(err)
			}
			// The vocabulary is the set of characters, sorted, each once.
			for i := 1; i < len(corp.Chars); i++ {
				if corp.Chars[i-1] >= corp.Chars[i] {
					t.Errorf("Chars not strictly ascending at %d: %q", i, corp.Chars)
				}
			}
			for _, r := range c.text {
				if !slices.Contains(corp.Chars, r) {
					t.Errorf("Chars misses %q", r)
				}
			}
			if corp.V() != len(corp.Chars) {
				t.Errorf("V() = %d, want %d", corp.V(), len(corp.Chars))
			}
			// The split is the text, cut once, with the tail held out.
			all := append(slices.Clone(corp.Train), corp.Held...)
			if got := corp.Decode(all); got != c.text {
				t.Errorf("Decode(Train ++ Held) = %q, want the text", got)
			}
			n := len([]rune(c.text))
			if want := int(float64(n) * (1 - c.held)); len(corp.Train) != want {
				t.Errorf("len(Train) = %d, want %d of %d", len(corp.Train), want, n)
			}
			ids, err := corp.Encode(c.text)
			if err != nil || !slices.Equal(ids, all) {
				t.Errorf("Encode(text) = %v, %v, want Train ++ Held", ids, err)
			}
		})
	}
}

func TestNewCorpusRejectsBadInput(t *testing.T) {
	cases := []struct {
		name, text string
		held       float64
	}{
		{"empty", "", 0.1},
		{"too short", "abc", 0.1},
		{"bad utf-8", "abc\xffdef", 0.2},
		{"no held-out", "abcdefgh", 0},
		{"held-out too large", "abcdefgh", 0.6},
		{"NaN", "abcdefgh", math.NaN()},
	}
	for _, c := range cases {
		if _, err := NewCorpus(c.text, c.held); err == nil {
			t.Errorf("NewCorpus(%s) = nil error, want an error", c.name)
		}
	}
}

func TestCorpusEncodeDecode(t *testing.T) {
	corp, err := NewCorpus("the cat sat on the mat", 0.2)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := corp.Encode("a hat")
	if err != nil {
		t.Fatal(err)
	}
	// Sorted vocabulary: ' ' a c e h m n o s t.
	if want := []int{1, 0, 4, 1, 9}; !slices.Equal(ids, want) {
		t.Errorf("Encode(%q) = %v, want %v", "a hat", ids, want)
	}
	if _, err := corp.Encode("dog"); err == nil {
		t.Errorf("Encode(%q) = nil error, want an error (no d, g)", "dog")
	}
	if got, want := corp.Decode([]int{9, -1, 99}), "t\uFFFD\uFFFD"; got != want {
		t.Errorf("Decode = %q, want %q", got, want)
	}
}

// TestWindows checks that every row of a batch is a window of its part of
// the text, with targets shifted by one, and that a seed fixes the batch.
func TestWindows(t *testing.T) {
	text := rhymes(t)
	corp, err := NewCorpus(text, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	split := len([]rune(text)) - len(corp.Held)
	for _, c := range []struct {
		name  string
		draw  func(*engine.Mulberry32, int, int) (Batch, error)
		part  string
		first int // where the part starts in the text
	}{
		{"train", corp.TrainBatch, string([]rune(text)[:split]), 0},
		{"held", corp.HeldBatch, string([]rune(text)[split:]), split},
	} {
		t.Run(c.name, func(t *testing.T) {
			const b, tt = 16, 24
			batch, err := c.draw(engine.NewMulberry32(5), b, tt)
			if err != nil {
				t.Fatal(err)
			}
			if batch.B != b || batch.T != tt || batch.TSrc != 0 || len(batch.Input) != b*tt || len(batch.Target) != b*tt {
				t.Fatalf("batch dims B %d T %d TSrc %d, want %d %d 0", batch.B, batch.T, batch.TSrc, b, tt)
			}
			starts := map[string]bool{}
			for r := 0; r < b; r++ {
				in := batch.Input[r*tt : (r+1)*tt]
				tgt := batch.Target[r*tt : (r+1)*tt]
				window := corp.Decode(append(slices.Clone(in), tgt[tt-1]))
				if !slices.Equal(in[1:], tgt[:tt-1]) {
					t.Errorf("row %d: targets %v are not the inputs %v shifted by one", r, tgt, in)
				}
				if !strings.Contains(c.part, window) {
					t.Errorf("row %d: window %q is not in the %s part", r, window, c.name)
				}
				starts[window] = true
			}
			if len(starts) < b/2 {
				t.Errorf("only %d distinct windows of %d", len(starts), b)
			}
			again, _ := c.draw(engine.NewMulberry32(5), b, tt)
			if !slices.Equal(again.Input, batch.Input) || !slices.Equal(again.Target, batch.Target) {
				t.Errorf("%s batch of seed 5 differs between two calls", c.name)
			}
		})
	}
}

func TestWindowsRejectBadSizes(t *testing.T) {
	corp, err := NewCorpus("abcdefghij", 0.3) // 7 training, 3 held-out characters
	if err != nil {
		t.Fatal(err)
	}
	rng := engine.NewMulberry32(1)
	if _, err := corp.TrainBatch(rng, 2, 6); err != nil {
		t.Errorf("TrainBatch(t = 6 of 7) = %v, want no error", err)
	}
	for _, c := range []struct{ b, t int }{{2, 7}, {0, 3}, {2, 0}} {
		if _, err := corp.TrainBatch(rng, c.b, c.t); err == nil {
			t.Errorf("TrainBatch(b %d, t %d) = nil error, want an error", c.b, c.t)
		}
	}
	if _, err := corp.HeldBatch(rng, 1, 3); err == nil {
		t.Errorf("HeldBatch(t = 3 of 3) = nil error, want an error")
	}
}

// TestGenerate uses the successor stand-in, which predicts the id after the
// last one read: from "a" the corpus "abcde" continues b, c, d, e and wraps
// to a. With T = 3 the context is cut to the last three characters, which
// checks that the next character is read at the last filled position.
func TestGenerate(t *testing.T) {
	corp, err := NewCorpus("abcdeabcde", 0.2)
	if err != nil {
		t.Fatal(err)
	}
	g := engine.NewGraph()
	in := g.Input("input_ids", 2, 3)
	g.Input("target_ids", 2, 3)
	g.Apply("logits", successor{corp.V()}, in)
	for _, c := range []struct {
		prompt string
		n      int
		want   string
	}{
		{"a", 7, "bcdeabc"},
		{"eeeed", 2, "ea"},
		{"c", 0, ""},
	} {
		got, err := corp.Generate(g, c.prompt, c.n, 0, nil)
		if err != nil || got != c.want {
			t.Errorf("Generate(%q, %d) = %q, %v, want %q", c.prompt, c.n, got, err, c.want)
		}
	}
	for _, c := range []struct {
		prompt string
		n      int
		temp   float64
	}{
		{"", 3, 0}, {"z", 3, 0}, {"a", -1, 0}, {"a", MaxGenerate + 1, 0}, {"a", 3, -1}, {"a", 3, math.NaN()},
	} {
		if got, err := corp.Generate(g, c.prompt, c.n, c.temp, nil); err == nil {
			t.Errorf("Generate(%q, %d, %v) = %q, want an error", c.prompt, c.n, c.temp, got)
		}
	}
}

// TestPickSamplesSoftmax checks the temperature draw against its
// distribution: logits [0, log 3] give p = [1/4, 3/4] at temperature 1, and
// [1/(1+sqrt 3), sqrt 3/(1+sqrt 3)] at temperature 2.
func TestPickSamplesSoftmax(t *testing.T) {
	z := []float64{0, math.Log(3)}
	if got := pick(z, 0, nil); got != 1 {
		t.Errorf("pick(%v, temperature 0) = %d, want 1", z, got)
	}
	const draws = 20000
	for _, c := range []struct{ temp, p1 float64 }{{1, 0.75}, {2, math.Sqrt(3) / (1 + math.Sqrt(3))}} {
		rng := engine.NewMulberry32(9)
		ones := 0
		for range draws {
			ones += pick(z, c.temp, rng)
		}
		// The count of ones is Binomial(20000, p1), standard deviation at
		// most 71; five of them (355) is exceeded by chance with probability
		// below 1e-6, while the wrong distribution is off by over 1000.
		sd := math.Sqrt(draws * c.p1 * (1 - c.p1))
		if math.Abs(float64(ones)-draws*c.p1) > 5*sd {
			t.Errorf("pick(%v, temperature %v) gave 1 %d times of %d, want about %.0f", z, c.temp, ones, draws, draws*c.p1)
		}
	}
}
