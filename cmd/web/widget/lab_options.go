package widget

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
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
	// labMaxCollapsed bounds the scopes listed in "collapsed", and
	// labMaxScopeName the length of each name.
	labMaxCollapsed = 32
	labMaxScopeName = 64
)

// labOptionNames lists the lab's options in documentation order.
var labOptionNames = []string{"arch", "layers", "d", "heads", "dff", "n", "k", "act", "task", "seed", "opt", "lr", "causal", "tokens", "step", "collapsed"}

// labOptions is the lab's whole configuration but the cursor.
type labOptions struct {
	Arch   string  // "arch": encoder, decoder or encdec
	Layers int     // "layers": blocks per stack
	D      int     // "d": d_model, a multiple of heads
	Heads  int     // "heads"
	DFF    int     // "dff": feed-forward width
	N, K   int     // "n": task length; "k": symbols
	Act    string  // "act": relu or gelu_tanh
	Task   string  // "task": copy, reverse or sort
	Seed   uint32  // "seed": weights, the drawn example and the training batches
	Opt    string  // "opt": sgd or adam
	LR     float64 // "lr"
	Causal bool    // "causal": mask the decoder's self-attention
	// Tokens is the stepped input set by the learner ("tokens"), or nil for
	// the one drawn from the seed.
	Tokens    []int
	Collapsed []string // "collapsed": scopes drawn as one box
}

// defaultLabOptions is the lab's default model: decoder-only, d_model 16,
// 2 heads, 1 layer, learning to reverse 3 symbols of 7 (6 tokens, a
// vocabulary of 8).
func defaultLabOptions() labOptions {
	return labOptions{
		Arch: transformer.Decoder, Layers: 1, D: 16, Heads: 2, DFF: 64, N: 3, K: 7,
		Act: "relu", Task: task.Reverse, Seed: 1, Opt: "adam", LR: 0.01, Causal: true,
	}
}

// labEffect is what a change of one option requires.
type labEffect int

const (
	effectRebuild   labEffect = iota // a new model, graph and weights
	effectOptimizer                  // a new optimizer; the weights stay
	effectTokens                     // a new stepped example
	effectLayout                     // a new drawing of the same graph
)

// set parses one option into o and says what the change requires. The
// "step" option is parsed by the caller (its bound is the timeline). Each
// value is checked on its own here; check looks at combinations.
func (o *labOptions) set(name, value string) (labEffect, *protocol.Error) {
	var e *protocol.Error
	effect := effectRebuild
	switch name {
	case "arch":
		o.Arch, e = enumOption(name, value, archChoices)
	case "layers":
		o.Layers, e = intOption(name, value, 1, labMaxLayers)
	case "d":
		o.D, e = intOption(name, value, labMinD, labMaxD)
	case "heads":
		o.Heads, e = intOption(name, value, 1, labMaxHeads)
	case "dff":
		o.DFF, e = intOption(name, value, labMinDFF, labMaxDFF)
	case "n":
		o.N, e = intOption(name, value, labMinN, labMaxN)
	case "k":
		o.K, e = intOption(name, value, task.MinSymbols, labMaxK)
	case "act":
		o.Act, e = enumOption(name, value, []string{"relu", "gelu_tanh"})
	case "task":
		o.Task, e = enumOption(name, value, taskChoices)
	case "seed":
		o.Seed, e = seedOption(value)
	case "causal":
		o.Causal, e = boolOption(name, value)
	case "opt":
		effect = effectOptimizer
		o.Opt, e = enumOption(name, value, optimizerChoices)
	case "lr":
		effect = effectOptimizer
		o.LR, e = floatOption(name, value, 0, 1)
	case "tokens":
		effect = effectTokens
		o.Tokens, e = parseTokens(value, o.N, o.K)
	case "collapsed":
		effect = effectLayout
		o.Collapsed, e = parseScopes(value)
	default:
		e = unknownOption("lab", name, labOptionNames)
	}
	if effect == effectRebuild && e == nil && o.Tokens != nil && checkTokens(o.Tokens, o.N, o.K) != nil {
		o.Tokens = nil // the learner's input no longer fits: back to the seed's
	}
	return effect, atField(e, name)
}

