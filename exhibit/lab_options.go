package exhibit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"stepgraph/engine/task"
)

// Bounds of the lab's hyperparameters. The largest model they allow (an
// encoder-decoder of 4+4 layers, d 64, 8 heads, dff 256, 16 decoder
// tokens) has about 0.47 million parameters and trains a few steps per
// chunk in milliseconds, so one lab stays cheap on a shared server.
const (
	labMaxLayers = 4
	labMinD      = 4
	labMaxD      = 64
	labMaxHeads  = 8
	labMinDFF    = 4
	labMaxDFF    = 256
	labMinN      = 2 // task length; the decoder-only model reads 2n tokens
	labMaxN      = 8
	labMaxK      = 16 // task symbols, a to p
	// LabMaxCollapsed bounds the scopes listed in "collapsed", and
	// LabMaxScopeName the length of each name.
	LabMaxCollapsed = 32
	LabMaxScopeName = 64
	// labMaxStep bounds the "step" option before the timeline is built;
	// the lab then refuses an index past the end of its timeline.
	labMaxStep = 1 << 20
)

// LabOptions is the lab's option table, in the order of its form.
var LabOptions = &Table{Kind: "lab", Options: append([]Option{
	archOption,
	taskOption,
	{Name: "act", Label: "Activation", Help: "the feed-forward activation", Type: Choice,
		Choices: []string{"relu", "gelu_tanh"}, ChoiceLabels: []string{"ReLU", "GELU (tanh)"}, Default: "relu", Effect: Rebuild},
	{Name: "layers", Label: "Layers", Help: "transformer blocks per stack (each stack, for the encoder–decoder)",
		Type: Int, Min: 1, Max: labMaxLayers, Default: "1", Effect: Rebuild},
	{Name: "heads", Label: "Heads", Help: "attention heads per block; d_model must be a multiple of it",
		Type: Int, Min: 1, Max: labMaxHeads, Default: "2", Effect: Rebuild},
	{Name: "d", Label: "d_model", Help: "width of the model, a multiple of heads", Type: Int, Min: labMinD, Max: labMaxD, Default: "16", Effect: Rebuild},
	{Name: "dff", Label: "d_ff", Help: "width of the feed-forward hidden layer", Type: Int, Min: labMinDFF, Max: labMaxDFF, Default: "64", Effect: Rebuild},
	{Name: "n", Label: "Length n", Help: "symbols per task input: the decoder-only model reads 2n tokens, the encoder–decoder n source and n target tokens, the encoder n",
		Type: Int, Min: labMinN, Max: labMaxN, Default: "3", Effect: Rebuild},
	{Name: "k", Label: "Symbols k", Help: "distinct symbols, shown as a, b, c, … (the vocabulary is k+1 with the separator)",
		Type: Int, Min: task.MinSymbols, Max: labMaxK, Default: "7", Effect: Rebuild},
	{Name: "tokens", Label: "Input tokens", Help: "the input the stepped example reads: n letters among the first k (`cab`) or n symbol ids (`2,0,1`); empty for the input drawn from the seed",
		Type: Text, Values: "text; empty by default: the input drawn from the seed", Effect: NewExample, Check: checkTokens, Late: 1},
	{Name: "seed", Label: "Seed", Help: "seed of the initial weights, the stepped example, the held-out samples and the training batches", Type: Seed, Default: "1", Effect: Rebuild},
	optimizerOption("opt"),
	{Name: "lr", Label: "Learning rate", Help: "step size of the optimizer", Type: Number, Min: 0, Max: 1, OpenMin: true, Default: "0.01", Effect: NewOptimizer},
	{Name: "causal", Label: "Causal mask", Help: "hide future tokens from the decoder's self-attention; without it, the decoder-only model can read the answer",
		Type: Bool, Default: "true", Effect: Rebuild},
	{Name: "step", Label: "Step", Help: "the cursor's index on the timeline", Type: Int, Min: 0, Max: labMaxStep,
		Values: "0 to the timeline's length", Effect: Seek, Late: 2, NoControl: true},
	{Name: "collapsed", Label: "Folded scopes", Help: "scopes of the graph drawn as one box, comma-separated",
		Type: Text, Values: fmt.Sprintf("at most %d names, each 1 to %d of `A-Z a-z 0-9 _ .`; empty by default", LabMaxCollapsed, LabMaxScopeName),
		Effect: Relayout, Check: checkScopes, NoControl: true},
}, labQuantOptions...), Combine: labCombine}

// labCombine checks that heads divide d, and drops the learner's tokens
// when they no longer fit a new n or k: the model reads the input drawn
// from the seed again.
func labCombine(v Values, changed []string) *Error {
	if e := headsDivideD(v, changed); e != nil {
		return e
	}
	if t := v.Str("tokens"); t != "" {
		if _, e := parseTokens(t, v.Int("n"), v.Int("k")); e != nil {
			delete(v, "tokens")
		}
	}
	return nil
}

// checkTokens reads the stepped input: n letters among the first k
// ("abc") or n comma-separated symbol ids ("0,1,2"), and writes it as
// letters. The empty string means the example drawn from the seed.
func checkTokens(s string, v Values) (string, *Error) {
	x, e := parseTokens(s, v.Int("n"), v.Int("k"))
	if e != nil || x == nil {
		return "", e
	}
	return task.Seq{Kind: v.Str("task"), N: v.Int("n"), K: v.Int("k")}.Format(x), nil
}

// parseTokens reads tokens as checkTokens does and returns the symbol ids,
// nil for "".
func parseTokens(s string, n, k int) ([]int, *Error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var x []int
	if strings.ContainsAny(s, "0123456789") {
		for _, f := range strings.Split(s, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return nil, Errorf(BadValue, "tokens %q: %q is not a symbol id", s, f)
			}
			x = append(x, v)
		}
	} else {
		for _, c := range s {
			if c < 'a' || c > 'z' {
				return nil, Errorf(BadValue, "tokens %q: %q is not a letter a-z", s, c)
			}
			x = append(x, int(c-'a'))
		}
	}
	if err := tokensFit(x, n, k); err != nil {
		return nil, Errorf(OutOfRange, "tokens %q: %v", s, err)
	}
	return x, nil
}

// tokensFit returns an error unless x is n symbols among the first k.
func tokensFit(x []int, n, k int) error {
	if len(x) != n {
		return fmt.Errorf("%d symbols, want n = %d", len(x), n)
	}
	for i, v := range x {
		if v < 0 || v >= k {
			return fmt.Errorf("symbol %d at position %d is outside the %d symbols a-%c (0-%d)", v, i, k, 'a'+k-1, k-1)
		}
	}
	return nil
}

// checkScopes reads a comma-separated list of scope names. A name that no
// scope of the current graph has is kept and has no effect, so a link
// stays valid across architectures.
func checkScopes(s string, _ Values) (string, *Error) {
	var names []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" || slices.Contains(names, f) {
			continue
		}
		if len(f) > LabMaxScopeName || strings.Trim(f, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != "" {
			return "", Errorf(BadValue, "collapsed scope %q must be 1 to %d letters, digits, '_' or '.'", f, LabMaxScopeName)
		}
		names = append(names, f)
	}
	if len(names) > LabMaxCollapsed {
		return "", Errorf(OutOfRange, "collapsed lists %d scopes, more than %d", len(names), LabMaxCollapsed)
	}
	return strings.Join(names, ","), nil
}
