package mathml

import (
	"strings"
	"unicode"
)

// bigDelims maps \big and its siblings to the height they give a delimiter.
var bigDelims = map[string]string{
	"big": "1.2em", "bigl": "1.2em", "bigr": "1.2em",
	"Big": "1.623em", "Bigl": "1.623em", "Bigr": "1.623em",
	"bigg": "2.047em", "biggl": "2.047em", "biggr": "2.047em",
	"Bigg": "2.470em", "Biggl": "2.470em", "Biggr": "2.470em",
}

// command reads the command t and its arguments.
func (p *parser) command(t token) (atom, error) {
	name := t.name
	if s, ok := greek[name]; ok {
		return atom{n: tok("mi", s)}, nil
	}
	if s, ok := upperGreek[name]; ok {
		return atom{n: tok("mi", s).with("mathvariant", "normal")}, nil
	}
	if s, ok := ordinary[name]; ok {
		return atom{n: tok("mi", s).with("mathvariant", "normal")}, nil
	}
	if s, ok := operators[name]; ok {
		return atom{n: operator(s)}, nil
	}
	if s, ok := smallFences[name]; ok {
		return atom{n: operator(s)}, nil
	}
	if op, ok := bigOps[name]; ok {
		return atom{n: tok("mo", op.char), limits: op.limits}, nil
	}
	if limits, ok := functions[name]; ok {
		return atom{n: tok("mi", name), limits: limits, fn: true}, nil
	}
	if w, ok := spaces[name]; ok {
		return atom{n: tok("mspace", "").with("width", w)}, nil
	}
	if f, ok := fontCommands[name]; ok {
		saved := p.font
		p.font = f
		n, err := p.arg(t)
		p.font = saved
		return atom{n: n}, err
	}
	if acc, ok := accents[name]; ok {
		base, err := p.arg(t)
		if err != nil {
			return atom{}, err
		}
		mark := tok("mo", acc.mark).with("stretchy", boolAttr(acc.stretch))
		return atom{n: el("mover", base, mark).with("accent", "true")}, nil
	}
	if size, ok := bigDelims[name]; ok {
		d, err := p.delimiter(t)
		if err != nil {
			return atom{}, err
		}
		return atom{n: tok("mo", d).with("minsize", size).with("maxsize", size)}, nil
	}
	switch name {
	case "frac", "dfrac", "tfrac":
		return p.fraction(t)
	case "sqrt":
		return p.sqrt(t)
	case "text", "textrm", "textnormal", "mbox":
		s, err := p.text(t)
		return atom{n: tok("mtext", s)}, err
	case "operatorname":
		return p.operatorname(t)
	case "mathrel", "mathbin":
		return p.operatorClass(t)
	case "left":
		return p.fenced(t)
	case "begin":
		return p.environment(t)
	case "right", "end", `\`:
		return atom{}, p.stray(t)
	}
	return atom{}, p.errorf(t.pos, "unknown command %s", t)
}

func boolAttr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// fraction reads \frac{num}{den}. Numerator and denominator are in text
// style; \dfrac sets the whole fraction in display style and \tfrac in text
// style.
func (p *parser) fraction(t token) (atom, error) {
	saved := p.display
	p.display = false
	num, err := p.arg(t)
	var den *node
	if err == nil {
		den, err = p.arg(t)
	}
	p.display = saved
	if err != nil {
		return atom{}, err
	}
	f := el("mfrac", num, den)
	switch t.name {
	case "dfrac":
		f = el("mstyle", f).with("displaystyle", "true")
	case "tfrac":
		f = el("mstyle", f).with("displaystyle", "false")
	}
	return atom{n: f}, nil
}

// sqrt reads \sqrt{x} or \sqrt[n]{x}.
func (p *parser) sqrt(t token) (atom, error) {
	if open := p.peek(); open.is('[') {
		p.next()
		saved := p.display
		p.display = false
		index, err := p.parseList(true)
		p.display = saved
		if err != nil {
			return atom{}, err
		}
		if c := p.next(); !c.is(']') {
			return atom{}, p.errorf(open.pos, `missing ] for the index of \sqrt`)
		}
		body, err := p.arg(t)
		if err != nil {
			return atom{}, err
		}
		return atom{n: el("mroot", body, row(index))}, nil
	}
	body, err := p.arg(t)
	if err != nil {
		return atom{}, err
	}
	return atom{n: el("msqrt", body)}, nil
}

// text reads the braced argument of \text as plain text. Spaces count, runs
// of them become one, and spaces at either end become no-break spaces so that
// the browser keeps them. Braces group without showing; \{ \} \$ \% \& \# \_
// and "\ " stand for themselves.
func (p *parser) text(t token) (string, error) {
	pos := skipSpace(p.src, p.pos)
	if pos >= len(p.src) || p.src[pos] != '{' {
		return "", p.errorf(pos, "missing { after %s", t)
	}
	var b strings.Builder
	depth := 0
	for i := pos + 1; i < len(p.src); i++ {
		c := p.src[i]
		switch c {
		case '{':
			depth++
			continue
		case '}':
			if depth == 0 {
				p.pos = i + 1
				return tidyText(b.String()), nil
			}
			depth--
			continue
		case '$':
			return "", p.errorf(i, "math inside %s is not supported", t)
		case '\\':
			if i+1 < len(p.src) && strings.IndexByte(`{}$%&#_ `, p.src[i+1]) >= 0 {
				b.WriteByte(p.src[i+1])
				i++
				continue
			}
			return "", p.errorf(i, "unknown command %s inside %s", lex(p.src, i), t)
		}
		b.WriteByte(c)
	}
	return "", p.errorf(pos, "missing } for the argument of %s", t)
}

