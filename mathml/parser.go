package mathml

import (
	"fmt"
	"strings"
	"unicode"
)

// maxDepth bounds the nesting of groups, so that hostile input cannot
// exhaust the stack.
const maxDepth = 200

// parser reads TeX math by recursive descent. The grammar, in brief:
//
//	list  = { item }                  up to } & \\ \right \end or the end
//	item  = atom { ^ arg | _ arg | ' }
//	atom  = number | letter | operator | { list } | command and its arguments
//	arg   = { list } | a single token (one digit, one letter or one command)
type parser struct {
	src     string
	pos     int  // byte offset of the next unread token
	display bool // display style: large operators take limits below and above
	font    font // alphabet for letters and digits
	depth   int  // nesting of lists, checked against maxDepth
}

// atom is what parseAtom read, with what the scripts that follow need to know.
type atom struct {
	n      *node
	limits bool // scripts go below and above in display style (\sum, \max)
	fn     bool // a named function (\log, \operatorname): an invisible function application follows
}

func (p *parser) peek() token { return lex(p.src, p.pos) }

func (p *parser) next() token {
	t := lex(p.src, p.pos)
	p.pos = t.end
	return t
}

func (p *parser) errorf(offset int, format string, args ...any) error {
	return &Error{Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

// stray explains a token that ends a list where it cannot.
func (p *parser) stray(t token) error {
	switch {
	case t.is('}'):
		return p.errorf(t.pos, "unbalanced }")
	case t.is('&'):
		return p.errorf(t.pos, "& outside an environment")
	case t.isCmd(`\`):
		return p.errorf(t.pos, `\\ outside an environment`)
	case t.isCmd("right"):
		return p.errorf(t.pos, `\right without \left`)
	case t.isCmd("end"):
		return p.errorf(t.pos, `\end without \begin`)
	}
	return p.errorf(t.pos, "unexpected %s", t)
}

// endsList reports whether t closes the list being read. In an optional
// argument ([...] of \sqrt) a ] closes it too.
func endsList(t token, inBracket bool) bool {
	return t.kind == tokEOF || t.is('}') || t.is('&') || t.isCmd(`\`) ||
		t.isCmd("right") || t.isCmd("end") || inBracket && t.is(']')
}

// parseList reads items up to a token that ends the list, and leaves that
// token unread for the caller to check.
func (p *parser) parseList(inBracket bool) ([]*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.errorf(p.pos, "formula nested too deeply")
	}
	var out []*node
	for {
		t := p.peek()
		if endsList(t, inBracket) {
			markPrefix(out)
			return out, nil
		}
		if t.isCmd("displaystyle") || t.isCmd("textstyle") {
			// A style switch applies to the rest of the list.
			p.next()
			saved := p.display
			p.display = t.name == "displaystyle"
			rest, err := p.parseList(inBracket)
			p.display = saved
			if err != nil {
				return nil, err
			}
			markPrefix(out)
			return append(out, el("mstyle", rest...).with("displaystyle", fmt.Sprint(t.name == "displaystyle"))), nil
		}
		ns, err := p.parseItem()
		if err != nil {
			return nil, err
		}
		out = append(out, ns...)
	}
}

// parseItem reads an atom and the sub- and superscripts that follow it.
func (p *parser) parseItem() ([]*node, error) {
	a := atom{n: el("mrow")} // "^2" with nothing before has an empty base
	if t := p.peek(); !t.is('^') && !t.is('_') && !t.is('\'') {
		var err error
		if a, err = p.parseAtom(false); err != nil {
			return nil, err
		}
	}
	var sub *node
	var sup []*node // primes, then what follows ^
	hasSup := false
	for {
		t := p.peek()
		switch {
		case t.is('\''):
			if hasSup || len(sup) > 0 {
				return nil, p.errorf(t.pos, "double superscript")
			}
			n := 0
			for p.peek().is('\'') {
				p.next()
				n++
			}
			sup = append(sup, tok("mo", primes(n)))
			continue
		case t.is('^'):
			if hasSup {
				return nil, p.errorf(t.pos, "double superscript")
			}
			p.next()
			s, err := p.script(t)
			if err != nil {
				return nil, err
			}
			sup, hasSup = append(sup, s), true
			continue
		case t.is('_'):
			if sub != nil {
				return nil, p.errorf(t.pos, "double subscript")
			}
			p.next()
			s, err := p.script(t)
			if err != nil {
				return nil, err
			}
			sub = s
			continue
		}
		break
	}
	out := []*node{attachScripts(a, sub, sup, p.display)}
	if a.fn {
		out = append(out, p.functionApplication())
	}
	return out, nil
}

// attachScripts puts sub and sup on the atom's node: below and above for
// large operators in display style, at the side otherwise.
func attachScripts(a atom, sub *node, sup []*node, display bool) *node {
	base := a.n
	switch {
	case sub == nil && sup == nil:
		return base
	case a.limits && display && sup == nil:
		return el("munder", base, sub)
	case a.limits && display && sub == nil:
		return el("mover", base, row(sup))
	case a.limits && display:
		return el("munderover", base, sub, row(sup))
	case sup == nil:
		return el("msub", base, sub)
	case sub == nil:
		return el("msup", base, row(sup))
	}
	return el("msubsup", base, sub, row(sup))
}

// functionApplication returns the invisible operator U+2061 that ties a
// named function to its argument. Like TeX, it leaves a thin space before
// an argument that does not open with a delimiter: "log x" but "log(x)".
func (p *parser) functionApplication() *node {
	n := tok("mo", "\u2061")
	t := p.peek()
	opens := t.is('(') || t.is('[') || t.is('|') || t.isCmd("left") ||
		t.isCmd("{") || t.isCmd("langle") || t.isCmd("lvert") || t.isCmd("lVert") ||
		t.isCmd("big") || t.isCmd("Big") || t.isCmd("bigl") || t.isCmd("Bigl")
	if !opens && !endsList(t, false) {
		n.with("rspace", "0.167em")
	}
	return n
}

// primes returns n prime marks as one string: ′, ″, ‴, then more ′.
func primes(n int) string {
	switch n {
	case 1:
		return "′"
	case 2:
		return "″"
	case 3:
		return "‴"
	}
	return strings.Repeat("′", n)
}

// script reads the argument of ^ or _, which is set in text style.
func (p *parser) script(op token) (*node, error) {
	saved := p.display
	p.display = false
	defer func() { p.display = saved }()
	t := p.peek()
	if t.is('^') || t.is('_') || t.is('\'') {
		return nil, p.errorf(t.pos, "missing script after %s", op)
	}
	return p.arg(op)
}

// arg reads a command's argument: a braced group, or else one token.
func (p *parser) arg(cmd token) (*node, error) {
	t := p.peek()
	if t.is('{') {
		p.next()
		return p.group(t)
	}
	if endsList(t, false) || t.is('^') || t.is('_') {
		return nil, p.errorf(t.pos, "missing argument for %s", cmd)
	}
	a, err := p.parseAtom(true)
	if err != nil {
		return nil, err
	}
	return a.n, nil
}

// group reads a list and the } that closes the { at open.
func (p *parser) group(open token) (*node, error) {
	kids, err := p.parseList(false)
	if err != nil {
		return nil, err
	}
	if t := p.next(); !t.is('}') {
		if t.kind == tokEOF {
			return nil, p.errorf(open.pos, "missing } for this {")
		}
		return nil, p.stray(t)
	}
	return row(kids), nil
}

// parseAtom reads one atom. With single, a number is one digit and a run of
// letters one letter, as in TeX's "x^23" (x squared, then 3).
func (p *parser) parseAtom(single bool) (atom, error) {
	t := p.next()
	switch t.kind {
	case tokEOF:
		return atom{}, p.errorf(t.pos, "unexpected end of input")
	case tokCmd:
		return p.command(t)
	}
	r := t.r
	switch {
	case r == '{':
		n, err := p.group(t)
		return atom{n: n}, err
	case isDigit(r) || r == '.' && t.end < len(p.src) && isDigit(rune(p.src[t.end])):
		return atom{n: p.number(t, single)}, nil
	case unicode.IsLetter(r):
		return atom{n: p.letters(t, single)}, nil
	case r == '~':
		return atom{n: tok("mtext", "\u00a0")}, nil
	}
	if s, ok := charOps[r]; ok {
		return atom{n: operator(s)}, nil
	}
	if r >= 0x80 && (unicode.IsSymbol(r) || unicode.IsPunct(r)) {
		// A symbol typed as itself, such as → or ≤.
		return atom{n: operator(string(r))}, nil
	}
	if r >= 0x80 && unicode.IsDigit(r) {
		return atom{n: tok("mn", string(r))}, nil
	}
	if r == '}' || r == '&' || r == '^' || r == '_' || r == '\'' {
		return atom{}, p.stray(t)
	}
	return atom{}, p.errorf(t.pos, "unexpected character %q", r)
}

// operator returns an <mo>. Delimiters written without \left and \right do
// not stretch, as in TeX.
func operator(s string) *node {
	n := tok("mo", s)
	if nonStretchy[s] {
		n.with("stretchy", "false")
	}
	return n
}

// number reads the digits starting at t, with at most one decimal point:
// "3.14" is one <mn>.
func (p *parser) number(t token, single bool) *node {
	end := t.end
	if !single {
		point := t.r == '.'
		for end < len(p.src) {
			c := p.src[end]
			if c == '.' && !point && end+1 < len(p.src) && isDigit(rune(p.src[end+1])) {
				point = true
			} else if !isDigit(rune(c)) {
				break
			}
			end++
		}
	}
	p.pos = end
	var b strings.Builder
	for _, r := range p.src[t.pos:end] {
		b.WriteRune(styled(p.font, r))
	}
	return tok("mn", b.String())
}

// letters reads the letter t. In the default italic font each letter is its
// own <mi> (TeX reads "ab" as a times b); in the other fonts a run of
// letters is one word, as in \mathrm{ReLU}.
func (p *parser) letters(t token, single bool) *node {
	if p.font == fontItalic {
		return tok("mi", string(t.r))
	}
	word := []rune{styled(p.font, t.r)}
	for !single {
		n := p.peek()
		if n.kind != tokChar || !unicode.IsLetter(n.r) {
			break
		}
		p.next()
		word = append(word, styled(p.font, n.r))
	}
	n := tok("mi", string(word))
	if len(word) == 1 && p.font == fontRoman {
		// One letter in an <mi> is italic unless told otherwise.
		n.with("mathvariant", "normal")
	}
	return n
}

// signs are the operators that TeX reads as unary after another operator:
// "= -x", "(-1", ", +2".
var signs = map[string]bool{"−": true, "+": true, "±": true, "∓": true}

// closers are the operators after which a sign is binary again: "(a) - b".
var closers = map[string]bool{
	")": true, "]": true, "}": true, "|": true, "‖": true, "⟩": true,
	"⌋": true, "⌉": true, "!": true, "′": true, "″": true, "‴": true,
}

// markPrefix gives a sign that follows another operator the form
// "prefix", so that MathML sets it tight against its operand as TeX does,
// instead of spacing it as a binary operator. Explicit spaces in between
// do not count: "1,\ -2" has a unary minus. (A sign first in a row is
// prefix already: MathML infers that from its position.)
func markPrefix(ns []*node) {
	var prev *node // the last node that is not a space
	for _, n := range ns {
		if n.tag == "mo" && signs[n.text] && prev != nil && prev.tag == "mo" && !closers[prev.text] {
			n.with("form", "prefix")
		}
		if n.tag != "mspace" {
			prev = n
		}
	}
}
