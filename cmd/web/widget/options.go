package widget

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"stepgraph/cmd/web/protocol"
	"stepgraph/engine/task"
	"stepgraph/engine/transformer"
)

// presentational lists options a page may pass for its own use (a caption
// above the widget); widgets ignore them.
var presentational = []string{"caption", "title"}

// The choices of options that several kinds have.
var (
	archChoices      = []string{transformer.Encoder, transformer.Decoder, transformer.EncDec} // "arch"
	taskChoices      = []string{task.Copy, task.Reverse, task.Sort}                           // "task"
	optimizerChoices = []string{"sgd", "adam"}                                                // "optimizer", the lab's "opt"
)

// isPresentational reports whether an option is for the page only.
func isPresentational(name string) bool { return slices.Contains(presentational, name) }

// sortedKeys returns the keys of m in order, so that option errors are
// reported deterministically.
func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// applyOptions sets each option of a configure request on *o, in name
// order so that the first bad one is reported the same way every time,
// skipping the presentational ones. It stops at the first error.
func applyOptions[O any, P optionSetter[O]](o *O, opts map[string]string) *protocol.Error {
	for _, name := range sortedKeys(opts) {
		if isPresentational(name) {
			continue
		}
		if _, e := P(o).set(name, opts[name]); e != nil {
			return e
		}
	}
	return nil
}

// optionSetter is a pointer to a widget's options, whose set applies one
// option and reports whether the change needs more than the new value;
// the kind says what (the quant and distill kinds train their model again,
// the attention kind builds a new graph).
type optionSetter[O any] interface {
	*O
	set(name, value string) (bool, *protocol.Error)
}

// setAndRebuild applies the option of a set request to *opts and rebuilds
// the widget with build. If the value is refused or the rebuild fails,
// *opts is left as it was.
func setAndRebuild[O any, P optionSetter[O]](opts *O, req *protocol.Request, build func(retrain bool) *protocol.Error) *protocol.Error {
	old := *opts
	retrain, e := P(opts).set(req.Name, req.Value)
	if e == nil {
		e = build(retrain)
	}
	if e != nil {
		*opts = old
	}
	return e
}

// intOption parses an integer option in [lo, hi].
func intOption(name, s string, lo, hi int) (int, *protocol.Error) {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, protocol.Errorf(protocol.CodeBadField, "%s %q is not an integer", name, s)
	}
	if v < lo || v > hi {
		return 0, protocol.Errorf(protocol.CodeOutOfRange, "%s %d outside [%d, %d]", name, v, lo, hi)
	}
	return v, nil
}

// floatOption parses a number option in (lo, hi].
func floatOption(name, s string, lo, hi float64) (float64, *protocol.Error) {
	v, e := numberOption(name, s)
	if e == nil && !(v > lo && v <= hi) {
		return 0, protocol.Errorf(protocol.CodeOutOfRange, "%s %g outside (%g, %g]", name, v, lo, hi)
	}
	return v, e
}

// closedFloatOption parses a number option in [lo, hi].
func closedFloatOption(name, s string, lo, hi float64) (float64, *protocol.Error) {
	v, e := numberOption(name, s)
	if e == nil && (v < lo || v > hi) {
		return 0, protocol.Errorf(protocol.CodeOutOfRange, "%s %g outside [%g, %g]", name, v, lo, hi)
	}
	return v, e
}

// numberOption parses a finite number option.
func numberOption(name, s string) (float64, *protocol.Error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, protocol.Errorf(protocol.CodeBadField, "%s %q is not a number", name, s)
	}
	return v, nil
}

// enumOption checks that s is one of choices.
func enumOption(name, s string, choices []string) (string, *protocol.Error) {
	s = strings.TrimSpace(s)
	if !slices.Contains(choices, s) {
		return "", protocol.Errorf(protocol.CodeBadField, "%s %q is not one of %s", name, s, strings.Join(choices, ", "))
	}
	return s, nil
}

// seedOption parses a seed, an integer in [0, 2^32).
func seedOption(s string) (uint32, *protocol.Error) {
	v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil {
		return 0, protocol.Errorf(protocol.CodeOutOfRange, "seed %q must be an integer from 0 to %d", s, uint32(math.MaxUint32))
	}
	return uint32(v), nil
}

// atField marks e as the fault of option name.
func atField(e *protocol.Error, name string) *protocol.Error {
	if e != nil {
		e.Field = name
	}
	return e
}

// unknownOption is the error for an option name a widget does not have.
func unknownOption(kind, name string, known []string) *protocol.Error {
	return protocol.Errorf(protocol.CodeUnknownParam, "%s widget has no option %q (have %s)", kind, name, strings.Join(known, ", "))
}
