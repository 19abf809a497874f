package lesson

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// widgetNode stands in the document where a ```widget block was.
type widgetNode struct {
	ast.BaseBlock
	widget Widget
}

var kindWidget = ast.NewNodeKind("Widget")

// Kind implements ast.Node.
func (n *widgetNode) Kind() ast.NodeKind { return kindWidget }

// Dump implements ast.Node.
func (n *widgetNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"ID": n.widget.ID, "Kind": n.widget.Kind}, nil)
}

// widgetTransformer replaces each fenced code block whose info string is
// "widget" by a widgetNode, numbering the widgets w1, w2, ... in document
// order.
type widgetTransformer struct{}

// Transform implements parser.ASTTransformer.
func (widgetTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var blocks []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if b, ok := n.(*ast.FencedCodeBlock); ok && entering && string(b.Language(src)) == "widget" {
			blocks = append(blocks, b)
		}
		return ast.WalkContinue, nil
	})
	st := stateOf(pc)
	for _, b := range blocks {
		w, ok := parseWidget(b, src, st)
		if !ok {
			continue
		}
		w.ID = fmt.Sprintf("w%d", len(st.widgets)+1)
		st.widgets = append(st.widgets, w)
		b.Parent().ReplaceChild(b.Parent(), b, &widgetNode{widget: w})
	}
}

// parseWidget reads the "key: value" lines of a widget block. The first key
// must be kind; the other keys become the options. Blank lines and lines
// starting with # are skipped. Problems are recorded in st with their line.
func parseWidget(b *ast.FencedCodeBlock, src []byte, st *state) (Widget, bool) {
	w := Widget{Options: map[string]string{}}
	lines := b.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		line := strings.TrimSpace(string(seg.Value(src)))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, err := keyValue(line)
		switch {
		case err != nil:
			st.errorf(seg.Start, "widget: %v", err)
			return w, false
		case w.Kind == "" && key != "kind":
			st.errorf(seg.Start, "widget: first key must be kind, got %s", key)
			return w, false
		case key == "kind" && w.Kind != "", w.Options[key] != "":
			st.errorf(seg.Start, "widget: duplicate key %s", key)
			return w, false
		case value == "":
			st.errorf(seg.Start, "widget: empty value for %s", key)
			return w, false
		case key == "kind":
			if !validSlug(value) {
				st.errorf(seg.Start, "widget: bad kind %q", value)
				return w, false
			}
			w.Kind = value
		default:
			w.Options[key] = value
		}
	}
	if w.Kind == "" {
		st.errorf(b.Info.Segment.Start, "widget: missing kind")
		return w, false
	}
	return w, true
}

// attrEscaper makes a JSON text safe inside a single-quoted HTML attribute.
// (encoding/json already writes <, > and & as \u escapes.)
var attrEscaper = strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;")

// widgetHTML returns the placeholder the page's script mounts a widget on.
func widgetHTML(w Widget) string {
	opts, err := json.Marshal(w.Options)
	if err != nil {
		panic("lesson: " + err.Error()) // a map[string]string always marshals
	}
	return fmt.Sprintf(`<div class="sg-widget" data-widget="%s" data-kind="%s" data-options='%s' data-testid="widget-%s"></div>`,
		w.ID, w.Kind, attrEscaper.Replace(string(opts)), w.ID)
}
