package lesson

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"stepgraph/mathml"
)

// mathNode is a formula, already rendered to MathML while parsing.
type mathNode struct {
	ast.BaseInline
	mathml string
}

// mathBlock is a display formula on lines of its own, between $$ lines.
type mathBlock struct {
	ast.BaseBlock
	mathml string
	closed bool // the closing $$ has been read
	start  int  // byte offset of the opening $$, for errors
}

var (
	kindMath      = ast.NewNodeKind("Math")
	kindMathBlock = ast.NewNodeKind("MathBlock")
)

// Kind implements ast.Node.
func (n *mathNode) Kind() ast.NodeKind { return kindMath }

// Dump implements ast.Node.
func (n *mathNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// Kind implements ast.Node.
func (n *mathBlock) Kind() ast.NodeKind { return kindMathBlock }

// IsRaw implements ast.Node: the lines are TeX, not Markdown.
func (n *mathBlock) IsRaw() bool { return true }

// Dump implements ast.Node.
func (n *mathBlock) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// renderMath converts tex and records an error at offset off if it fails.
func renderMath(pc parser.Context, tex []byte, display bool, off int) string {
	out, err := mathml.Render(string(tex), display)
	if err != nil {
		stateOf(pc).errorf(off, "math: %v in %s", err, excerpt(tex))
	}
	return out
}

// excerpt returns the TeX on one line, cut to a readable length.
func excerpt(tex []byte) string {
	s := strings.Join(strings.Fields(string(tex)), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}

// mathInlineParser reads $...$ (inline) and $$...$$ (display) inside a
// paragraph, heading or table cell. As in Pandoc, an opening $ must be
// followed by a non-space and a closing $ preceded by a non-space and not
// followed by a digit, so that "costs $5 and $6" stays text. The first $
// that is not escaped as \$ must close the formula, or there is none.
type mathInlineParser struct{}

// Trigger implements parser.InlineParser.
func (mathInlineParser) Trigger() []byte { return []byte{'$'} }

// Parse implements parser.InlineParser.
func (mathInlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, start := block.PeekLine()
	delim := 1
	if len(line) > 1 && line[1] == '$' {
		delim = 2
	}
	if delim == 1 && (len(line) < 2 || util.IsSpace(line[1])) {
		return nil
	}
	savedLine, savedPos := block.Position()
	block.Advance(delim)
	var tex []byte
	for {
		line, _ := block.PeekLine()
		if line == nil {
			block.SetPosition(savedLine, savedPos) // no closing $: plain text
			return nil
		}
		for i := 0; i < len(line); i++ {
			switch {
			case line[i] == '\\':
				i++
				continue
			case line[i] != '$':
				continue
			case delim == 2 && !(i+1 < len(line) && line[i+1] == '$'),
				delim == 1 && (i == 0 || util.IsSpace(line[i-1]) || i+1 < len(line) && isDigit(line[i+1])):
				// The first $ cannot close the formula: there was none.
				block.SetPosition(savedLine, savedPos)
				return nil
			default:
				tex = append(tex, line[:i]...)
				block.Advance(i + delim)
				if parent.Kind() == east.KindTableCell {
					// The table syntax needs \| for a | inside a cell.
					tex = bytes.ReplaceAll(tex, []byte(`\|`), []byte(`|`))
				}
				return &mathNode{mathml: renderMath(pc, tex, delim == 2, start.Start)}
			}
		}
		tex = append(tex, line...)
		block.AdvanceLine()
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// mathBlockParser reads display math set on lines of its own:
//
//	$$
//	x = \frac{a}{b}
//	$$
//
// or $$x = \frac{a}{b}$$ alone on one line.
type mathBlockParser struct{}

// Trigger implements parser.BlockParser.
func (mathBlockParser) Trigger() []byte { return []byte{'$'} }

// Open implements parser.BlockParser.
func (mathBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || !bytes.HasPrefix(line[pos:], []byte("$$")) {
		return nil, parser.NoChildren
	}
	rest := bytes.TrimRight(line[pos+2:], " \t\r\n")
	// line[i] is source[at+i]: the line may start with padding, spaces that
	// stand for part of a tab and are not in the source.
	at := seg.Start - seg.Padding
	n := &mathBlock{start: at + pos}
	if i := bytes.Index(rest, []byte("$$")); i >= 0 {
		if i != len(rest)-2 {
			return nil, parser.NoChildren // text after the closing $$: a paragraph
		}
		n.Lines().Append(text.NewSegment(at+pos+2, at+pos+2+i))
		n.closed = true
	} else {
		n.Lines().Append(text.NewSegment(at+pos+2, at+pos+2+len(rest)))
	}
	reader.AdvanceToEOL()
	return n, parser.NoChildren
}

// Continue implements parser.BlockParser.
func (mathBlockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	n := node.(*mathBlock)
	if n.closed {
		return parser.Close
	}
	line, seg := reader.PeekLine()
	body := bytes.TrimRight(line, " \t\r\n")
	if bytes.HasSuffix(body, []byte("$$")) {
		// body may start with padding that is not in the source.
		n.Lines().Append(text.NewSegment(seg.Start, seg.Start-seg.Padding+len(body)-2))
		n.closed = true
		reader.AdvanceToEOL()
		return parser.Close
	}
	n.Lines().Append(seg)
	reader.AdvanceToEOL()
	return parser.Continue | parser.NoChildren
}

// Close implements parser.BlockParser: the formula is rendered here.
func (mathBlockParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	n := node.(*mathBlock)
	if !n.closed {
		stateOf(pc).errorf(n.start, "math: $$ is never closed")
		return
	}
	var tex []byte
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		tex = append(tex, seg.Value(reader.Source())...)
	}
	n.mathml = renderMath(pc, tex, true, n.start)
}

// CanInterruptParagraph implements parser.BlockParser.
func (mathBlockParser) CanInterruptParagraph() bool { return true }

// CanAcceptIndentedLine implements parser.BlockParser.
func (mathBlockParser) CanAcceptIndentedLine() bool { return false }
