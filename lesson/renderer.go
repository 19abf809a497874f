package lesson

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// nodeRenderer writes our three node kinds as HTML. The MathML and the
// widget placeholders were built and escaped by us, so they are written as
// they are.
type nodeRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMath, renderInline)
	reg.Register(kindMathBlock, renderBlock)
	reg.Register(kindWidget, renderWidget)
}

func renderInline(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(n.(*mathNode).mathml)
	}
	return ast.WalkSkipChildren, nil
}

// renderBlock wraps display math in a div, which a style sheet can let
// scroll sideways on narrow screens.
func renderBlock(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(`<div class="sg-math">`)
		_, _ = w.WriteString(n.(*mathBlock).mathml)
		_, _ = w.WriteString("</div>\n")
	}
	return ast.WalkSkipChildren, nil
}

func renderWidget(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString(widgetHTML(n.(*widgetNode).widget))
		_ = w.WriteByte('\n')
	}
	return ast.WalkSkipChildren, nil
}
