package mathml

import (
	"unicode"
	"unicode/utf8"
)

// tokKind says what a token is.
type tokKind int

const (
	tokEOF  tokKind = iota // end of input
	tokChar                // one character: a letter, digit, operator, brace, ^ _ & '
	tokCmd                 // a control sequence: \frac, \alpha, or \ followed by one symbol (\, \{ \\)
)

// token is one lexical unit of the TeX source.
type token struct {
	kind tokKind
	r    rune   // tokChar: the character
	name string // tokCmd: the name without the backslash ("frac", ",", "\\")
	pos  int    // byte offset in the source
	end  int    // byte offset just past the token
}

// is reports whether t is the character r.
func (t token) is(r rune) bool { return t.kind == tokChar && t.r == r }

// isCmd reports whether t is the command \name.
func (t token) isCmd(name string) bool { return t.kind == tokCmd && t.name == name }

// String returns the token as written in TeX, for error messages.
func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokCmd:
		return `\` + t.name
	}
	return string(t.r)
}

// lex reads the token at byte offset pos of src, after skipping white space
// and % comments. It never fails: a lone backslash at the end of the input
// is the command "\" with an empty name, which no table knows.
func lex(src string, pos int) token {
	pos = skipSpace(src, pos)
	if pos >= len(src) {
		return token{kind: tokEOF, pos: pos, end: pos}
	}
	r, n := utf8.DecodeRuneInString(src[pos:])
	if r != '\\' {
		return token{kind: tokChar, r: r, pos: pos, end: pos + n}
	}
	start := pos
	pos++
	if pos >= len(src) {
		return token{kind: tokCmd, pos: start, end: pos}
	}
	r, n = utf8.DecodeRuneInString(src[pos:])
	if !isASCIILetter(r) {
		// A control symbol: \, \; \{ \\ and so on.
		return token{kind: tokCmd, name: string(r), pos: start, end: pos + n}
	}
	end := pos
	for end < len(src) && isASCIILetter(rune(src[end])) {
		end++
	}
	return token{kind: tokCmd, name: src[pos:end], pos: start, end: end}
}

// skipSpace returns the offset of the first byte at or after pos that is
// neither white space nor part of a % comment.
func skipSpace(src string, pos int) int {
	for pos < len(src) {
		r, n := utf8.DecodeRuneInString(src[pos:])
		switch {
		case r == '%':
			for pos < len(src) && src[pos] != '\n' {
				pos++
			}
		case unicode.IsSpace(r):
			pos += n
		default:
			return pos
		}
	}
	return pos
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }
