package lesson

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown is the configured converter. goldmark's parser and renderer keep
// no state between documents (ours lives in the parser.Context), so one
// value serves every call.
var markdown = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
	),
	goldmark.WithParserOptions(
		parser.WithAutoHeadingID(),
		parser.WithBlockParsers(util.Prioritized(mathBlockParser{}, 650)),
		parser.WithInlineParsers(util.Prioritized(mathInlineParser{}, 150)),
		parser.WithASTTransformers(util.Prioritized(widgetTransformer{}, 100)),
	),
	goldmark.WithRendererOptions(
		renderer.WithNodeRenderers(util.Prioritized(nodeRenderer{}, 100)),
	),
)

// state carries what rendering one body collects: the errors, each with
// its line, and the widgets.
type state struct {
	src      []byte
	lineBase int // file line number of the first line of src, minus 1
	errs     []error
	widgets  []Widget
}

var stateKey = parser.NewContextKey()

func stateOf(pc parser.Context) *state { return pc.Get(stateKey).(*state) }

// errorf records an error at byte offset off of the body.
func (s *state) errorf(off int, format string, args ...any) {
	line := s.lineBase + lineAt(s.src, off)
	s.errs = append(s.errs, fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, args...)))
}

// Render renders a lesson body (Markdown without front matter) to HTML and
// returns the widgets it places. Every problem in the body (malformed math,
// a bad widget block) is reported, one per line of the error, with its line
// number counted from 1 at the start of src.
func Render(src []byte) (html string, widgets []Widget, err error) {
	return render(src, 1)
}

// render is Render for a body that starts at line firstLine of its file.
func render(src []byte, firstLine int) (string, []Widget, error) {
	st := &state{src: src, lineBase: firstLine - 1}
	pc := parser.NewContext()
	pc.Set(stateKey, st)
	doc := markdown.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	if len(st.errs) > 0 {
		return "", nil, errors.Join(st.errs...)
	}
	var b bytes.Buffer
	if err := markdown.Renderer().Render(&b, src, doc); err != nil {
		return "", nil, fmt.Errorf("render markdown: %w", err)
	}
	return b.String(), st.widgets, nil
}