// tidyText collapses white space as TeX does in text, and turns a space at
// either end into a no-break space. Bytes that are not valid UTF-8 and
// control characters become U+FFFD.
func tidyText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return unicode.ReplacementChar // XML cannot carry control characters
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	lead := s != "" && unicode.IsSpace(rune(s[0]))
	trail := s != "" && unicode.IsSpace(rune(s[len(s)-1]))
	s = strings.Join(strings.Fields(s), " ")
	if lead {
		s = "\u00a0" + s
	}
	if trail && s != "\u00a0" {
		s += "\u00a0"
	}
	return s
}

// operatorname reads \operatorname{name}, a function name set upright like
// \log; \operatorname*{name} takes its subscripts below in display style,
// like \max.
func (p *parser) operatorname(t token) (atom, error) {
	limits := false
	if pos := skipSpace(p.src, p.pos); pos < len(p.src) && p.src[pos] == '*' {
		limits = true
		p.pos = pos + 1
	}
	saved := p.font
	p.font = fontRoman
	n, err := p.arg(t)
	p.font = saved
	if err != nil {
		return atom{}, err
	}
	return atom{n: n, limits: limits, fn: true}, nil
}

// operatorClass reads \mathrel{...} or \mathbin{...}. When the argument is
// all operators, as in \mathrel{+=}, they become one <mo>, which MathML
// spaces as a single operator; otherwise the argument is kept as it is.
func (p *parser) operatorClass(t token) (atom, error) {
	n, err := p.arg(t)
	if err != nil {
		return atom{}, err
	}
	kids := []*node{n}
	if n.tag == "mrow" {
		kids = n.kids
	}
	var text strings.Builder
	for _, k := range kids {
		if k.tag != "mo" {
			return atom{n: n}, nil
		}
		text.WriteString(k.text)
	}
	if text.Len() == 0 {
		return atom{n: n}, nil
	}
	return atom{n: tok("mo", text.String())}, nil
}

// delimiter reads the delimiter after \left, \right or \big; "." is none.
func (p *parser) delimiter(cmd token) (string, error) {
	t := p.next()
	key := t.String()
	if t.kind == tokChar {
		key = string(t.r)
	}
	d, ok := fences[key]
	if !ok || t.kind == tokEOF {
		return "", p.errorf(t.pos, "bad delimiter %s after %s", t, cmd)
	}
	return d, nil
}

// fenced reads \left<delim> list \right<delim>: an mrow whose fences stretch
// to the height of what they enclose.
func (p *parser) fenced(left token) (atom, error) {
	open, err := p.delimiter(left)
	if err != nil {
		return atom{}, err
	}
	kids, err := p.parseList(false)
	if err != nil {
		return atom{}, err
	}
	right := p.next()
	if !right.isCmd("right") {
		if right.kind == tokEOF {
			return atom{}, p.errorf(left.pos, `\left without \right`)
		}
		return atom{}, p.stray(right)
	}
	closing, err := p.delimiter(right)
	if err != nil {
		return atom{}, err
	}
	return atom{n: fence(open, kids, closing)}, nil
}

// fence wraps kids in an mrow between two stretchy delimiters; an empty
// delimiter is left out.
func fence(open string, kids []*node, closing string) *node {
	var all []*node
	if open != "" {
		all = append(all, tok("mo", open).with("stretchy", "true"))
	}
	all = append(all, kids...)
	if closing != "" {
		all = append(all, tok("mo", closing).with("stretchy", "true"))
	}
	if open != "" && len(kids) > 0 {
		markPrefix(all[:2]) // a sign right after the opening fence
	}
	return el("mrow", all...)
}
