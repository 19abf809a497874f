package mathml

import (
	"fmt"
	"strings"
)

// Namespace is the MathML namespace written on every <math> element.
const Namespace = "http://www.w3.org/1998/Math/MathML"

// Error is a problem in the TeX source: what is wrong and where.
type Error struct {
	Offset int    // byte offset in the TeX source
	Msg    string // lowercase description, naming the command at fault
}

// Error returns the message and its offset.
func (e *Error) Error() string { return fmt.Sprintf("%s at offset %d", e.Msg, e.Offset) }

// Render converts the TeX math tex into one MathML element,
//
//	<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">...</math>
//
// with display="block" when display is true (a formula on its own line, set
// in display style: big operators take their limits below and above) and
// display="inline" otherwise. Malformed TeX, such as an unknown command or an
// unbalanced brace, returns an *Error.
func Render(tex string, display bool) (string, error) {
	p := &parser{src: tex, display: display}
	kids, err := p.parseList(false)
	if err != nil {
		return "", err
	}
	if t := p.peek(); t.kind != tokEOF {
		return "", p.stray(t)
	}
	mode := "inline"
	if display {
		mode = "block"
	}
	var b strings.Builder
	el("math", kids...).with("xmlns", Namespace).with("display", mode).write(&b)
	return b.String(), nil
}
