package widget

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"stepgraph/cmd/web/protocol"
)

// presentational lists options a page may pass for its own use (a caption
// above the widget); widgets ignore them.
var presentational = []string{"caption", "title"}

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
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, protocol.Errorf(protocol.CodeBadField, "%s %q is not a number", name, s)
	}
	if !(v > lo && v <= hi) {
		return 0, protocol.Errorf(protocol.CodeOutOfRange, "%s %g outside (%g, %g]", name, v, lo, hi)
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

// unknownOption is the error for an option name a widget does not have.
func unknownOption(kind, name string, known []string) *protocol.Error {
	return protocol.Errorf(protocol.CodeUnknownParam, "%s widget has no option %q (have %s)", kind, name, strings.Join(known, ", "))
}
