package viz

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// shortLabel returns the text drawn in a box: the last part of a dotted
// name ("probs" for "layers.0.attn.head.1.probs"), or the last two when
// the last is an index ("head.1").
func shortLabel(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return name
	}
	if isIndex(name[i+1:]) {
		if j := strings.LastIndexByte(name[:i], '.'); j >= 0 {
			return name[j+1:]
		}
		return name
	}
	return name[i+1:]
}

// parentScope returns name without its last dotted part.
func parentScope(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return ""
}

// isIndex reports whether s is a non-empty run of decimal digits.
func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// shapeLabel writes a shape as "6×16"; a scalar is "scalar".
func shapeLabel(shape []int) string {
	if len(shape) == 0 {
		return "scalar"
	}
	var b strings.Builder
	for i, d := range shape {
		if i > 0 {
			b.WriteString("×")
		}
		b.WriteString(strconv.Itoa(d))
	}
	return b.String()
}

// Text metrics of the graph drawing. Widths are estimates for a
// proportional sans-serif font; the boxes leave padding for the error.
const (
	labelFont   = 12.0 // px, box label
	smallFont   = 10.0 // px, op name, shapes and scope titles
	charW       = 0.62 // mean glyph width in ems (digits and lowercase)
	boxPad      = 10.0 // px of padding left and right of the text
	boxMinW     = 48.0
	boxH        = 34.0 // two lines: label and op
	dummyW      = 2.0  // a bend point is a thin vertical line
	scopeTitleH = 12.0 // room for a scope frame's title
)

// textWidth estimates the width in px of s at the given font size.
func textWidth(s string, size float64) float64 {
	return float64(utf8.RuneCountInString(s)) * charW * size
}

// boxWidth returns the width of a box that holds its label and, below it,
// its op or kind.
func boxWidth(b Box) float64 {
	w := max(textWidth(b.Label, labelFont), textWidth(subLabel(b), smallFont)) + 2*boxPad
	return max(w, boxMinW)
}

// subLabel is the second line of a box: the op name, or the kind of a leaf,
// or the node count of a collapsed scope.
func subLabel(b Box) string {
	switch {
	case b.Collapsed:
		return strconv.Itoa(len(b.Members)) + " nodes"
	case b.Op != "":
		return b.Op
	}
	return b.Kind
}