// check reports a combination of options that cannot be built: d_model
// must be a multiple of the heads. field names the option blamed.
func (o *labOptions) check(field string) *protocol.Error {
	if o.D%o.Heads != 0 {
		return atField(protocol.Errorf(protocol.CodeOutOfRange,
			"%s: d %d is not a multiple of heads %d (each head gets d/heads columns)", field, o.D, o.Heads), field)
	}
	return nil
}

// boolOption parses "true" or "false".
func boolOption(name, s string) (bool, *protocol.Error) {
	v, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return false, protocol.Errorf(protocol.CodeBadField, "%s %q is not true or false", name, s)
	}
	return v, nil
}

// parseTokens reads the stepped input: n letters among the first k ("abc")
// or n comma-separated symbol ids ("0,1,2"). The empty string means the
// example drawn from the seed (nil).
func parseTokens(s string, n, k int) ([]int, *protocol.Error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var x []int
	if strings.ContainsAny(s, "0123456789") {
		for _, f := range strings.Split(s, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return nil, protocol.Errorf(protocol.CodeBadField, "tokens %q: %q is not a symbol id", s, f)
			}
			x = append(x, v)
		}
	} else {
		for _, c := range s {
			if c < 'a' || c > 'z' {
				return nil, protocol.Errorf(protocol.CodeBadField, "tokens %q: %q is not a letter a-z", s, c)
			}
			x = append(x, int(c-'a'))
		}
	}
	if err := checkTokens(x, n, k); err != nil {
		return nil, protocol.Errorf(protocol.CodeOutOfRange, "tokens %q: %v", s, err)
	}
	return x, nil
}

// checkTokens returns an error unless x is n symbols among the first k.
func checkTokens(x []int, n, k int) error {
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

// parseScopes reads a comma-separated list of scope names. A name that no
// scope of the current graph has is kept and has no effect, so a link
// stays valid across architectures.
func parseScopes(s string) ([]string, *protocol.Error) {
	var names []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" || slices.Contains(names, f) {
			continue
		}
		if len(f) > labMaxScopeName || strings.Trim(f, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != "" {
			return nil, protocol.Errorf(protocol.CodeBadField, "collapsed scope %q must be 1 to %d letters, digits, '_' or '.'", f, labMaxScopeName)
		}
		names = append(names, f)
	}
	if len(names) > labMaxCollapsed {
		return nil, protocol.Errorf(protocol.CodeOutOfRange, "collapsed lists %d scopes, more than %d", len(names), labMaxCollapsed)
	}
	return names, nil
}

// text returns the options as a configure request would give them, for
// the page's URL: every option but the cursor, tokens only when the
// learner set them, collapsed only when a scope is.
func (o *labOptions) text() map[string]string {
	m := map[string]string{
		"arch": o.Arch, "layers": strconv.Itoa(o.Layers), "d": strconv.Itoa(o.D), "heads": strconv.Itoa(o.Heads),
		"dff": strconv.Itoa(o.DFF), "n": strconv.Itoa(o.N), "k": strconv.Itoa(o.K), "act": o.Act, "task": o.Task,
		"seed": strconv.FormatUint(uint64(o.Seed), 10), "opt": o.Opt, "lr": strconv.FormatFloat(o.LR, 'g', -1, 64),
		"causal": strconv.FormatBool(o.Causal),
	}
	if o.Tokens != nil {
		m["tokens"] = task.Seq{Kind: o.Task, N: o.N, K: o.K}.Format(o.Tokens)
	}
	if len(o.Collapsed) > 0 {
		m["collapsed"] = strings.Join(o.Collapsed, ",")
	}
	return m
}

// configureOrder returns the option names of a configure request in the
// order they are applied: sorted, with tokens (checked against the final n
// and k) and step (checked against the built timeline) last.
func configureOrder(opts map[string]string) []string {
	names := sortedKeys(opts)
	late := func(s string) int {
		switch s {
		case "tokens":
			return 1
		case "step":
			return 2
		}
		return 0
	}
	slices.SortStableFunc(names, func(a, b string) int { return late(a) - late(b) })
	return names
}
