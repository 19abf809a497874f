package mathml

import (
	"strings"
	"unicode"
)

// envKind says how an environment lays out its cells.
type envKind int

const (
	envMatrix   envKind = iota // cells centred, set in text style
	envCases                   // a left brace, then left-aligned cells
	envAligned                 // pairs of columns aligned right|left, as at "&="
	envGathered                // one centred column
)

// environments maps the environment names to their layout and, for the
// matrices, the fences around them.
var environments = map[string]struct {
	kind        envKind
	open, close string
}{
	"matrix":   {envMatrix, "", ""},
	"pmatrix":  {envMatrix, "(", ")"},
	"bmatrix":  {envMatrix, "[", "]"},
	"Bmatrix":  {envMatrix, "{", "}"},
	"vmatrix":  {envMatrix, "|", "|"},
	"Vmatrix":  {envMatrix, "‖", "‖"},
	"cases":    {envCases, "{", ""},
	"aligned":  {envAligned, "", ""},
	"gathered": {envGathered, "", ""},
}

// environment reads \begin{name} rows \end{name}. Cells are separated by &
// and rows by \\.
func (p *parser) environment(begin token) (atom, error) {
	name, err := p.envName(begin)
	if err != nil {
		return atom{}, err
	}
	env, ok := environments[name]
	if !ok {
		return atom{}, p.errorf(begin.pos, "unknown environment %s", name)
	}
	saved := p.display
	if env.kind == envMatrix || env.kind == envCases {
		p.display = false
	}
	rows, err := p.rows(begin, name)
	p.display = saved
	if err != nil {
		return atom{}, err
	}
	table := p.table(env.kind, rows)
	if env.open == "" && env.close == "" {
		return atom{n: table}, nil
	}
	return atom{n: fence(env.open, []*node{table}, env.close)}, nil
}

// envName reads the {name} after \begin or \end.
func (p *parser) envName(cmd token) (string, error) {
	pos := skipSpace(p.src, p.pos)
	if pos >= len(p.src) || p.src[pos] != '{' {
		return "", p.errorf(pos, "missing {name} after %s", cmd)
	}
	end := strings.IndexByte(p.src[pos:], '}')
	if end < 0 {
		return "", p.errorf(pos, "missing } after %s", cmd)
	}
	name := p.src[pos+1 : pos+end]
	for _, r := range name {
		if !unicode.IsLetter(r) && r != '*' {
			return "", p.errorf(pos, "bad environment name %q", name)
		}
	}
	p.pos = pos + end + 1
	return name, nil
}

// rows reads cells up to \end{name}. A \\ at the very end adds no row, and
// the optional spacing after \\ (as in \\[4pt]) is skipped.
func (p *parser) rows(begin token, name string) ([][][]*node, error) {
	var rows [][][]*node
	var cur [][]*node
	for {
		cell, err := p.parseList(false)
		if err != nil {
			return nil, err
		}
		cur = append(cur, cell)
		t := p.next()
		switch {
		case t.is('&'):
		case t.isCmd(`\`):
			rows, cur = append(rows, cur), nil
			if pos := skipSpace(p.src, p.pos); pos < len(p.src) && p.src[pos] == '[' {
				end := strings.IndexByte(p.src[pos:], ']')
				if end < 0 {
					return nil, p.errorf(pos, `missing ] after \\`)
				}
				p.pos = pos + end + 1
			}
		case t.isCmd("end"):
			got, err := p.envName(t)
			if err != nil {
				return nil, err
			}
			if got != name {
				return nil, p.errorf(t.pos, `\end{%s} closes \begin{%s}`, got, name)
			}
			if len(cur) > 1 || len(cur[0]) > 0 {
				rows = append(rows, cur)
			}
			return rows, nil
		case t.kind == tokEOF:
			return nil, p.errorf(begin.pos, `missing \end{%s}`, name)
		default:
			return nil, p.stray(t)
		}
	}
}

// table lays the rows out as an <mtable>.
func (p *parser) table(kind envKind, rows [][][]*node) *node {
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	t := el("mtable")
	for _, r := range rows {
		tr := el("mtr")
		for j, cell := range r {
			if kind == envAligned && j%2 == 1 && len(cell) > 0 && cell[0].tag == "mo" {
				// TeX's aligned puts an empty atom before the right-hand
				// column, so that "&= x" spaces = as a relation.
				cell = append([]*node{tok("mi", "")}, cell...)
			}
			tr.kids = append(tr.kids, el("mtd", cell...))
		}
		t.kids = append(t.kids, tr)
	}
	switch kind {
	case envCases:
		t.with("columnalign", "left left").with("class", "sg-cases")
	case envAligned:
		align := make([]string, cols)
		spacing := make([]string, max(cols-1, 0))
		for j := range align {
			align[j] = "right"
			if j%2 == 1 {
				align[j] = "left"
			}
		}
		for j := range spacing {
			spacing[j] = "0em"
			if j%2 == 1 {
				spacing[j] = "2em"
			}
		}
		t.with("columnalign", strings.Join(align, " "))
		if len(spacing) > 0 {
			t.with("columnspacing", strings.Join(spacing, " "))
		}
		t.with("class", "sg-aligned")
	}
	if (kind == envAligned || kind == envGathered) && p.display {
		t.with("displaystyle", "true")
	}
	return t
}
